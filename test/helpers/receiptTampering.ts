/** A receipt with every field set, and each field changed to another valid value (for tampering tests). */
import {
  FillSide,
  Liquidity,
  ReceiptStatus,
  type Receipt,
} from "../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { ed25519Address, type Ed25519Signer } from "../../chain/crypto/ed25519.js";
import { sha256 } from "../../chain/crypto/hash.js";
import { utf8 } from "../../chain/types/bytes.js";

export function sampleReceipt(chainId: string, sequencer: Ed25519Signer): Receipt {
  return {
    chainId,
    height: 42n,
    index: 3,
    txHash: sha256(utf8("tx")),
    code: 0,
    codespace: "",
    resultHash: sha256(utf8("result")),
    fills: [
      {
        market: "ETH-PERP",
        side: FillSide.FILL_SIDE_BUY,
        price: 3000_000000n,
        size: 2n,
        fee: "150",
        liquidity: Liquidity.LIQUIDITY_TAKER,
        orderId: 11n,
        counterpartyOrderId: 7n,
        tradeSeq: 5n,
        account: "strike1taker",
        subaccount: 0,
        counterparty: "strike1maker",
        counterpartySubaccount: 1,
      },
    ],
    sequencerAddress: ed25519Address(sequencer.publicKey),
    epoch: 4n,
    previousReceiptHash: sha256(utf8("previous")),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
    data: new Uint8Array(0),
    gasWanted: 0n,
    gasUsed: 0n,
  };
}

/** Each field of the receipt changed, one at a time: a signature over the original must not cover any. */
export function receiptTamperings(other: Ed25519Signer): [string, (r: Receipt) => void][] {
  return [
    ["chain id", (r) => (r.chainId = "strike-other-1")],
    ["height", (r) => (r.height += 1n)],
    ["index", (r) => (r.index += 1)],
    ["tx hash", (r) => (r.txHash = sha256(utf8("another tx")))],
    ["code", (r) => (r.code = 5)],
    ["codespace", (r) => (r.codespace = "orderbook")],
    ["result hash", (r) => (r.resultHash = sha256(utf8("another result")))],
    ["fill market", (r) => (r.fills[0]!.market = "BTC-PERP")],
    ["fill side", (r) => (r.fills[0]!.side = FillSide.FILL_SIDE_SELL)],
    ["fill price", (r) => (r.fills[0]!.price += 1n)],
    ["fill size", (r) => (r.fills[0]!.size += 1n)],
    ["fill fee", (r) => (r.fills[0]!.fee = "0")],
    ["fill liquidity", (r) => (r.fills[0]!.liquidity = Liquidity.LIQUIDITY_MAKER)],
    ["fill order id", (r) => (r.fills[0]!.orderId += 1n)],
    ["fill counterparty order id", (r) => (r.fills[0]!.counterpartyOrderId += 1n)],
    ["fill trade seq", (r) => (r.fills[0]!.tradeSeq += 1n)],
    ["a dropped fill", (r) => (r.fills = [])],
    ["sequencer address", (r) => (r.sequencerAddress = ed25519Address(other.publicKey))],
    ["epoch", (r) => (r.epoch += 1n)],
    ["previous receipt hash", (r) => (r.previousReceiptHash = new Uint8Array(0))],
    ["status", (r) => (r.status = ReceiptStatus.RECEIPT_STATUS_REJECTED)],
    ["log", (r) => (r.log = "refused")],
  ];
}
