import test from "ava";
import {
  FillSide,
  Liquidity,
  Receipt,
  ReceiptStatus,
  SignedReceipt as SignedReceiptCodec,
  type SignedReceipt,
} from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { encodeMessage } from "../../../chain/codec/encode.js";
import { Side } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { MsgPlaceOrderResponse } from "../../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../../../chain/p2p/config.js";
import { createEd25519Signer, ed25519Address, verifyEd25519 } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { concatBytes, u32be, utf8 } from "../../../chain/types/bytes.js";
import { sequencerErrors } from "../../../chain/sequencer/errors.js";
import { receiptSignBytes, signReceipt, verifyReceipt } from "../../../chain/sequencer/receipt.js";

const CHAIN = "strike-test-1";
const sequencer = createEd25519Signer(new Uint8Array(32).fill(7));
const other = createEd25519Signer(new Uint8Array(32).fill(9));

function sample(): Receipt {
  return {
    chainId: CHAIN,
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

/** Each field changed to another valid value: the signature over the original must not cover it. */
const tamperings: [string, (r: Receipt) => void][] = [
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

test("an untouched receipt verifies and decodes to what was signed", (t) => {
  const signed = signReceipt(sample(), sequencer);
  const r = verifyReceipt(signed, { chainId: CHAIN, sequencerAddress: ed25519Address(sequencer.publicKey) });
  t.deepEqual(r, sample());
});

for (const [name, change] of tamperings) {
  test(`a receipt whose ${name} was changed after signing fails verification`, (t) => {
    const signed = signReceipt(sample(), sequencer);
    const changed = sample();
    change(changed);
    const forged: SignedReceipt = { ...signed, receipt: Receipt.encode(changed).finish() };
    const e = t.throws(() => verifyReceipt(forged, { chainId: changed.chainId }));
    t.true(sequencerErrors.badReceiptSignature.is(e) || sequencerErrors.wrongSigner.is(e), String(e));
  });
}

test("flipping any bit of the receipt bytes fails verification", (t) => {
  const signed = signReceipt(sample(), sequencer);
  let failures = 0;
  for (let i = 0; i < signed.receipt.length; i++) {
    const bytes = new Uint8Array(signed.receipt);
    bytes[i]! ^= 0x01;
    try {
      verifyReceipt({ ...signed, receipt: bytes }, { chainId: CHAIN });
    } catch {
      failures++;
    }
  }
  t.is(failures, signed.receipt.length);
});

test("a tampered signature fails verification", (t) => {
  const signed = signReceipt(sample(), sequencer);
  for (const i of [0, 31, 32, 63]) {
    const sig = new Uint8Array(signed.signature);
    sig[i]! ^= 0x80;
    const e = t.throws(() => verifyReceipt({ ...signed, signature: sig }, { chainId: CHAIN }));
    t.true(sequencerErrors.badReceiptSignature.is(e));
  }
  t.throws(() => verifyReceipt({ ...signed, signature: new Uint8Array(0) }, { chainId: CHAIN }));
});

test("a receipt signed by another key than the sequencer it names fails verification", (t) => {
  // `other` signs a receipt that claims to come from `sequencer`.
  const forged = signReceipt(sample(), other);
  const e = t.throws(() => verifyReceipt(forged, { chainId: CHAIN }));
  t.true(sequencerErrors.wrongSigner.is(e));
  // Swapping in the sequencer's public key breaks the signature instead.
  const swapped = { ...forged, pubKey: sequencer.publicKey };
  t.true(sequencerErrors.badReceiptSignature.is(t.throws(() => verifyReceipt(swapped, { chainId: CHAIN }))));
});

test("a valid receipt of a validator that is not the expected sequencer fails verification", (t) => {
  const r = { ...sample(), sequencerAddress: ed25519Address(other.publicKey) };
  const signed = signReceipt(r, other);
  t.notThrows(() => verifyReceipt(signed, { chainId: CHAIN }));
  const e = t.throws(() =>
    verifyReceipt(signed, { chainId: CHAIN, sequencerAddress: ed25519Address(sequencer.publicKey) }),
  );
  t.true(sequencerErrors.wrongSigner.is(e));
});

test("a receipt presented for another chain fails verification", (t) => {
  const signed = signReceipt(sample(), sequencer);
  t.true(sequencerErrors.wrongChain.is(t.throws(() => verifyReceipt(signed, { chainId: "strike-other-1" }))));
});

test("the sign bytes are the documented prefix, chain id and receipt bytes (verifiable without Strike's code)", (t) => {
  const signed = signReceipt(sample(), sequencer);
  const id = utf8(CHAIN);
  const expected = concatBytes(utf8("STRIKE-RECEIPT-V1"), new Uint8Array([0]), u32be(id.length), id, signed.receipt);
  t.deepEqual(receiptSignBytes(CHAIN, signed.receipt), expected);
  t.true(verifyEd25519(sequencer.publicKey, expected, signed.signature));
  // The domain prefix: the same receipt bytes signed bare are not a receipt signature.
  const bare = { ...signed, signature: sequencer.sign(signed.receipt) };
  t.throws(() => verifyReceipt(bare, { chainId: CHAIN }));
});

test("the receipt of an order that swept 1,000 resting orders, both owners and the result data included, fits the receipts channel", (t) => {
  const address = (i: number) => `strike1${String(i).padStart(38, "q")}`;
  const fills = Array.from({ length: 1000 }, (_, i) => ({
    market: "ETH-20261231-3500-C",
    side: FillSide.FILL_SIDE_BUY,
    price: 99_999_999_000_000n,
    size: 1_000_000_000n,
    fee: "-123456789012",
    liquidity: Liquidity.LIQUIDITY_TAKER,
    orderId: 2n ** 40n + BigInt(i),
    counterpartyOrderId: 2n ** 40n + BigInt(i),
    tradeSeq: 2n ** 40n + BigInt(i),
    account: address(0),
    subaccount: 4_000_000_000,
    counterparty: address(i + 1),
    counterpartySubaccount: 4_000_000_000,
  }));
  // The result data: the order's response with a FillResult per fill, at the widest fields.
  const data = TxMsgData.encode({
    data: [],
    msgResponses: [
      {
        typeUrl: "/strike.orderbook.v1.MsgPlaceOrderResponse",
        value: MsgPlaceOrderResponse.encode({
          orderId: 2n ** 40n,
          status: "cancelled_remainder",
          filled: "1000000000.000000",
          remaining: "1000000000.000000",
          market: "ETH-20261231-3500-C",
          side: Side.SIDE_BUY,
          owner: address(0),
          subaccount: 4_000_000_000,
          fills: fills.map((f) => ({
            makerOrderId: f.counterpartyOrderId,
            price: "99999999.000000",
            size: "1000.000000",
            fee: "-123456.789012",
            tradeSeq: f.tradeSeq,
            maker: f.counterparty,
            makerSubaccount: f.counterpartySubaccount,
            priceUnits: f.price,
            sizeUnits: f.size,
            takerFeeUnits: f.fee,
            makerFeeUnits: f.fee,
          })),
        }).finish(),
      },
    ],
  }).finish();
  const signed = signReceipt({ ...sample(), fills, data, gasWanted: 2n ** 62n, gasUsed: 2n ** 62n }, sequencer);
  const bytes = encodeMessage(SignedReceiptCodec, signed).length;
  t.true(bytes <= DEFAULT_MAX_MESSAGE_BYTES.receipts, `${bytes} bytes`);
  t.log(`${bytes} bytes, ${Math.round((100 * bytes) / DEFAULT_MAX_MESSAGE_BYTES.receipts)}% of the channel's limit`);
});
