/** A receipt with every field set, and each field changed to another valid value (for tampering tests). */
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { Side } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import { MsgPlaceOrderResponse } from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import {
  FillSide,
  Liquidity,
  ReceiptStatus,
  type Receipt,
} from "../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { ed25519Address, type Ed25519Signer } from "../../chain/crypto/ed25519.js";
import { sha256 } from "../../chain/crypto/hash.js";
import { resultHashOf } from "../../chain/sequencer/receiptVerdict.js";
import { utf8 } from "../../chain/types/bytes.js";
import { okTxResult } from "./txResults.js";

/** The result data of the sample's tx: its order's response with the one trade its fill shows. */
const SAMPLE_DATA = TxMsgData.encode({
  data: [],
  msgResponses: [
    {
      typeUrl: "/strike.orderbook.v1.MsgPlaceOrderResponse",
      value: MsgPlaceOrderResponse.encode({
        orderId: 11n,
        status: "filled",
        filled: "0.002",
        remaining: "0",
        market: "ETH-PERP",
        side: Side.SIDE_BUY,
        owner: "strike1taker",
        subaccount: 0,
        fills: [
          {
            makerOrderId: 7n,
            price: "3000",
            size: "0.002",
            fee: "0.00015",
            tradeSeq: 5n,
            maker: "strike1maker",
            makerSubaccount: 1,
            priceUnits: 3000_000000n,
            sizeUnits: 2n,
            takerFeeUnits: "150",
            makerFeeUnits: "-20",
          },
        ],
      }).finish(),
    },
  ],
}).finish();

/** A sequenced receipt whose fill is the trade its result data records (it does not contradict itself). */
export function sampleReceipt(chainId: string, sequencer: Ed25519Signer): Receipt {
  const result = { ...okTxResult, data: SAMPLE_DATA, gasWanted: 200_000n, gasUsed: 98_765n };
  return {
    chainId,
    height: 42n,
    index: 3,
    txHash: sha256(utf8("tx")),
    code: 0,
    codespace: "",
    resultHash: resultHashOf(result),
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
    data: SAMPLE_DATA,
    gasWanted: result.gasWanted,
    gasUsed: result.gasUsed,
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
