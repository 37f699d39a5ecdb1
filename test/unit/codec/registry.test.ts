import test from "ava";
import { createStrikeRegistry } from "../../../chain/codec/registry.js";
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
