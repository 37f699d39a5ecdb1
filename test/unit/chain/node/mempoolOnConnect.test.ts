/**
 * A peer that connects after txs were admitted missed their broadcast: the node sends it
 * what its mempool holds (network.ts). Without this, a tx a node admitted while its
 * connection to the sequencer was down never reached the sequencer. And a peer's tx that
 * arrives a few sequences early (overtaken in transit) is held and admitted once its
 * predecessors are (parkedTxs.ts). A peer's tx the node holds already, or saw committed, is
 * neither verified nor checked again.
 */
import test from "ava";
import { sha256 } from "../../../../chain/crypto/hash.js";
import type { BlockStore } from "../../../../chain/consensus/blockStore.js";
import type { ConsensusDriver } from "../../../../chain/consensus/types.js";
import type { Mempool } from "../../../../chain/mempool/mempool.js";
import { defaultConfig } from "../../../../chain/node/configTypes.js";
import { createLogger } from "../../../../chain/node/logger.js";
import { createNodeNetwork, type NodeNetwork } from "../../../../chain/node/network.js";
import { p2pPeerId } from "../../../../chain/p2p/index.js";
import type { TxResult } from "../../../../chain/types/abci.js";
import { sdkErrors } from "../../../../chain/types/errors.js";
import { freePorts } from "../../../helpers/localNode.js";

const OK: TxResult = {
  code: 0,
  codespace: "",
  log: "",
  info: "",
  data: new Uint8Array(),
  gasWanted: 0n,
  gasUsed: 0n,
  events: [],
};

/** A mempool that holds what it is given, in order, and admits everything once. */
function memoryMempool(initial: Uint8Array[] = []) {
  const held = [...initial];
  const mempool: Mempool = {
    checkAndAdd(tx) {
      if (!held.some((h) => Buffer.from(h).equals(tx))) held.push(tx);
      return OK;
    },
    reap: () => [...held],
    update: () => {},
    size: () => held.length,
    sizeBytes: () => held.reduce((n, tx) => n + tx.length, 0),
    txs: (limit) => held.slice(0, limit),
    onTxAvailable: () => {},
    has: (hash) => held.some((h) => Buffer.from(sha256(h)).equals(hash)),
  };
  return { mempool, held };
}

// Block sync at height 1 with nothing to give: only the mempool channel matters here.
const driver = { height: 1n, applySyncedBlock: () => Promise.resolve("not used") } as unknown as ConsensusDriver;
const blockStore = {
  base: 1n,
  height: 1n,
  loadBlock: () => Promise.resolve(undefined),
  loadCommit: () => Promise.resolve(undefined),
} as unknown as BlockStore;

async function node(
  seed: number,
  port: number,
  peers: string[],
  mempool: Mempool,
  txSigners?: (tx: Uint8Array) => string[],
  preverify?: (tx: Uint8Array) => Promise<void>,
): Promise<NodeNetwork> {
  const config = defaultConfig(`n${seed}`);
  config.p2p.laddr = `tcp://127.0.0.1:${port}`;
  config.p2p.persistentPeers = peers;
  const n = createNodeNetwork({
    config,
    chainId: "strike-test-1",
    nodeKeySeed: new Uint8Array(32).fill(seed),
    mempool,
    logger: createLogger({ level: "error", write: () => undefined }),
    ...(txSigners === undefined ? {} : { txSigners }),
    ...(preverify === undefined ? {} : { preverify }),
  });
  await n.start(driver, blockStore);
  return n;
}

test("txs admitted before a peer connected reach it when it connects, in arrival order", async (t) => {
  const txs = Array.from({ length: 50 }, (_, i) => new TextEncoder().encode(`tx ${i}`));
  const a = memoryMempool(txs);
  const b = memoryMempool();
  const [pa, pb] = (await freePorts(2)) as [number, number];
  const na = await node(1, pa, [], a.mempool);
  // B comes up (and connects) after A admitted every tx: no broadcast ever went to it.
  const nb = await node(2, pb, [`${p2pPeerId(new Uint8Array(32).fill(1))}@127.0.0.1:${pa}`], b.mempool);
  try {
    const deadline = Date.now() + 20_000;
    while (b.held.length < txs.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    t.deepEqual(
      b.held.map((tx) => new TextDecoder().decode(tx)),
      txs.map((tx) => new TextDecoder().decode(tx)),
    );
  } finally {
    await nb.stop();
    await na.stop();
  }
});

/**
 * A mempool that checks sequences as the ante does: a tx "account:n" is admitted when n is
 * the account's next sequence, else refused with the ante's error ("account sequence
 * mismatch, expected E, got G").
 */
function sequencedMempool() {
  const next = new Map<string, number>();
  const held: string[] = [];
  const parse = (tx: Uint8Array) => {
    const [account, n] = new TextDecoder().decode(tx).split(":");
    return { account: account!, n: Number(n) };
  };
  const base = memoryMempool();
  const mempool: Mempool = {
    ...base.mempool,
    checkAndAdd(tx) {
      const { account, n } = parse(tx);
      const expected = next.get(account) ?? 0;
      if (n !== expected) {
        const e = sdkErrors.wrongSequence(`account sequence mismatch, expected ${expected}, got ${n}`);
        return { ...OK, code: e.code, codespace: e.codespace, log: e.message };
      }
      next.set(account, n + 1);
      held.push(`${account}:${n}`);
      return OK;
    },
  };
  return { mempool, held, next, signers: (tx: Uint8Array) => [parse(tx).account] };
}

test("a peer's txs that arrive a few sequences early are held and admitted in order once their predecessors are", async (t) => {
  const sent = ["alice:2", "alice:1", "bob:1", "alice:0", "bob:0", "alice:40", "carol:1"];
  const a = memoryMempool(sent.map((s) => new TextEncoder().encode(s)));
  const b = sequencedMempool();
  const [pa, pb] = (await freePorts(2)) as [number, number];
  const na = await node(1, pa, [], a.mempool);
  const nb = await node(2, pb, [`${p2pPeerId(new Uint8Array(32).fill(1))}@127.0.0.1:${pa}`], b.mempool, b.signers);
  try {
    const deadline = Date.now() + 20_000;
    while (b.held.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    // Each account's txs in sequence order (the accounts' interleaving is not a promise).
    t.deepEqual(
      b.held.filter((x) => x.startsWith("alice")),
      ["alice:0", "alice:1", "alice:2"],
    );
    t.deepEqual(
      b.held.filter((x) => x.startsWith("bob")),
      ["bob:0", "bob:1"],
    );
    t.is(b.held.length, 5);
    // alice:40 is too far ahead to be an overtaken burst: not held. carol:1 waits for carol:0.
    t.is(nb.parked.size, 1);
    // carol:0 went into a block through another node: after the block, carol:1 is next.
    b.next.set("carol", 1);
    nb.retryParked();
    while (b.held.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    t.deepEqual(b.held.slice(5), ["carol:1"]);
    t.is(nb.parked.size, 0);
  } finally {
    await nb.stop();
    await na.stop();
  }
});

test("a peer's tx this node holds already, or saw committed, is neither verified nor checked again", async (t) => {
  const txs = Array.from({ length: 6 }, (_, i) => new TextEncoder().encode(`tx ${i}`));
  const a = memoryMempool(txs);
  // B held tx 0 and saw tx 1 committed (the block came before the peer's copy).
  const b = memoryMempool([txs[0]!]);
  const committed = Buffer.from(sha256(txs[1]!)).toString("hex");
  const checked: string[] = [];
  const verified: string[] = [];
  const mempool: Mempool = {
    ...b.mempool,
    checkAndAdd(tx, origin) {
      checked.push(new TextDecoder().decode(tx));
      return b.mempool.checkAndAdd(tx, origin);
    },
    has: (hash) => b.mempool.has(hash) || Buffer.from(hash).toString("hex") === committed,
  };
  const preverify = (tx: Uint8Array) => {
    verified.push(new TextDecoder().decode(tx));
    return Promise.resolve();
  };
  const [pa, pb] = (await freePorts(2)) as [number, number];
  const na = await node(1, pa, [], a.mempool);
  const nb = await node(
    2,
    pb,
    [`${p2pPeerId(new Uint8Array(32).fill(1))}@127.0.0.1:${pa}`],
    mempool,
    undefined,
    preverify,
  );
  try {
    const deadline = Date.now() + 20_000;
    while (b.held.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    const rest = ["tx 2", "tx 3", "tx 4", "tx 5"];
    t.deepEqual(verified, rest);
    t.deepEqual(checked, rest);
    t.is(b.held.length, 5);
  } finally {
    await nb.stop();
    await na.stop();
  }
});
