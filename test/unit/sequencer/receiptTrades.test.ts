/**
 * A receipt whose fills are not the trades of the result it promises contradicts itself
 * (chain/sequencer/receiptTrades.ts): every field of every fill is checked against the
 * trades its proven result data records, from the taker's side or the maker's, and a
 * result that does not hash to the receipt's result_hash is a contradiction too.
 */
import test from "ava";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { Side } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import {
  MsgPlaceBundleResponse,
  MsgPlaceOrderResponse,
  type FillResult,
} from "../../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { FillSide, Liquidity, type Fill } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { ReceiptStatus, type Receipt } from "../../../chain/sequencer/receipt.js";
import { falseFills, makerFees } from "../../../chain/sequencer/receiptTrades.js";
import { okTxResult, sequencedReceiptOf } from "../../helpers/txResults.js";

const ALICE = "strike1alice";
const BOB = "strike1bob";
const CAROL = "strike1carol";

const trade = (seq: bigint, maker: string, makerOrderId: bigint, price: bigint, size: bigint): FillResult => ({
  makerOrderId,
  price: "(decimal)",
  size: "(decimal)",
  fee: "(decimal)",
  tradeSeq: seq,
  maker,
  makerSubaccount: 2,
  priceUnits: price,
  sizeUnits: size,
  takerFeeUnits: String(size * 3n),
  makerFeeUnits: String(-size),
});

const order = (market: string, side: Side, orderId: bigint, fills: FillResult[]): MsgPlaceOrderResponse => ({
  orderId,
  status: "filled",
  filled: "(decimal)",
  remaining: "0",
  fills,
  market,
  side,
  owner: ALICE,
  subaccount: 1,
});

// Alice's order 10 buys ETH-PERP from bob and carol; then a bundle whose second leg sells BTC-PERP to bob.
const ethBuy = order("ETH-PERP", Side.SIDE_BUY, 10n, [
  trade(7n, BOB, 3n, 3_000_000_000n, 5n),
  trade(8n, CAROL, 4n, 3_000_500_000n, 2n),
]);
const bundle = [
  order("SOL-PERP", Side.SIDE_BUY, 11n, []),
  order("BTC-PERP", Side.SIDE_SELL, 12n, [trade(1n, BOB, 5n, 60_000_000_000n, 1n)]),
];
const data = TxMsgData.encode({
  data: [],
  msgResponses: [
    { typeUrl: "/strike.orderbook.v1.MsgPlaceOrderResponse", value: MsgPlaceOrderResponse.encode(ethBuy).finish() },
    { typeUrl: "/cosmos.bank.v1beta1.MsgSendResponse", value: new Uint8Array(0) },
    {
      typeUrl: "/strike.orderbook.v1.MsgPlaceBundleResponse",
      value: MsgPlaceBundleResponse.encode({ legs: bundle, netCost: "0" }).finish(),
    },
  ],
}).finish();

/** The fill a trade event gives the taker (as chain/sequencer/fills.ts reads it). */
const takerFill = (o: MsgPlaceOrderResponse, f: FillResult): Fill => ({
  market: o.market,
  side: o.side === Side.SIDE_BUY ? FillSide.FILL_SIDE_BUY : FillSide.FILL_SIDE_SELL,
  price: f.priceUnits,
  size: f.sizeUnits,
  fee: f.takerFeeUnits,
  liquidity: Liquidity.LIQUIDITY_TAKER,
  orderId: o.orderId,
  counterpartyOrderId: f.makerOrderId,
  tradeSeq: f.tradeSeq,
  account: o.owner,
  subaccount: o.subaccount,
  counterparty: f.maker,
  counterpartySubaccount: f.makerSubaccount,
});

const trueFills: Fill[] = [
  takerFill(ethBuy, ethBuy.fills[0]!),
  takerFill(ethBuy, ethBuy.fills[1]!),
  takerFill(bundle[1]!, bundle[1]!.fills[0]!),
];

function receipt(fills: Fill[], over: Partial<Receipt> = {}): Receipt {
  return sequencedReceiptOf({ ...okTxResult, data, gasWanted: 300_000n, gasUsed: 123_456n }, { fills, ...over });
}

const withFill = (i: number, change: Partial<Fill>): Fill[] =>
  trueFills.map((f, j) => (j === i ? { ...f, ...change } : f));

test("fills that are the trades of the promised result, in order, are no contradiction", (t) => {
  t.is(falseFills(receipt(trueFills)), undefined);
});

test("a fill differing from its trade in any field is named with the field and both values", (t) => {
  const cases: [number, Partial<Fill>, string][] = [
    [0, { price: 2_999_999_999n }, "price"],
    [0, { size: 6n }, "size"],
    [1, { market: "BTC-PERP" }, "market"],
    [1, { side: FillSide.FILL_SIDE_SELL }, "side"],
    [1, { fee: "0" }, "fee"],
    [0, { orderId: 99n }, "orderId"],
    [0, { counterpartyOrderId: 4n }, "counterpartyOrderId"],
    [2, { tradeSeq: 2n }, "tradeSeq"],
    [2, { account: BOB }, "account"],
    [2, { subaccount: 0 }, "subaccount"],
    [0, { counterparty: CAROL }, "counterparty"],
    [0, { counterpartySubaccount: 0 }, "counterpartySubaccount"],
  ];
  for (const [i, change, field] of cases) {
    const why = falseFills(receipt(withFill(i, change)));
    t.truthy(why, field);
    t.regex(why ?? "", new RegExp(`^fill ${i} shows ${field} `), field);
  }
  t.is(
    falseFills(receipt(withFill(0, { price: 1n }))),
    "fill 0 shows price 1; trade 0 of the result it promises has 3000000000",
  );
});

test("a fill left out, made up or out of order contradicts the result", (t) => {
  t.regex(falseFills(receipt(trueFills.slice(1))) ?? "", /shows 2 fill\(s\); the result it promises records 3 trade/);
  t.regex(falseFills(receipt([...trueFills, trueFills[2]!])) ?? "", /shows 4 fill\(s\)/);
  t.truthy(falseFills(receipt([trueFills[1]!, trueFills[0]!, trueFills[2]!])));
  // A tx that traded nothing, with a fill: the lie a sequencer could tell a taker of a bank send.
  const quiet = TxMsgData.encode({ data: [], msgResponses: [] }).finish();
  const r = sequencedReceiptOf({ ...okTxResult, data: quiet }, { fills: [trueFills[0]!] });
  t.is(falseFills(r), "it shows 1 fill(s); the result it promises records 0 trade(s)");
  t.is(falseFills({ ...r, fills: [] }), undefined);
});

test("the maker's side of a trade, shown whole, is no contradiction; mixing the two sides is", (t) => {
  const f = ethBuy.fills[0]!;
  const makerSide: Fill = {
    market: "ETH-PERP",
    side: FillSide.FILL_SIDE_SELL,
    price: f.priceUnits,
    size: f.sizeUnits,
    fee: f.makerFeeUnits,
    liquidity: Liquidity.LIQUIDITY_MAKER,
    orderId: f.makerOrderId,
    counterpartyOrderId: ethBuy.orderId,
    tradeSeq: f.tradeSeq,
    account: BOB,
    subaccount: 2,
    counterparty: ALICE,
    counterpartySubaccount: 1,
  };
  t.is(falseFills(receipt([makerSide, trueFills[1]!, trueFills[2]!])), undefined);
  t.regex(falseFills(receipt([{ ...makerSide, fee: f.takerFeeUnits }, ...trueFills.slice(1)])) ?? "", /fee/);
  t.regex(falseFills(receipt([{ ...makerSide, side: FillSide.FILL_SIDE_BUY }, ...trueFills.slice(1)])) ?? "", /side/);
  t.regex(
    falseFills(receipt([{ ...trueFills[0]!, liquidity: Liquidity.LIQUIDITY_UNSPECIFIED }, ...trueFills.slice(1)])) ??
      "",
    /neither the taker's nor the maker's side/,
  );
});

test("a result that does not hash to the result hash is a contradiction; data that does not decode, or a rejection, is none", (t) => {
  t.regex(falseFills(receipt(trueFills, { gasUsed: 1n })) ?? "", /does not hash to its result_hash/);
  t.regex(falseFills(receipt(trueFills, { data: new Uint8Array(0) })) ?? "", /does not hash/);
  t.is(falseFills(receipt(trueFills, { status: ReceiptStatus.RECEIPT_STATUS_REJECTED })), undefined);
  const junk = Uint8Array.of(0xff, 0xff, 0xff);
  t.is(falseFills(sequencedReceiptOf({ ...okTxResult, data: junk })), undefined);
});

test("each fill's maker fee is read from the promised result, and only when the fills are its trades", (t) => {
  // The trades' maker fees: minus their sizes (rebates), in trade order.
  t.deepEqual(makerFees(receipt(trueFills)), [-5n, -2n, -1n]);
  t.is(makerFees(receipt(withFill(1, { price: 1n }))), undefined, "fills that contradict the result");
  t.is(
    makerFees(receipt(trueFills, { resultHash: new Uint8Array(32) })),
    undefined,
    "a result that is not the promised one",
  );
  t.is(makerFees(receipt(trueFills, { status: ReceiptStatus.RECEIPT_STATUS_REJECTED })), undefined, "a rejection");
});
