/**
 * A receipt's result (chain/sequencer/receiptResult.ts) is read only when it is what the
 * receipt's result hash covers: the order ids a market maker takes from it before the
 * commit cannot differ from the result the block is judged against.
 */
import test from "ava";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { Side } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import {
  MsgPlaceBundleResponse,
  MsgPlaceOrderResponse,
} from "../../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { ReceiptStatus, type Receipt } from "../../../chain/sequencer/receipt.js";
import { placedOrders, provenResultData } from "../../../chain/sequencer/receiptResult.js";
import { decodedReceiptJson } from "../../../chain/sequencer/receiptJson.js";
import { okTxResult, sequencedReceiptOf } from "../../helpers/txResults.js";

const response = (orderId: bigint, status: string): MsgPlaceOrderResponse => ({
  orderId,
  status,
  filled: "0",
  remaining: "1.5",
  fills: [],
  market: "ETH-PERP",
  side: Side.SIDE_BUY,
  owner: "strike1owner",
  subaccount: 0,
});

const placed = (orderId: bigint, status: string) => ({
  typeUrl: "/strike.orderbook.v1.MsgPlaceOrderResponse",
  value: MsgPlaceOrderResponse.encode(response(orderId, status)).finish(),
});

function receiptFor(data: Uint8Array, over: Partial<Receipt> = {}): Receipt {
  return sequencedReceiptOf({ ...okTxResult, data, gasWanted: 200_000n, gasUsed: 81_234n }, over);
}

const twoOrders = TxMsgData.encode({
  data: [],
  msgResponses: [
    placed(41n, "rests"),
    { typeUrl: "/cosmos.bank.v1beta1.MsgSendResponse", value: new Uint8Array(0) },
    placed(42n, "filled"),
  ],
}).finish();

test("the orders a tx placed are read from a result that hashes to the receipt's result hash", (t) => {
  const r = receiptFor(twoOrders);
  t.deepEqual(provenResultData(r), twoOrders);
  t.deepEqual(placedOrders(r), [
    { msgIndex: 0, orderId: 41n, status: "rests", filled: "0", remaining: "1.5" },
    { msgIndex: 2, orderId: 42n, status: "filled", filled: "0", remaining: "1.5" },
  ]);
});

test("a replacement's order and each leg of a bundle are read too, in message and leg order", (t) => {
  const data = TxMsgData.encode({
    data: [],
    msgResponses: [
      {
        typeUrl: "/strike.orderbook.v1.MsgReplaceOrderResponse",
        value: MsgPlaceOrderResponse.encode(response(7n, "rests")).finish(),
      },
      {
        typeUrl: "/strike.orderbook.v1.MsgPlaceBundleResponse",
        value: MsgPlaceBundleResponse.encode({
          legs: [response(8n, "filled"), response(9n, "filled")],
          netCost: "1",
        }).finish(),
      },
    ],
  }).finish();
  t.deepEqual(
    placedOrders(receiptFor(data)).map((o) => [o.msgIndex, o.orderId]),
    [
      [0, 7n],
      [1, 8n],
      [1, 9n],
    ],
  );
});

test("the receipt's JSON lists the placed orders only from a proven result", (t) => {
  t.deepEqual(decodedReceiptJson(receiptFor(twoOrders))["orders"], [
    { msg_index: 0, order_id: "41", status: "rests", filled: "0", remaining: "1.5" },
    { msg_index: 2, order_id: "42", status: "filled", filled: "0", remaining: "1.5" },
  ]);
  t.deepEqual(decodedReceiptJson({ ...receiptFor(twoOrders), gasUsed: 1n })["orders"], []);
});

test("a result that is not what the hash covers is not read: another order id, other gas, or a rejection", (t) => {
  const other = TxMsgData.encode({ data: [], msgResponses: [placed(99n, "rests")] }).finish();
  // A sequencer that signs the true result hash beside another order id promises nothing about that id.
  const lying = { ...receiptFor(twoOrders), data: other };
  t.is(provenResultData(lying), undefined);
  t.deepEqual(placedOrders(lying), []);
  t.is(provenResultData({ ...receiptFor(twoOrders), gasUsed: 1n }), undefined);
  t.is(provenResultData({ ...receiptFor(twoOrders), code: 5 }), undefined);
  t.is(provenResultData(receiptFor(twoOrders, { status: ReceiptStatus.RECEIPT_STATUS_REJECTED })), undefined);
});

test("data that hashes right but is not a TxMsgData names no order", (t) => {
  const junk = Uint8Array.of(0xff, 0xff, 0xff);
  t.deepEqual(provenResultData(receiptFor(junk)), junk);
  t.deepEqual(placedOrders(receiptFor(junk)), []);
  t.deepEqual(placedOrders(receiptFor(new Uint8Array(0))), []);
});
