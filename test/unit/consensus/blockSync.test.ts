import test from "ava";
import { createBlockSync } from "../../../chain/consensus/blockSync.js";
import type { BlockStore } from "../../../chain/consensus/blockStore.js";
import type { PeerChannel } from "../../../chain/consensus/gossip.js";
import { encodeBlock, encodeCommit } from "../../../chain/consensus/protoCodec.js";
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
  const b = encodeBlock(block(height));
  const c = encodeCommit({ height, round: 0, blockId, signatures: [] } satisfies Commit);
  const out = new Uint8Array(5 + b.length + c.length);
  out[0] = 3;
  new DataView(out.buffer).setUint32(1, b.length);
  out.set(b, 5);
  out.set(c, 5 + b.length);
  return out;
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
    blockStore: {} as BlockStore,
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
