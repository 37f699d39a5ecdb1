import test from "ava";
import { eventMapOf } from "../../../chain/indexer/events.js";
import type { EventData, EventMessage } from "../../../chain/indexer/types.js";
import { eventMessageJson } from "../../../chain/rpc/render/events.js";
import type { Frame } from "../../../chain/rpc/context.js";
import { eventBody, eventFrame, resultFrame } from "../../../chain/rpc/render/frames.js";
import { buildChain } from "./fixture.js";

const chain = buildChain();

function newBlock(i: number): EventData {
  const block = chain.blocks[i]!;
  return { type: "NewBlock", block, blockId: chain.commits[i]!.blockId, resultFinalizeBlock: chain.results[i]! };
}

const messageOf = (query: string, data: EventData): EventMessage => ({ query, data, events: eventMapOf(data) });

/** What a client reassembles from the two fragments. */
const frameBytes = (f: Frame) => Buffer.concat([Buffer.from(f.head), f.body]);

const whole = (id: unknown, result: unknown) => Buffer.from(JSON.stringify({ jsonrpc: "2.0", id, result }));

test("an event's frame is byte for byte the JSON of the whole message, whatever the id and query", (t) => {
  for (let i = 0; i < chain.blocks.length; i++) {
    const data = newBlock(i);
    for (const [id, query] of [
      [1, "tm.event='NewBlock'"],
      ['a "quoted" id ✓', "tm.event = 'NewBlock' AND block.height > 0"],
      [0, "tx.memo = 'caf\u00e9 \\ \u2028'"],
    ] as const) {
      const msg = messageOf(query, data);
      t.deepEqual(frameBytes(eventFrame(id, msg)), whole(id, eventMessageJson(msg)));
    }
  }
  const header: EventData = { type: "NewBlockHeader", header: chain.blocks[0]!.header };
  const msg = messageOf("", header);
  t.deepEqual(frameBytes(eventFrame(9, msg)), whole(9, eventMessageJson(msg)));
});

test("the shared part of an event is encoded once for all its subscribers", (t) => {
  const data = newBlock(1);
  const events = eventMapOf(data);
  const a = eventBody({ query: "tm.event='NewBlock'", data, events });
  const b = eventBody({ query: "", data, events });
  t.is(a, b);
  t.not(eventBody(messageOf("", newBlock(2))), a);
});

test("a market message's frame is the JSON of the whole message, encoded once", (t) => {
  const message = { topic: "book", market: "ETH-PERP", seq: "3", bids: [["3000", "1.5"]], asks: [], note: undefined };
  t.deepEqual(frameBytes(resultFrame(42, message)), whole(42, message));
  t.deepEqual(frameBytes(resultFrame("x", message)), whole("x", message));
  t.is(resultFrame(42, message).body, resultFrame("x", message).body);
});

test("a message that cannot be encoded throws, so the session sends an internal error instead", (t) => {
  const data: EventData = { type: "Receipt", value: { amount: 1n }, attributes: new Map() };
  t.throws(() => eventFrame(1, { query: "", data, events: eventMapOf(data) }), { instanceOf: TypeError });
  t.throws(() => resultFrame(1, { n: 2n }), { instanceOf: TypeError });
});
