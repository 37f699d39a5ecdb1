/**
 * Fuzz target (c2): the block-sync channel's messages (status, request, response = block and
 * commit) through the node's real handler (chain/consensus/blockSync.ts) into a real
 * consensus driver on a memory store, as a peer's message reaches them. The node is at
 * height K of a chain a one-validator source driver committed; inputs are mutations of that
 * chain's messages (the whole frame, or the block or commit inside a correct frame), messages
 * of other channels (consensus, txs, receipts), oversized and random bytes.
 *
 * Before each input the peer announces K+2, so the node has asked it for K+1: a response
 * whose header names K+1 is decoded, any other is unsolicited and dropped undecoded.
 *
 * Checked for every input: nothing throws out of the handler and no programming error
 * (TypeError, ReferenceError) is caught in it; a message that does not decode, a next block
 * that does not verify or whose header names another height, and every unsolicited response
 * past the allowance, is penalised (the code reports its sender); the node's chain (driver
 * height, block store, app hash) is unchanged, except by the one valid next block (K+1), and
 * then only by exactly that block under another encoding, after which the node is rebuilt at K.
 */
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createBlockSync,
  encodeResponse,
  frameResponse,
  readResponseFrame,
  RESPONSE_HEADER_BYTES,
  TAG_REQUEST,
  TAG_RESPONSE,
  TAG_STATUS,
  statusMessage,
  withHeight,
} from "../../chain/consensus/blockSync.js";
import { UNSOLICITED_ALLOWANCE } from "../../chain/consensus/syncRequests.js";
import { openBlockStore } from "../../chain/consensus/blockStore.js";
import { createConsensusDriver } from "../../chain/consensus/driver.js";
import { addressFromPubKey } from "../../chain/consensus/encoding.js";
import type { PeerChannel } from "../../chain/consensus/gossip.js";
import { decodeBlock, decodeCommit, encodeBlock, encodeCommit } from "../../chain/consensus/protoCodec.js";
import type { CommittedBlock, ConsensusDriver, ConsensusDriverOptions } from "../../chain/consensus/types.js";
import { createEd25519Signer } from "../../chain/crypto/ed25519.js";
import { createMemoryDatabase } from "../../chain/store/memoryDb.js";
import type { BlockStore } from "../../chain/consensus/blockStore.js";
import { readU64be, toHex, utf8 } from "../../chain/types/bytes.js";
import { openFakeApp, type FakeApp } from "../unit/consensus/fakeApp.js";
import { p2pFuzzStats, type FuzzStats } from "./stats.js";
import { mutate, opArb } from "./txBytes.js";

const CHAIN_ID = "fuzz-sync-1";
/** The node under test holds heights 1..K; the source chain goes to K + 2. */
const K = 3n;
const seed = new Uint8Array(32).fill(9);
const signer = createEd25519Signer(seed);
const validator = {
  address: addressFromPubKey(signer.publicKey),
  pubKey: signer.publicKey,
  votingPower: 10n,
  proposerPriority: 0n,
};
/** A programming error caught by the handler's catch-all is a crash all the same. */
const BUG = /TypeError|ReferenceError|SyntaxError|Maximum call stack/;

let txs = 0;

function driverOptions(
  db: ReturnType<typeof createMemoryDatabase>,
  app: FakeApp,
  blockStore: BlockStore,
  walPath: string,
  source: boolean,
): ConsensusDriverOptions {
  const quiet = 3_600_000;
  return {
    chainId: CHAIN_ID,
    initialHeight: 1n,
    genesisTime: { seconds: 1_700_000_000n, nanos: 0 },
    validators: [validator],
    consensusParams: {
      block: { maxBytes: 1048576n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    app,
    db,
    blockStore,
    privValidator: source ? { privateKey: seed, publicKey: signer.publicKey } : undefined,
    signStatePath: `${walPath}.sign_state.json`,
    walPath,
    // The node under test never moves by its own timers: only messages may move it.
    timeouts: source
      ? {
          proposeMs: 1000,
          proposeDeltaMs: 100,
          prevoteMs: 200,
          prevoteDeltaMs: 100,
          precommitMs: 200,
          precommitDeltaMs: 100,
          commitMs: 5,
        }
      : {
          proposeMs: quiet,
          proposeDeltaMs: 0,
          prevoteMs: quiet,
          prevoteDeltaMs: 0,
          precommitMs: quiet,
          precommitDeltaMs: 0,
          commitMs: quiet,
        },
    createEmptyBlocks: source,
    createEmptyBlocksIntervalMs: source ? 0 : quiet,
    blockBuilder: { reapTxs: () => [utf8(`tx-${txs++}`), utf8("tx-b")], size: () => (source ? 2 : 0) },
    // A fixed clock: the same chain (times, signatures) every run, so a seed reproduces its inputs.
    now: () => 1_700_000_100_000,
  };
}

/** Blocks 1..K+2 with their commits, committed by a real one-validator driver. */
async function sourceChain(dir: string): Promise<CommittedBlock[]> {
  const db = createMemoryDatabase();
  const committed: CommittedBlock[] = [];
  const driver = createConsensusDriver({
    ...driverOptions(db, await openFakeApp(db), await openBlockStore(db), join(dir, "source.wal"), true),
    onBlockCommitted: (c) => committed.push(c),
  });
  await driver.start();
  const deadline = Date.now() + 30_000;
  while (committed.length < Number(K) + 2) {
    if (Date.now() > deadline) throw new Error("the source chain did not reach its height");
    await new Promise((r) => setTimeout(r, 5));
  }
  await driver.stop();
  return committed;
}

interface Target {
  driver: ConsensusDriver;
  blockStore: BlockStore;
  app: FakeApp;
  deliver(bytes: Uint8Array): Promise<{ reports: string[]; sent: Uint8Array[] }>;
  /** Unsolicited responses delivered so far (the allowance is spent after UNSOLICITED_ALLOWANCE). */
  unsolicited: number;
}

/** A node (no validator key) at height K, fed only through its block-sync handler. */
async function openTarget(walPath: string, chain: readonly CommittedBlock[]): Promise<Target> {
  const db = createMemoryDatabase();
  const app = await openFakeApp(db);
  const blockStore = await openBlockStore(db);
  const driver = createConsensusDriver(driverOptions(db, app, blockStore, walPath, false));
  await driver.start();
  for (const c of chain.slice(0, Number(K))) {
    const problem = await driver.applySyncedBlock(c.block, c.commit);
    if (problem !== undefined) throw new Error(`fixture: block ${c.block.header.height}: ${problem}`);
  }
  let handler: ((peer: string, bytes: Uint8Array) => void) | undefined;
  let reports: string[] = [];
  let sent: Uint8Array[] = [];
  const channel: PeerChannel = {
    broadcast: () => undefined,
    send: (_peer, m) => {
      sent.push(m);
      return true;
    },
    onMessage: (h) => (handler = h),
    reportInvalid: (_peer, reason) => reports.push(reason),
  };
  // A fixed clock: requests never time out, and the unsolicited allowance never refills.
  createBlockSync({ channel, blockStore, driver, now: () => 1_700_000_100_000 });
  const turn = () => new Promise((r) => setImmediate(r));
  const settle = async () => {
    // The handler's work is promise chains over a memory store, and for a block a consensus
    // task that gives the event loop turns between its steps (blockCommit.ts): wait it out.
    for (let i = 0; i < 3; i++) await turn();
    for (let i = 0; i < 10_000; i++) {
      const s = driver.status();
      if (s.busy === undefined && (s.queued ?? 0) === 0) break;
      await turn();
    }
    for (let i = 0; i < 3; i++) await turn();
  };
  return {
    driver,
    blockStore,
    app,
    unsolicited: 0,
    async deliver(bytes) {
      // The peer announces K+2: the node asks it for K+1 unless that request is still open.
      handler!("fuzz-peer", withHeight(TAG_STATUS, K + 2n));
      await settle();
      reports = [];
      sent = [];
      handler!("fuzz-peer", bytes);
      await settle();
      return { reports, sent };
    },
  };
}

/**
 * Whether the code must penalise the sender: a message malformed at the block-sync layer; a
 * response to the open request for K+1 whose block or commit does not decode, whose block is
 * of another height, or that is not applied (its commit or header is wrong; the test app
 * accepts any txs); or an unsolicited response (any other height) once the allowance is spent.
 */
function mustPenalise(bytes: Uint8Array, applied: boolean, target: Target): boolean {
  const tag = bytes[0];
  if (tag === TAG_REQUEST) return bytes.length !== 9;
  // A status may carry the sender's base after its height (statusMessage); a base above the height is malformed.
  if (tag === TAG_STATUS)
    return !(bytes.length === 9 || (bytes.length === 17 && readU64be(bytes, 9) <= readU64be(bytes, 1)));
  if (tag !== TAG_RESPONSE) return true;
  let frame: ReturnType<typeof readResponseFrame>;
  try {
    frame = readResponseFrame(bytes);
  } catch {
    return true;
  }
  if (frame.height !== K + 1n) return ++target.unsolicited > UNSOLICITED_ALLOWANCE;
  try {
    const height = decodeBlock(frame.block).header.height;
    decodeCommit(frame.commit);
    return height !== K + 1n || !applied;
  } catch {
    return true;
  }
}

/** A response for K+1 (the height the node asked for) around any block and commit bytes. */
function frame(block: Uint8Array, commit: Uint8Array): Uint8Array {
  return frameResponse(K + 1n, block, commit);
}

export async function fuzzBlockSyncChannel(options: {
  inputs: number;
  seed: number;
  /** Other channels' messages, sent on this one. */
  foreign?: readonly Uint8Array[];
  onProgress?: (stats: FuzzStats) => void;
}): Promise<FuzzStats> {
  const dir = mkdtempSync(join(tmpdir(), "strike-fuzz-sync-"));
  try {
    const chain = await sourceChain(dir);
    const next = chain[Number(K)]!;
    const nextBlockHex = toHex(encodeBlock(next.block));
    let targets = 0;
    let target = await openTarget(join(dir, `target-${targets++}.wal`), chain);
    const digest = (t: Target) => `${t.driver.height}/${t.blockStore.height}/${toHex(t.app.info().lastBlockAppHash)}`;
    const reference = digest(target);
    const responses = chain.map((c) => ({ block: encodeBlock(c.block), commit: encodeCommit(c.commit) }));
    const seeds: Uint8Array[] = [
      ...chain.map((c) => encodeResponse(c.block, c.commit)),
      // A block with another height's commit, and the next block with no signatures.
      frame(responses[Number(K)]!.block, responses[0]!.commit),
      encodeResponse(next.block, { ...next.commit, signatures: [] }),
      withHeight(TAG_STATUS, K + 2n),
      withHeight(TAG_STATUS, 2n ** 64n - 1n),
      // With a base: one that keeps K+1, one that pruned it, one whose base is above its height.
      statusMessage(K + 2n, 1n),
      statusMessage(K + 2n, K + 2n),
      statusMessage(K, K + 1n),
      withHeight(TAG_REQUEST, 1n),
      withHeight(TAG_REQUEST, K),
      withHeight(TAG_REQUEST, K + 1n),
      withHeight(TAG_REQUEST, 0n),
    ];
    const { stats, sample } = p2pFuzzStats("p2p-blocksync", { equivalentApplied: 0 });
    const ops = fc.array(opArb, { minLength: 1, maxLength: 4 });
    const part = fc.nat({ max: responses.length - 1 }).map((i) => responses[i]!);
    const arb = fc.oneof(
      // The whole frame: tag, length prefix, block and commit.
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...seeds), ops).map(([s, o]) => mutate(s, o)) },
      // Inside a correct frame: the block, or the commit, decoded deeper.
      { weight: 3, arbitrary: fc.tuple(part, ops).map(([r, o]) => frame(mutate(r.block, o), r.commit)) },
      { weight: 3, arbitrary: fc.tuple(part, ops).map(([r, o]) => frame(r.block, mutate(r.commit, o))) },
      // Another channel's message on this one.
      {
        weight: options.foreign === undefined || options.foreign.length === 0 ? 0 : 1,
        arbitrary: fc.constantFrom(...(options.foreign ?? [new Uint8Array()])),
      },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
      // Oversized: a length prefix past the end, and large random bodies behind a response header
      // (for the asked height, or any other).
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.oneof(fc.constant(K + 1n), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
            fc.integer({ min: 0, max: 0xffff_ffff }),
            fc.uint8Array({ minLength: 1024, maxLength: 64 * 1024 }),
          )
          .map(([height, n, body]) => {
            const out = new Uint8Array(RESPONSE_HEADER_BYTES + body.length);
            const view = new DataView(out.buffer);
            out[0] = TAG_RESPONSE;
            view.setBigUint64(1, height);
            view.setUint32(9, n);
            out.set(body, RESPONSE_HEADER_BYTES);
            return out;
          }),
      },
    );
    const seedHex = new Set(seeds.map(toHex));
    const started = performance.now();
    const chunk = Math.min(5_000, options.inputs);
    for (let done = 0, round = 0; done < options.inputs; done += chunk, round++) {
      await fc.assert(
        fc.asyncProperty(arb, async (bytes) => {
          if (seedHex.has(toHex(bytes))) return;
          stats.inputs++;
          let outcome: { reports: string[]; sent: Uint8Array[] };
          try {
            outcome = await target.deliver(bytes);
          } catch (e) {
            stats.crashes++;
            sample(String(e), bytes);
            return;
          }
          const bug = outcome.reports.find((r) => BUG.test(r));
          if (bug !== undefined) {
            stats.crashes++;
            sample(bug, bytes);
          }
          // Judged for every input: the count of unsolicited responses is part of the verdict.
          const must = mustPenalise(bytes, digest(target) !== reference, target);
          if (outcome.reports.length > 0) stats.penalised!++;
          else if (must) {
            stats.unpenalised!++;
            sample("not penalised", bytes);
          }
          // A request is answered only with a block the node holds.
          for (const m of outcome.sent) {
            if (m[0] !== TAG_RESPONSE) continue;
            const h = decodeBlock(readResponseFrame(m).block).header.height;
            if (h < 1n || h > target.driver.height) {
              stats.crashes++;
              sample(`served height ${h}`, bytes);
            }
          }
          if (digest(target) === reference) return;
          const applied = await target.blockStore.loadBlock(K + 1n);
          if (
            target.driver.height === K + 1n &&
            applied !== undefined &&
            toHex(encodeBlock(applied)) === nextBlockHex
          ) {
            stats.equivalentApplied!++;
          } else {
            stats.accepted++;
            stats.stateChanges++;
            sample(`changed the chain to ${digest(target)}`, bytes);
          }
          await target.driver.stop();
          target = await openTarget(join(dir, `target-${targets++}.wal`), chain);
        }),
        { numRuns: Math.min(chunk, options.inputs - done), seed: options.seed + round },
      );
      stats.blocks++;
      stats.durationS = (performance.now() - started) / 1000;
      options.onProgress?.(stats);
    }
    await target.driver.stop();
    stats.durationS = (performance.now() - started) / 1000;
    return stats;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
