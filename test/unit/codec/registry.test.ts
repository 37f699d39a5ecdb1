import test from "ava";
import { createStrikeRegistry, strikeTypes } from "../../../chain/codec/registry.js";
import { MsgReplaceOrderResponse } from "../../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { Receipt } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";

test("Strike's generated types plug into a cosmjs Registry and round-trip through Any", (t) => {
  const registry = createStrikeRegistry();
  const receipt = Receipt.fromPartial({
    chainId: "strike-local-1",
    height: 7n,
    index: 3,
    txHash: new Uint8Array(32).fill(1),
  });
  const any = registry.encodeAsAny({ typeUrl: "/strike.sequencer.v1.Receipt", value: receipt });
  t.is(any.typeUrl, "/strike.sequencer.v1.Receipt");
  const back = registry.decode(any) as typeof receipt;
  t.is(back.chainId, "strike-local-1");
  t.is(back.height, 7n);
  t.is(back.index, 3);
  t.deepEqual(back.txHash, receipt.txHash);
});

test("the registry still knows the Cosmos bank send", (t) => {
  const registry = createStrikeRegistry();
  t.truthy(registry.lookupType("/cosmos.bank.v1beta1.MsgSend"));
});

test("every Strike message has its response in the registry, under the message's type URL with Response appended", (t) => {
  const registry = createStrikeRegistry();
  const messages = strikeTypes.map(([url]) => url).filter((url) => /\.Msg\w+$/.test(url) && !url.endsWith("Response"));
  t.true(messages.length >= 28);
  t.deepEqual(
    messages.filter((url) => registry.lookupType(`${url}Response`) === undefined),
    [],
  );
  // The replacement's response decodes to what the chain wrote (the place response's fields).
  const bytes = MsgReplaceOrderResponse.encode(
    MsgReplaceOrderResponse.fromPartial({ orderId: 9n, status: "rests", market: "ETH-PERP", subaccount: 2 }),
  ).finish();
  t.like(registry.decode({ typeUrl: "/strike.orderbook.v1.MsgReplaceOrderResponse", value: bytes }), {
    orderId: 9n,
    status: "rests",
    market: "ETH-PERP",
    subaccount: 2,
  });
});
