/**
 * A peer that connects after txs were admitted missed their broadcast: the node sends it
 * what its mempool holds (network.ts). Without this, a tx a node admitted while its
 * connection to the sequencer was down never reached the sequencer.
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
import { freePort } from "../../../helpers/localNode.js";

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
  height: 1n,
  loadBlock: () => Promise.resolve(undefined),
  loadCommit: () => Promise.resolve(undefined),
} as unknown as BlockStore;

async function node(seed: number, port: number, peers: string[], mempool: Mempool): Promise<NodeNetwork> {
  const config = defaultConfig(`n${seed}`);
  config.p2p.laddr = `tcp://127.0.0.1:${port}`;
  config.p2p.persistentPeers = peers;
  const n = createNodeNetwork({
    config,
    chainId: "strike-test-1",
    nodeKeySeed: new Uint8Array(32).fill(seed),
    mempool,
    logger: createLogger({ level: "error", write: () => undefined }),
  });
  await n.start(driver, blockStore);
  return n;
}

test("txs admitted before a peer connected reach it when it connects, in arrival order", async (t) => {
  const txs = Array.from({ length: 50 }, (_, i) => new TextEncoder().encode(`tx ${i}`));
  const a = memoryMempool(txs);
  const b = memoryMempool();
  const [pa, pb] = [await freePort(), await freePort()];
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
