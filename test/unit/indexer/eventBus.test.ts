import test from "ava";
import { createEventBus, publishBlockEvents } from "../../../chain/indexer/eventBus.js";
import { indexerErrors } from "../../../chain/indexer/errors.js";
import type { EventMessage } from "../../../chain/indexer/types.js";
import type { Block, BlockId, Header } from "../../../chain/types/block.js";
import type { FinalizeBlockResponse } from "../../../chain/types/abci.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { eventMapOf } from "../../../chain/indexer/events.js";
import { parseQuery } from "../../../chain/indexer/query.js";
import { prng } from "../consensus/sim.js";

const z = new Uint8Array(32);
const blockId: BlockId = { hash: z, partSetHeader: { total: 1, hash: z } };
const header: Header = {
  version: { block: 11n, app: 0n },
  chainId: "strike-1",
  height: 7n,
  time: { seconds: 1700000000n, nanos: 0 },
  lastBlockId: blockId,
  lastCommitHash: z,
  dataHash: z,
  validatorsHash: z,
  nextValidatorsHash: z,
  consensusHash: z,
  appHash: z,
  lastResultsHash: z,
  evidenceHash: z,
  proposerAddress: new Uint8Array(20),
};
const block: Block = {
  header,
  txs: [utf8("a"), utf8("b")],
  evidence: [],
  lastCommit: { height: 6n, round: 0, blockId, signatures: [] },
};
const txResult = (sender: string) => ({
  code: 0,
  codespace: "",
  log: "",
  info: "",
  data: new Uint8Array(),
  gasWanted: 1n,
  gasUsed: 1n,
  events: [{ type: "message", attributes: [{ key: "sender", value: sender, index: true }] }],
});
const results: FinalizeBlockResponse = {
  events: [{ type: "mint", attributes: [{ key: "amount", value: "5", index: true }] }],
  txResults: [txResult("alice"), txResult("bob")],
  validatorUpdates: [],
  appHash: z,
};
const tick = () => new Promise((r) => setImmediate(r));

test("subscribers receive only the events their query matches, with tm.event and composite keys", async (t) => {
  const bus = createEventBus();
  const got: EventMessage[] = [];
  bus.subscribe("c1", "tm.event = 'Tx' AND message.sender = 'bob'", (m) => void got.push(m));
  const blocks: EventMessage[] = [];
  bus.subscribe("c1", "tm.event='NewBlock'", (m) => void blocks.push(m));
  publishBlockEvents(bus, block, blockId, results);
  await tick();
  t.is(got.length, 1);
  const m = got[0]!;
  t.is(m.data.type, "Tx");
  t.deepEqual(m.events.get("tx.height"), ["7"]);
  t.is(m.events.get("tx.hash")?.[0]?.length, 64);
  t.is(blocks.length, 1);
  t.deepEqual(blocks[0]!.events.get("mint.amount"), ["5"]);
  t.deepEqual(blocks[0]!.events.get("tm.event"), ["NewBlock"]);
});

test("queries that do not name a type get every type they match; a block with no Tx subscriber publishes none", async (t) => {
  const bus = createEventBus();
  const all: EventMessage[] = [];
  const alice: EventMessage[] = [];
  bus.subscribe("c1", "", (m) => void all.push(m));
  bus.subscribe("c1", "message.sender = 'alice'", (m) => void alice.push(m));
  publishBlockEvents(bus, block, blockId, results);
  await tick();
  t.deepEqual(
    all.map((m) => m.data.type),
    ["NewBlock", "NewBlockHeader", "NewBlockEvents", "Tx", "Tx"],
  );
  t.deepEqual(
    alice.map((m) => [m.data.type, m.events.get("tx.height")]),
    [["Tx", ["7"]]],
  );

  // Only a NewBlock subscriber: the Tx events are not even built.
  const only = createEventBus();
  const blocks: EventMessage[] = [];
  only.subscribe("c2", "tm.event='NewBlock'", (m) => void blocks.push(m));
  t.false(only.wants("Tx"));
  publishBlockEvents(only, block, blockId, results);
  await tick();
  t.deepEqual(
    blocks.map((m) => m.data.type),
    ["NewBlock"],
  );
});

test("a subscriber whose queue overflows is dropped with an error and the publisher never waits", async (t) => {
  const bus = createEventBus();
  let release: () => void = () => {};
  const blocked = new Promise<void>((r) => (release = r));
  let cancelled: Error | undefined;
  bus.subscribe("slow", "tm.event='NewBlockHeader'", () => blocked, { capacity: 2, onCancel: (e) => (cancelled = e) });
  for (let i = 0; i < 5; i++) bus.publish({ type: "NewBlockHeader", header });
  t.true(indexerErrors.subscriberTooSlow.is(cancelled));
  t.is(bus.numClients(), 0);
  release();
});

test("per-client subscription limits, duplicate queries and unknown unsubscribes are typed errors", (t) => {
  const bus = createEventBus({ maxSubscriptionsPerClient: 2, maxClients: 1 });
  bus.subscribe("a", "tm.event='Tx'", () => {});
  t.true(indexerErrors.alreadySubscribed.is(t.throws(() => bus.subscribe("a", "tm.event='Tx'", () => {}))));
  bus.subscribe("a", "tm.event='NewBlock'", () => {});
  t.true(indexerErrors.tooManySubscriptions.is(t.throws(() => bus.subscribe("a", "x.y EXISTS", () => {}))));
  t.true(indexerErrors.tooManyClients.is(t.throws(() => bus.subscribe("b", "x.y EXISTS", () => {}))));
  t.true(indexerErrors.invalidQuery.is(t.throws(() => bus.subscribe("a", "tm.event ==", () => {}))));
  t.true(indexerErrors.notSubscribed.is(t.throws(() => bus.unsubscribe("a", "nope.q EXISTS"))));
  bus.unsubscribe("a", "tm.event='Tx'");
  t.is(bus.numClientSubscriptions("a"), 1);
  bus.unsubscribeAll("a");
  t.is(bus.numClients(), 0);
});

test("after unsubscribe no further events are delivered", async (t) => {
  const bus = createEventBus();
  let n = 0;
  bus.subscribe("c", "tm.event='NewBlockHeader'", () => void n++);
  bus.publish({ type: "NewBlockHeader", header });
  await tick();
  bus.unsubscribe("c", "tm.event='NewBlockHeader'");
  bus.publish({ type: "NewBlockHeader", header });
  await tick();
  t.is(n, 1);
});

test("a burst of matching events in one step reaches a synchronous reader whole, past the queue's capacity", (t) => {
  const bus = createEventBus({ capacity: 100 });
  const got: bigint[] = [];
  let cancelled: Error | undefined;
  bus.subscribe("ws", "tm.event='NewBlockHeader'", (m) => void got.push((m.data as { header: Header }).header.height), {
    onCancel: (e) => (cancelled = e),
  });
  for (let i = 1n; i <= 250n; i++) bus.publish({ type: "NewBlockHeader", header: { ...header, height: i } });
  t.is(cancelled, undefined);
  t.deepEqual(
    got,
    Array.from({ length: 250 }, (_, i) => BigInt(i + 1)),
  );
  t.is(bus.numClientSubscriptions("ws"), 1);
});

test("a synchronous reader that throws (its client left too much unread) is cancelled with that error, once", (t) => {
  const bus = createEventBus();
  const reasons: Error[] = [];
  let n = 0;
  bus.subscribe(
    "ws",
    "tm.event='NewBlockHeader'",
    () => {
      if (++n === 3) throw indexerErrors.subscriberTooSlow("unread");
    },
    { onCancel: (e) => reasons.push(e) },
  );
  for (let i = 0; i < 10; i++) bus.publish({ type: "NewBlockHeader", header });
  t.is(n, 3);
  t.is(reasons.length, 1);
  t.true(indexerErrors.subscriberTooSlow.is(reasons[0]));
  t.is(bus.numClients(), 0);
});

test("an asynchronous reader gets its messages in order, one at a time", async (t) => {
  const bus = createEventBus();
  const got: bigint[] = [];
  let busy = 0;
  let overlapped = false;
  bus.subscribe("slow", "tm.event='NewBlockHeader'", async (m) => {
    if (++busy > 1) overlapped = true;
    await tick();
    got.push((m.data as { header: Header }).header.height);
    busy--;
  });
  for (let i = 1n; i <= 20n; i++) bus.publish({ type: "NewBlockHeader", header: { ...header, height: i } });
  for (let i = 0; i < 50 && got.length < 20; i++) await tick();
  t.false(overlapped);
  t.deepEqual(
    got,
    Array.from({ length: 20 }, (_, i) => BigInt(i + 1)),
  );
});

test("wants says whether any subscription could match an event type: a query naming another tm.event rules it out", (t) => {
  const bus = createEventBus();
  t.false(bus.wants("Receipt"), "no subscription");
  bus.subscribe("a", "tm.event='NewBlock'", () => {});
  t.false(bus.wants("Receipt"), "a client following blocks only");
  t.true(bus.wants("NewBlock"));
  bus.subscribe("b", "receipt.stage = 'reverted'", () => {});
  t.true(bus.wants("Receipt"), "a query without tm.event could match anything");
  bus.unsubscribe("b", "receipt.stage = 'reverted'");
  bus.subscribe("b", "tm.event = 'Receipt' AND receipt.account = 'x'", () => {});
  t.true(bus.wants("Receipt"));
  t.false(bus.wants("TxStatus"));
  bus.unsubscribeAll("b");
  t.false(bus.wants("Receipt"));
});

test("the subscription index delivers exactly what matching every query would, as subscribers come and go", (t) => {
  const rand = prng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const accounts = ["strike1a", "strike1b", "strike1c", "strike1d"];
  const queries = [
    "",
    "tm.event='Receipt'",
    "tm.event = 'TxStatus'",
    "tm.event='NewBlockHeader'",
    ...accounts.flatMap((a) => [
      `tm.event='Receipt' AND receipt.account='${a}'`,
      `receipt.account = '${a}'`,
      `tm.event='TxStatus' AND tx_status.account='${a}' AND tx_status.step='committed'`,
      `tm.event='Receipt' AND receipt.stage='reverted' AND receipt.account='${a}'`,
      `receipt.account CONTAINS '${a.slice(-1)}'`,
    ]),
    "tm.event='Receipt' AND receipt.height > 5",
    "receipt.stage EXISTS",
    "tm.event='Receipt' AND tm.event='TxStatus'",
  ];
  const bus = createEventBus({ maxClients: 1000, maxSubscriptionsPerClient: 1000 });
  const live = new Map<string, { query: string; got: EventMessage[] }>();
  let delivered = 0;
  for (let step = 0; step < 3000; step++) {
    const r = rand();
    if (r < 0.15) {
      const id = `c${Math.floor(rand() * 40)}`;
      const query = pick(queries);
      const key = `${id} ${query}`;
      if (live.has(key)) continue;
      const entry = { query, got: [] as EventMessage[] };
      bus.subscribe(id, query, (m) => void entry.got.push(m));
      live.set(key, entry);
    } else if (r < 0.22 && live.size > 0) {
      const key = pick([...live.keys()]);
      const [id, ...rest] = key.split(" ");
      bus.unsubscribe(id!, rest.join(" "));
      live.delete(key);
    } else {
      const type = pick(["Receipt", "TxStatus", "NewBlockHeader"] as const);
      const data =
        type === "NewBlockHeader"
          ? { type, header }
          : {
              type,
              value: { step },
              attributes: new Map<string, string[]>(
                type === "Receipt"
                  ? [
                      // Usually the tx's two sides; sometimes many, with repeats (a multi-send).
                      ["receipt.account", Array.from({ length: rand() < 0.2 ? 12 : 2 }, () => pick(accounts))],
                      ["receipt.stage", [pick(["sequenced", "committed", "reverted"])]],
                      ["receipt.height", [String(Math.floor(rand() * 10))]],
                    ]
                  : [
                      ["tx_status.account", [pick(accounts)]],
                      ["tx_status.step", [pick(["received", "committed"])]],
                    ],
              ),
            };
      const before = new Map([...live].map(([k, v]) => [k, v.got.length]));
      bus.publish(data);
      const events = eventMapOf(data);
      for (const [key, v] of live) {
        const should = (v.query.trim() === "" ? () => true : (e: typeof events) => parseQuery(v.query).matches(e))(
          events,
        );
        const got = v.got.length - before.get(key)!;
        t.is(got, should ? 1 : 0, `${key} at step ${step}`);
        if (got === 1) {
          delivered++;
          t.is(v.got.at(-1)!.data, data);
          t.is(v.got.at(-1)!.query, v.query);
        }
      }
    }
  }
  t.true(delivered > 1000, `${delivered} deliveries checked`);
  for (const key of [...live.keys()]) {
    const [id, ...rest] = key.split(" ");
    bus.unsubscribe(id!, rest.join(" "));
  }
  for (const type of ["Receipt", "TxStatus", "NewBlockHeader", "NewBlock", "Tx"]) t.false(bus.wants(type), type);
});
