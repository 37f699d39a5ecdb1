import test from "ava";
import {
  createBlockSync,
  encodeResponse,
  frameResponse,
  statusMessage,
  TAG_REQUEST,
  withHeight,
} from "../../../chain/consensus/blockSync.js";
import type { BlockStore } from "../../../chain/consensus/blockStore.js";
import type { PeerChannel } from "../../../chain/consensus/gossip.js";
import { encodeBlock, encodeCommit } from "../../../chain/consensus/protoCodec.js";
import { UNSOLICITED_ALLOWANCE, UNSOLICITED_REFILL_MS } from "../../../chain/consensus/syncRequests.js";
import type { Block, Commit } from "../../../chain/types/block.js";

const zero = new Uint8Array(32);
const blockId = { hash: zero, partSetHeader: { total: 1, hash: zero } };

function block(height: bigint): Block {
  return {
    header: {
      version: { block: 11n, app: 1n },
      chainId: "c",
      height,
      time: { seconds: 1n, nanos: 0 },
      lastBlockId: blockId,
      lastCommitHash: zero,
      dataHash: zero,
      validatorsHash: zero,
      nextValidatorsHash: zero,
      consensusHash: zero,
      appHash: zero,
      lastResultsHash: zero,
      evidenceHash: zero,
      proposerAddress: new Uint8Array(20),
    },
    txs: [],
    evidence: [],
    lastCommit: { height: height - 1n, round: 0, blockId, signatures: [] },
  };
}

function response(height: bigint): Uint8Array {
  return encodeResponse(block(height), { height, round: 0, blockId, signatures: [] } satisfies Commit);
}

function status(height: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = 1;
  new DataView(out.buffer).setBigUint64(1, height);
  return out;
}

/**
 * A syncing node at height 0 with three peers that announce height 1,000,000 and never
 * answer, and one honest peer at `target` that answers every request at once.
 */
function scenario(target: bigint) {
  let handler: ((peer: string, m: Uint8Array) => void) | undefined;
  let height = 0n;
  const reports: { peer: string; reason: string }[] = [];
  const requestsTo = new Map<string, number>();
  const liars = ["liar-a", "liar-b", "liar-c"];
  const channel: PeerChannel = {
    broadcast: () => undefined,
    onMessage: (h) => (handler = h),
    reportInvalid: (peer, reason) => reports.push({ peer, reason }),
    send(peer, m) {
      if (m[0] !== 2) return true;
      requestsTo.set(peer, (requestsTo.get(peer) ?? 0) + 1);
      const h = new DataView(m.buffer, m.byteOffset).getBigUint64(1);
      if (peer === "honest") setImmediate(() => handler?.("honest", response(h)));
      return true;
    },
  };
  const sync = createBlockSync({
    channel,
    blockStore: { base: 0n } as BlockStore,
    driver: {
      get height() {
        return height;
      },
      applySyncedBlock: (b) => {
        if (b.header.height !== height + 1n) return Promise.resolve("not the next height");
        height = b.header.height;
        return Promise.resolve(undefined);
      },
    },
    intervalMs: 20,
    requestTimeoutMs: 100,
  });
  const announce = () => {
    for (const l of liars) handler?.(l, status(1_000_000n));
    handler?.("honest", status(target));
  };
  return { sync, announce, reports, requestsTo, liars, height: () => height };
}

test("three peers that announce blocks and never deliver cannot stall block sync; they are scored down and ignored", async (t) => {
  const s = scenario(200n);
  s.sync.start();
  t.teardown(() => s.sync.stop());
  const started = Date.now();
  const ticker = setInterval(s.announce, 20);
  t.teardown(() => clearInterval(ticker));
  s.announce();
  while (s.height() < 200n && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 10));
  const ms = Date.now() - started;
  t.is(s.height(), 200n, "synced to the honest peer's height");
  t.true(ms < 5_000, `200 blocks took ${ms} ms with 100 ms request timeouts`);
  // The honest peer can finish the sync before every liar has missed its third request: give
  // the liars' outstanding requests time to time out (bounded) before judging them.
  const reported = (l: string) => s.reports.some((r) => r.peer === l && /did not deliver/.test(r.reason));
  const until = Date.now() + 5_000;
  while (!s.liars.every(reported) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  for (const l of s.liars) {
    t.true(
      s.reports.some((r) => r.peer === l && /did not deliver/.test(r.reason)),
      `${l} is reported`,
    );
    t.true((s.requestsTo.get(l) ?? 0) <= 6, `${l} got ${s.requestsTo.get(l)} requests before being ignored`);
  }
  const st = s.sync.status();
  t.is(st.blocksSynced, 200);
  t.true(st.distrustedPeers >= 3);
  t.false(s.reports.some((r) => r.peer === "honest"));
});

test("each request goes to more than one peer at once", async (t) => {
  const s = scenario(5n);
  s.sync.start();
  t.teardown(() => s.sync.stop());
  s.announce();
  await new Promise((r) => setTimeout(r, 30));
  const asked = [...s.requestsTo.keys()];
  t.true(asked.length >= 2, `asked ${asked.join(", ")}`);
});

/** Bytes that fail to decode as a block: a body the handler must never get to decode unasked. */
const undecodable = new Uint8Array(64).fill(0xff);
const tick = () => new Promise((r) => setImmediate(r));

/**
 * A node at `height` on a hand-driven clock; each peer answers nothing by itself. What the
 * node decodes shows in what reaches the driver and in the reasons it reports.
 */
function node(height: bigint) {
  let handler: ((peer: string, m: Uint8Array) => void) | undefined;
  let clock = 1_000_000;
  const applied: bigint[] = [];
  const reports: { peer: string; reason: string }[] = [];
  const requests: { peer: string; height: bigint }[] = [];
  const sync = createBlockSync({
    channel: {
      broadcast: () => undefined,
      onMessage: (h) => (handler = h),
      reportInvalid: (peer, reason) => reports.push({ peer, reason }),
      send(peer, m) {
        if (m[0] === 2) requests.push({ peer, height: new DataView(m.buffer, m.byteOffset).getBigUint64(1) });
        return true;
      },
    },
    blockStore: { base: 0n } as BlockStore,
    driver: {
      get height() {
        return height;
      },
      applySyncedBlock: (b) => {
        applied.push(b.header.height);
        if (b.header.height !== height + 1n) return Promise.resolve("not the next height");
        height = b.header.height;
        return Promise.resolve(undefined);
      },
    },
    requestTimeoutMs: 100,
    now: () => clock,
  });
  return {
    sync,
    applied,
    reports,
    requests,
    async receive(peer: string, m: Uint8Array) {
      handler!(peer, m);
      await tick();
    },
    advance(ms: number) {
      clock += ms;
    },
    height: () => height,
  };
}

test("responses nobody asked the peer for are dropped undecoded; past a small allowance each one scores the peer down", async (t) => {
  const n = node(5n);
  const extra = 4;
  for (let i = 0; i < UNSOLICITED_ALLOWANCE + extra; i++) {
    // Heights the node has, the next one, and far ahead: none was asked of this peer.
    const h = [3n, 6n, 1_000n][i % 3]!;
    await n.receive("flooder", frameResponse(h, undecodable, undecodable));
  }
  t.deepEqual(n.applied, [], "nothing reached the driver");
  t.is(n.reports.length, extra, "the allowance is forgiven, every one past it reported");
  for (const r of n.reports) {
    t.is(r.peer, "flooder");
    t.regex(r.reason, /unsolicited block-sync response/, "judged on the header: the body was never decoded");
  }
  t.is(n.sync.status().responsesUnsolicited, UNSOLICITED_ALLOWANCE + extra);

  // The allowance comes back slowly: one response per refill interval.
  n.advance(UNSOLICITED_REFILL_MS);
  await n.receive("flooder", frameResponse(3n, undecodable, undecodable));
  t.is(n.reports.length, extra, "one forgiven after the refill interval");
  await n.receive("flooder", frameResponse(3n, undecodable, undecodable));
  t.is(n.reports.length, extra + 1);
  t.is(n.height(), 5n);
});

test("a response for a height asked of another peer is unsolicited from this one and not decoded", async (t) => {
  const n = node(0n);
  await n.receive("asked", status(10n));
  t.deepEqual(n.requests, [{ peer: "asked", height: 1n }]);
  await n.receive("other", frameResponse(1n, undecodable, undecodable));
  t.deepEqual(n.applied, []);
  t.deepEqual(n.reports, [], "within the allowance");
  t.is(n.sync.status().responsesUnsolicited, 1);
  await n.receive("asked", response(1n));
  t.deepEqual(n.applied, [1n], "the asked peer's answer is decoded and applied");
});

test("the slower of two peers asked for a height answers after the first was applied: dropped undecoded, no fault", async (t) => {
  const n = node(0n);
  await n.receive("a", status(1n));
  await n.receive("b", status(1n));
  t.is(n.requests.length, 2, "both asked for height 1");
  await n.receive(n.requests[0]!.peer, response(1n));
  t.deepEqual(n.applied, [1n]);
  // Its body is never decoded: the node holds that height already.
  await n.receive(n.requests[1]!.peer, frameResponse(1n, undecodable, undecodable));
  t.deepEqual(n.applied, [1n]);
  t.deepEqual(n.reports, []);
  t.is(n.sync.status().responsesUnsolicited, 0, "an answer to our request is not unsolicited");
});

test("an honest peer whose request timed out and was repeated answers both late: the first is applied, the second dropped undecoded, no fault", async (t) => {
  const n = node(0n);
  await n.receive("slow", status(3n));
  t.deepEqual(n.requests, [{ peer: "slow", height: 1n }]);
  n.advance(150);
  await n.receive("slow", status(3n));
  t.is(n.sync.status().requestsTimedOut, 1, "the request timed out (a strike)");
  t.is(n.requests.length, 2, "and was sent again");
  // The answers to the first and to the repeated request both arrive, late.
  n.advance(150);
  await n.receive("slow", response(1n));
  await n.receive("slow", frameResponse(1n, undecodable, undecodable));
  t.deepEqual(n.applied, [1n], "the first answer is applied; the second is not decoded");
  t.deepEqual(n.reports, []);
  t.is(n.sync.status().responsesUnsolicited, 0);
});

test("answering the same request twice is unsolicited the second time", async (t) => {
  const n = node(0n);
  await n.receive("p", status(1n));
  await n.receive("p", response(1n));
  for (let i = 0; i < UNSOLICITED_ALLOWANCE + 1; i++) await n.receive("p", response(1n));
  t.deepEqual(n.applied, [1n]);
  t.is(n.sync.status().responsesUnsolicited, UNSOLICITED_ALLOWANCE + 1);
  t.is(n.reports.length, 1);
});

test("a response whose header names another height than the block it carries is penalised", async (t) => {
  const n = node(0n);
  await n.receive("p", status(5n));
  const b = block(2n);
  await n.receive(
    "p",
    frameResponse(1n, encodeBlock(b), encodeCommit({ height: 2n, round: 0, blockId, signatures: [] })),
  );
  t.deepEqual(n.applied, []);
  t.is(n.reports.length, 1);
  t.regex(n.reports[0]!.reason, /response for height 1 carries block 2/);
});

test("a response with broken framing is penalised at once, and an asked-for body that does not decode too", async (t) => {
  const n = node(0n);
  await n.receive("p", new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 7]));
  await n.receive("q", new Uint8Array([3, 0, 0]));
  t.deepEqual(
    n.reports.map((r) => r.peer),
    ["p", "q"],
  );
  await n.receive("r", status(5n));
  await n.receive("r", frameResponse(1n, undecodable, undecodable));
  t.is(n.reports.length, 3);
  t.is(n.reports[2]!.peer, "r");
  t.deepEqual(n.applied, []);
});

test("a late answer from a peer no longer asked (its request timed out, another peer took it over) is used, not penalised", async (t) => {
  const n = node(0n);
  await n.receive("slow", status(1n));
  n.advance(150);
  // slow now claims less than the next height, so the request goes to fast alone.
  await n.receive("slow", status(0n));
  await n.receive("fast", status(1n));
  t.deepEqual(n.requests, [
    { peer: "slow", height: 1n },
    { peer: "fast", height: 1n },
  ]);
  t.is(n.sync.status().requestsTimedOut, 1);
  await n.receive("slow", response(1n));
  t.deepEqual(n.applied, [1n], "slow's late block is applied");
  await n.receive("fast", frameResponse(1n, undecodable, undecodable));
  t.deepEqual(n.applied, [1n]);
  t.deepEqual(n.reports, []);
  t.is(n.sync.status().responsesUnsolicited, 0);
});

/** A node at `height` serving peers from its store; `queued` is what sits in its queue to each peer. */
function server(height: bigint) {
  let handler: ((peer: string, m: Uint8Array) => void) | undefined;
  const loads: bigint[] = [];
  const sent: { peer: string; height: bigint }[] = [];
  const reports: { peer: string; reason: string }[] = [];
  const queued = new Map<string, number>();
  const request = (h: bigint) => {
    const out = status(h);
    out[0] = 2;
    return out;
  };
  createBlockSync({
    channel: {
      broadcast: () => undefined,
      onMessage: (h) => (handler = h),
      reportInvalid: (peer, reason) => reports.push({ peer, reason }),
      send(peer, m) {
        if (m[0] === 3) sent.push({ peer, height: new DataView(m.buffer, m.byteOffset).getBigUint64(1) });
        return true;
      },
      queuedBytes: (peer) => queued.get(peer) ?? 0,
    },
    blockStore: {
      base: 1n,
      loadBlock: (h: bigint) => {
        loads.push(h);
        return Promise.resolve(block(h));
      },
      loadCommit: (h: bigint) => Promise.resolve({ height: h, round: 0, blockId, signatures: [] }),
    } as unknown as BlockStore,
    driver: { height, applySyncedBlock: () => Promise.resolve(undefined) },
    requestTimeoutMs: 100,
  });
  return {
    loads,
    sent,
    reports,
    queued,
    async ask(peer: string, h: bigint) {
      handler!(peer, request(h));
      await tick();
    },
    async announce(peer: string, h: bigint) {
      handler!(peer, status(h));
      await tick();
    },
  };
}

test("a peer's request for a block above the height it announced is served", async (t) => {
  const s = server(50n);
  await s.announce("syncer", 10n);
  await s.ask("syncer", 11n);
  t.deepEqual(s.sent, [{ peer: "syncer", height: 11n }]);
  t.deepEqual(s.reports, []);
});

test("a request for a height the peer announced having is not served (nothing loaded); past the allowance each scores the peer down", async (t) => {
  const s = server(50n);
  await s.announce("greedy", 40n);
  // Heights it says it has: each would cost a block load and encode for nothing.
  for (let i = 0; i < UNSOLICITED_ALLOWANCE + 2; i++) await s.ask("greedy", 30n);
  t.deepEqual(s.loads, [], "no block loaded");
  t.is(s.reports.length, 2, "the allowance is forgiven, every one past it reported");
  t.regex(s.reports[0]!.reason, /at or below the height it announced/);
});

test("while our last answer to a peer is still queued its requests are not served, and it is no fault (a slow link)", async (t) => {
  const s = server(50n);
  s.queued.set("pipeliner", 4_000_000);
  for (let i = 0; i < 20; i++) await s.ask("pipeliner", 5n + BigInt(i));
  t.deepEqual(s.loads, [], "serving keeps pace with what the peer takes: nothing loaded");
  t.deepEqual(s.reports, []);
  // A few queued status messages are not an answer waiting.
  s.queued.set("pipeliner", 26);
  await s.ask("pipeliner", 9n);
  t.deepEqual(s.loads, [9n], "served once the answer has left");
});

/** A node at height 10 that keeps heights from `base` on, and what it sends: requests, answers and statuses. */
function pruningNode(base: bigint) {
  let handler: ((peer: string, m: Uint8Array) => void) | undefined;
  const requestsTo: string[] = [];
  const answers: bigint[] = [];
  const broadcasts: Uint8Array[] = [];
  const reports: string[] = [];
  const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];
  const channel: PeerChannel = {
    broadcast: (m) => broadcasts.push(m),
    onMessage: (h) => (handler = h),
    reportInvalid: (_peer, reason) => reports.push(reason),
    send(peer, m) {
      if (m[0] === 2) requestsTo.push(peer);
      if (m[0] === 3) answers.push(new DataView(m.buffer, m.byteOffset).getBigUint64(1));
      return true;
    },
  };
  const sync = createBlockSync({
    channel,
    blockStore: {
      base,
      loadBlock: (h: bigint) => Promise.resolve(h >= base ? block(h) : undefined),
      loadCommit: (h: bigint) => Promise.resolve({ height: h, round: 0, blockId, signatures: [] }),
    } as unknown as BlockStore,
    driver: { height: 10n, applySyncedBlock: () => Promise.resolve(undefined) },
    logger: {
      info: () => undefined,
      error: () => undefined,
      warn: (msg, fields) => warnings.push({ msg, ...(fields ? { fields } : {}) }),
    },
    intervalMs: 60_000,
  });
  const deliver = async (peer: string, m: Uint8Array) => {
    handler!(peer, m);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  };
  return { sync, deliver, requestsTo, answers, broadcasts, reports, warnings };
}

test("a status carries the sender's base; the next block is asked only of peers that keep it, and a node with none says so", async (t) => {
  const n = pruningNode(4n);
  n.sync.start();
  t.teardown(() => n.sync.stop());
  t.deepEqual([...n.broadcasts[0]!], [...statusMessage(10n, 4n)]);
  // Two peers ahead; neither keeps height 11.
  await n.deliver("pruned-a", statusMessage(50n, 20n));
  t.is(n.warnings.length, 1);
  t.regex(n.warnings[0]!.msg, /no peer keeps the next block/);
  t.is(n.warnings[0]!.fields?.["lowest_peer_base"], "20");
  await n.deliver("pruned-b", statusMessage(60n, 12n));
  t.deepEqual(n.requestsTo, []);
  t.deepEqual(n.reports, []);
  t.is(n.warnings.length, 1, "said once a minute, not at every status");
  // One that keeps it (base 11), and one that did not say (a 9-byte status: every height).
  await n.deliver("keeps", statusMessage(40n, 11n));
  await n.deliver("old-version", status(30n));
  t.deepEqual([...n.requestsTo].sort(), ["keeps", "old-version"]);
});

test("a request below the node's base is not answered and not a fault; one at the base is answered; a base above the height is malformed", async (t) => {
  const n = pruningNode(4n);
  await n.deliver("peer", withHeight(TAG_REQUEST, 3n));
  await n.deliver("peer", withHeight(TAG_REQUEST, 4n));
  t.deepEqual(n.answers, [4n]);
  t.deepEqual(n.reports, []);
  await n.deliver("peer", statusMessage(5n, 6n));
  t.is(n.reports.length, 1);
  t.regex(n.reports[0]!, /base 6 above height 5/);
});
