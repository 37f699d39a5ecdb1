/**
 * Hole 5 of issue 9 with real processes: a node catching up by block sync while three lying
 * peers (libp2p hosts of this test, on the project's p2p code) are connected to it before
 * its honest peer is. Each announces height 1,000,000; one never answers, one answers
 * garbage, one answers a forged block whose commit carries no signatures. The node must
 * not stall: requests go to several peers, liars are scored down and ignored or dropped,
 * and the sync's progress shows in its metrics.
 */
import anyTest, { type TestFn } from "ava";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeResponse, TAG_REQUEST, TAG_RESPONSE, TAG_STATUS, withHeight } from "../../chain/consensus/blockSync.js";
import { loadNodeKey } from "../../chain/node/home.js";
import { createP2PHost, p2pPeerId, type P2PHost } from "../../chain/p2p/index.js";
import type { Block } from "../../chain/types/block.js";
import { startPeerProxy, type PeerProxy } from "../helpers/peerProxy.js";
import { createTestNode, freePort, latestHeight, waitForHeight, type TestNode } from "../helpers/localNode.js";

type LiarKind = "silent" | "garbage" | "forged";
interface Liar {
  kind: LiarKind;
  host: P2PHost;
  requests: number;
}

const test = anyTest as TestFn<{ source: TestNode; liars: Liar[] }>;
/** Here, not in t.context: ava gives a test a shallow copy of the context, the after hook the original. */
let syncingNode: TestNode | undefined;
let peerProxy: PeerProxy | undefined;
const FAKE_HEIGHT = 1_000_000n;
/** Blocks the syncing node has to fetch. */
const TARGET = 150n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(async (t) => {
  t.context.liars = [];
  t.context.source = await createTestNode({ startFlags: ["--consensus.timeout_commit", "10ms"] });
});

test.after.always(async (t) => {
  // The node processes first: a libp2p stop or a proxy close that hangs must not leave them running.
  await syncingNode?.destroy();
  await t.context.source?.destroy();
  const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), sleep(5_000)]);
  await bounded(Promise.all(t.context.liars.map((l) => l.host.stop())));
  if (peerProxy !== undefined) await bounded(peerProxy.close());
});

const nodePeerId = (home: string) =>
  p2pPeerId(loadNodeKey(join(home, "config", "node_key.json")).privKey.subarray(0, 32));

function forgedBlock(height: bigint): Block {
  const zero = new Uint8Array(32);
  const blockId = { hash: zero, partSetHeader: { total: 1, hash: zero } };
  return {
    header: {
      version: { block: 11n, app: 1n },
      chainId: "strike-e2e-1",
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

/** A peer that dials `target`, announces FAKE_HEIGHT every 300 ms and answers requests its own way. */
async function startLiar(kind: LiarKind, target: string, chainId: string): Promise<Liar> {
  const host = createP2PHost({
    nodeKeySeed: new Uint8Array(randomBytes(32)),
    listen: "tcp://127.0.0.1:0",
    persistentPeers: [target],
    networkId: chainId,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    tuning: { reconnectInitialDelayMs: 200, reconnectMaxDelayMs: 400 },
  });
  const liar: Liar = { kind, host, requests: 0 };
  host.onMessage("blocksync", (peer, bytes) => {
    if (bytes[0] !== TAG_REQUEST || bytes.length !== 9) return;
    liar.requests++;
    const height = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(1);
    if (kind === "garbage") {
      host.send(peer, "blocksync", new Uint8Array([TAG_RESPONSE, ...randomBytes(200)]));
    } else if (kind === "forged") {
      const b = forgedBlock(height);
      host.send(
        peer,
        "blocksync",
        encodeResponse(b, { height, round: 0, blockId: b.lastCommit.blockId, signatures: [] }),
      );
    }
  });
  const announce = setInterval(() => {
    try {
      host.broadcast("blocksync", withHeight(TAG_STATUS, FAKE_HEIGHT));
    } catch {
      // stopped
    }
  }, 300);
  const stop = host.stop.bind(host);
  host.stop = async () => {
    clearInterval(announce);
    await stop();
  };
  await host.start();
  return liar;
}

async function scrape(url: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await (await fetch(url)).text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

test.serial(
  "three lying peers connected first do not stall a syncing node: it catches up from the honest peer, liars are scored down and ignored or dropped, and progress is a metric",
  async (t) => {
    t.timeout(600_000);
    const { source, liars } = t.context;
    await waitForHeight(source.rpcUrl, TARGET, 120_000);
    const genesis = JSON.parse(readFileSync(join(source.home, "config", "genesis.json"), "utf8")) as Record<
      string,
      unknown
    >;
    // The honest peer is reached through a proxy held shut until every liar is connected.
    const proxy = await startPeerProxy([0, source.p2pPort]);
    peerProxy = proxy;
    proxy.cut([0], [1]);
    const metricsPort = await freePort();
    let healedAt = 0;
    const syncing = createTestNode({
      accounts: [],
      startFlags: [
        "--p2p.persistent_peers",
        `${nodePeerId(source.home)}@127.0.0.1:${proxy.port(0, 1)}`,
        "--instrumentation.prometheus",
        "true",
        "--instrumentation.prometheus_listen_addr",
        `127.0.0.1:${metricsPort}`,
      ],
      editGenesis: (doc) => {
        for (const k of Object.keys(doc)) delete doc[k];
        Object.assign(doc, genesis);
      },
      beforeStart: async (home, p2pPort) => {
        const target = `${nodePeerId(home)}@127.0.0.1:${p2pPort}`;
        for (const kind of ["silent", "garbage", "forged"] as const)
          liars.push(await startLiar(kind, target, source.chainId));
        void (async () => {
          while (!liars.every((l) => l.host.peers().length > 0)) await sleep(50);
          // Let their announcements land before the honest peer can answer anything.
          await sleep(700);
          healedAt = Date.now();
          proxy.heal();
        })();
      },
    });
    const node = await syncing;
    syncingNode = node;
    const target = TARGET;
    const notable = () =>
      node
        .logs()
        .split("\n")
        .filter((l) => !l.includes("committed block"))
        .slice(-60)
        .join("\n");
    await waitForHeight(node.rpcUrl, target, 300_000, () => node.process.exitCode, notable);
    const seconds = (Date.now() - healedAt) / 1000;
    const rate = Number(target) / seconds;
    t.log(`synced ${target} blocks in ${seconds.toFixed(1)} s (${rate.toFixed(1)} blocks/s) past 3 lying peers`);
    t.true(healedAt > 0, "the liars were connected before the honest peer");
    t.log(
      node
        .logs()
        .split("\n")
        .filter((l) => /block sync progress|ignoring a peer|dropping peer/.test(l))
        .join("\n"),
    );
    // Issue 9 measured 0.05 blocks/s with three liars; this machine is shared (one block at a
    // time, each applied under load), hence a bar of ten times that.
    t.true(rate >= 0.5, `${rate.toFixed(2)} blocks/s`);
    // Every liar was asked (they looked best) and cost at most a few timeouts.
    for (const l of liars) t.true(l.requests >= 1, `${l.kind} liar was asked`);

    const m = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    t.true((m.get("strike_blocksync_blocks_synced_total") ?? 0) >= Number(target) - 2, "blocks synced are counted");
    const timedOut = m.get("strike_blocksync_requests_timed_out_total") ?? 0;
    t.log(`requests timed out: ${timedOut}; sent: ${m.get("strike_blocksync_requests_total")}`);
    t.true(timedOut >= 1, "unanswered requests are counted");
    // Two liars leave requests unanswered; each is ignored for 60 s after three strikes.
    t.true(
      timedOut <= 6 * Math.ceil(seconds / 60 + 1),
      `${timedOut} requests timed out: liars cost more than a few timeouts`,
    );
    t.is(m.get("cometbft_blocksync_latest_block_height") !== undefined, true);
    t.true((m.get("strike_blocksync_requests_total") ?? 0) >= Number(target));

    // The silent one is ignored, and scored down, after three strikes: one per unanswered request
    // (3 s each, one at a time, taking turns with the other liars). A fast catch-up can end
    // before its third; the liars' announced height still draws requests after it, so the
    // strikes go on adding up: wait for every liar to be scored down, within a bound.
    const scoredDown = (l: Liar) => new RegExp(`invalid message from peer[^\\n]*${l.host.peerId}`).test(node.logs());
    const scoredBy = Date.now() + 30_000;
    while (!liars.every(scoredDown) && Date.now() < scoredBy) await sleep(200);
    t.regex(node.logs(), /ignoring a peer that does not deliver the blocks it announces/);
    for (const l of liars) t.true(scoredDown(l), `${l.kind} liar scored down`);

    // Past the catch-up, the node follows the chain; the liars' height no longer counts.
    const h = await latestHeight(node.rpcUrl);
    await waitForHeight(node.rpcUrl, h + 5n, 20_000);
    const after = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    t.true(
      (after.get("strike_blocksync_distrusted_peers") ?? 0) >= 1 || liars.some((l) => l.host.peers().length === 0),
    );
  },
);
