/**
 * Block time has a lower bound as well as an upper one (chain/consensus/timeliness.ts): a
 * validator prevotes nil on a new proposal whose time is more than MAX_PROPOSAL_BEHIND_MS
 * before the time by which over 1/3 of the power had precommitted the height two back. The
 * anchor is a past commit, not the validator's clock, so a sequencer's pipelined block (its
 * time fixed when the height before was sealed) is accepted however many rounds it takes,
 * a restarted validator reads the same floor from its store, and a fast clock refuses
 * nothing honest.
 */
import test, { type ExecutionContext } from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs, timestampToNs } from "../../../chain/consensus/blockFactory.js";
import { openBlockStore } from "../../../chain/consensus/blockStore.js";
import { createConsensusDriver, MAX_PROPOSAL_BEHIND_MS } from "../../../chain/consensus/driver.js";
import { addressFromPubKey } from "../../../chain/consensus/encoding.js";
import type { ProposerSelection } from "../../../chain/consensus/proposer.js";
import {
  commitTimeFloorNs,
  loadTimeFloor,
  timeFloorFor,
  untimelyProblem,
} from "../../../chain/consensus/timeliness.js";
import type {
  BlockBuilder,
  CommittedBlock,
  ConsensusDriver,
  ConsensusMessage,
  SealedBlock,
} from "../../../chain/consensus/types.js";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import type { Database } from "../../../chain/store/types.js";
import type { Commit, CommitSig } from "../../../chain/types/block.js";
import { toHex } from "../../../chain/types/bytes.js";
import { openFakeApp } from "./fakeApp.js";

const N = 4;
const seeds = Array.from({ length: N }, (_, i) => new Uint8Array(32).fill(140 + i));
const signers = seeds.map((s) => createEd25519Signer(s));
const validators = signers.map((s) => ({
  address: addressFromPubKey(s.publicKey),
  pubKey: s.publicKey,
  votingPower: 10n,
  proposerPriority: 0n,
}));
const MS = 1_000_000n;
const SECOND_NS = 1_000_000_000n;

function commitAt(times: (bigint | undefined)[]): Commit {
  const signatures: CommitSig[] = times.map((ns, i) =>
    ns === undefined
      ? {
          blockIdFlag: 1,
          validatorAddress: new Uint8Array(0),
          timestamp: { seconds: 0n, nanos: 0 },
          signature: new Uint8Array(0),
        }
      : {
          blockIdFlag: 2,
          validatorAddress: validators[i]!.address,
          timestamp: { seconds: ns / SECOND_NS, nanos: Number(ns % SECOND_NS) },
          signature: new Uint8Array(64),
        },
  );
  return {
    height: 8n,
    round: 0,
    blockId: { hash: new Uint8Array(32), partSetHeader: { total: 1, hash: new Uint8Array(32) } },
    signatures,
  };
}

test("the floor is the time by which more than 1/3 of the power had precommitted: one signer, early or absent, does not move it below an honest signer's time", (t) => {
  const s = 1_700_000_000n * SECOND_NS;
  t.is(commitTimeFloorNs(commitAt([s + 40n, s + 10n, s + 30n, s + 20n]), validators), s + 20n);
  // One validator (a quarter of the power) stamps its precommit an hour early: the floor is still an honest time.
  t.is(commitTimeFloorNs(commitAt([s - 3600n * SECOND_NS, s + 10n, s + 30n, s + 20n]), validators), s + 10n);
  t.is(commitTimeFloorNs(commitAt([undefined, s + 10n, s + 30n, s + 20n]), validators), s + 20n);
  t.is(commitTimeFloorNs(commitAt([undefined, undefined, undefined, s]), validators), undefined);
  t.is(timeFloorFor(10n, commitAt([s, s, s, s]), validators)?.ns, s);
  t.is(
    timeFloorFor(11n, commitAt([s, s, s, s]), validators),
    undefined,
    "the commit of height 8 bounds height 10 only",
  );
});

test("a proposal at most MAX_PROPOSAL_BEHIND_MS before the floor is timely, one a millisecond later than that is not", (t) => {
  const floor = { height: 10n, ns: 1_700_000_000n * SECOND_NS };
  const nowMs = 1_700_000_100_000;
  const limit = floor.ns - BigInt(MAX_PROPOSAL_BEHIND_MS) * MS;
  t.is(untimelyProblem(10n, limit, nowMs, floor), undefined);
  t.regex(untimelyProblem(10n, limit - MS, nowMs, floor) ?? "", /10001 ms before the precommits of height 8/);
  t.is(untimelyProblem(11n, limit - MS, nowMs, floor), undefined, "no floor known for that height");
});

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

interface Options {
  /** Validator i's wall clock. */
  clockOf?: (i: number) => () => number;
  /** The proposer of round r at any height (default: validator r mod 4). */
  proposerOf?: (round: number) => number;
  builderOf?: (i: number) => BlockBuilder | undefined;
  /** False drops the message sent by validator `from`. */
  deliver?: (m: ConsensusMessage, from: number) => boolean;
}

/** Four validator drivers in a full mesh on memory stores; node i can be stopped and started again on its store. */
async function network(t: ExecutionContext, o: Options = {}) {
  const handlers: ((m: ConsensusMessage, origin?: { peer: string; bytes: number }) => void)[] = [];
  const committed: CommittedBlock[][] = Array.from({ length: N }, () => []);
  const refusals: string[][] = Array.from({ length: N }, () => []);
  const drivers: (ConsensusDriver | undefined)[] = [];
  const dbs: Database[] = [];
  const dirs: string[] = [];
  const genesisTime = timestampFromMs(Date.now() - 60_000);
  const selection = (): ProposerSelection => ({ proposer: (r) => validators[(o.proposerOf ?? ((x) => x % N))(r)]! });
  async function make(i: number): Promise<ConsensusDriver> {
    const db = dbs[i]!;
    return createConsensusDriver({
      chainId: "strike-floor",
      initialHeight: 1n,
      genesisTime,
      validators,
      consensusParams: {
        block: { maxBytes: 1048576n, maxGas: -1n },
        evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
        validator: { pubKeyTypes: ["ed25519"] },
      },
      app: await openFakeApp(db),
      db,
      blockStore: await openBlockStore(db),
      privValidator: { privateKey: seeds[i]!, publicKey: signers[i]!.publicKey },
      signStatePath: join(dirs[i]!, "sign_state.json"),
      walPath: join(dirs[i]!, "cs.wal"),
      timeouts: {
        proposeMs: 300,
        proposeDeltaMs: 50,
        prevoteMs: 100,
        prevoteDeltaMs: 50,
        precommitMs: 100,
        precommitDeltaMs: 50,
        commitMs: 5,
      },
      createEmptyBlocks: true,
      createEmptyBlocksIntervalMs: 0,
      gossipIntervalMs: 200,
      now: (o.clockOf ?? (() => Date.now))(i),
      proposerSelection: selection,
      blockBuilder: o.builderOf?.(i) ?? { reapTxs: () => [], size: () => 0 },
      onBlockCommitted: (c) => committed[i]!.push(c),
      logger: {
        info: () => {},
        error: () => {},
        warn: (msg, fields) => {
          if (msg === "invalid proposed block") refusals[i]!.push(String(fields?.["problem"]));
        },
      },
      network: {
        broadcast(m) {
          if (o.deliver?.(m, i) === false) return;
          for (let j = 0; j < N; j++) if (j !== i) setImmediate(() => handlers[j]?.(m, { peer: `node${i}`, bytes: 1 }));
        },
        onMessage(h) {
          handlers[i] = h;
        },
      },
    });
  }
  for (let i = 0; i < N; i++) {
    dirs.push(mkdtempSync(join(tmpdir(), "strike-floor-")));
    dbs.push(createMemoryDatabase());
    drivers.push(await make(i));
  }
  t.teardown(async () => {
    for (const d of drivers) await d?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const d of drivers) void d!.start();
  return {
    committed,
    refusals,
    dbs,
    async stop(i: number) {
      await drivers[i]?.stop();
      drivers[i] = undefined;
      handlers[i] = () => {};
    },
    async restart(i: number) {
      await drivers[i]?.stop();
      drivers[i] = await make(i);
      void drivers[i].start();
    },
  };
}

/** A clock 20 times as fast as real time: seconds of block time pass in a test's fraction of one. */
function acceleratedClock(factor = 20): () => number {
  const origin = Date.now();
  return () => origin + (Date.now() - origin) * factor;
}

const behindFloorMs = (blocks: CommittedBlock[], k: number): number | undefined => {
  const c = blocks[k]!;
  const before = blocks[k - 1];
  const floor =
    before === undefined ? undefined : commitTimeFloorNs(before.block.lastCommit, blocks[k - 2]?.validators ?? []);
  return floor === undefined ? undefined : Number((floor - timestampToNs(c.block.header.time)) / MS);
};

test("a sequencer whose clock runs 60 s slow gets no block in once its time falls 10 s behind the precommits two heights back; the others' blocks carry the chain on", async (t) => {
  const fast = acceleratedClock();
  // Validator 3 proposes round 0 of every height, as an epoch's sequencer does.
  const { committed, refusals } = await network(t, {
    clockOf: (i) => (i === 3 ? () => fast() - 60_000 : fast),
    proposerOf: (r) => (3 + r) % N,
  });
  const slow = toHex(validators[3]!.address);
  const byOthersAfterSlow = () => {
    const blocks = committed[0]!;
    const first = blocks.findIndex((c) => c.block.header.height > 1n && toHex(c.block.header.proposerAddress) === slow);
    return first >= 0 && blocks.slice(first).some((c) => toHex(c.block.header.proposerAddress) !== slow);
  };
  const decided = await waitFor(() => committed[0]!.length >= 12 && byOthersAfterSlow(), 60_000);
  t.true(decided, `heights committed: ${committed[0]!.length}`);
  const blocks = committed[0]!;
  const bySlow = blocks.filter((c) => c.block.header.height > 1n && toHex(c.block.header.proposerAddress) === slow);
  t.true(bySlow.length > 0, "its blocks get in while their time is within the bound");
  for (let k = 2; k < blocks.length; k++) {
    const behind = behindFloorMs(blocks, k);
    t.true(behind === undefined || behind <= MAX_PROPOSAL_BEHIND_MS, `block ${k + 1} is ${behind} ms behind its floor`);
  }
  const late = refusals.flat().filter((r) => /before the precommits of height/.test(r));
  t.true(late.length > 0, "its late proposals were refused for their time");
  t.deepEqual(
    refusals.flat().filter((r) => !/before the precommits of height|ahead of this node's clock/.test(r)),
    [],
    "refused only for their time",
  );
});

test("a sequencer's pipelined block, its time fixed when the height before was sealed, is accepted when decided in round 2 long after", async (t) => {
  const fast = acceleratedClock();
  // Validator 0 plays the sequencer: height h's time is fixed at the first seal of h−1.
  const fixedAt = new Map<bigint, number>();
  const sequencer: BlockBuilder = {
    reapTxs: () => [],
    size: () => 0,
    sealBlock(height, lastCommit): SealedBlock | undefined {
      if (!fixedAt.has(height + 1n)) fixedAt.set(height + 1n, fast());
      const ms = fixedAt.get(height);
      return ms === undefined
        ? undefined
        : { txs: [], time: timestampFromMs(ms), evidence: [], decidedLastCommit: lastCommit };
    },
  };
  // Heights 5 and 6: the sequencer's proposals of rounds 0 and 1 are lost, so both are decided in round 2.
  const SLOW = new Set([5n, 6n]);
  const { committed, refusals } = await network(t, {
    clockOf: () => fast,
    proposerOf: () => 0,
    builderOf: (i) => (i === 0 ? sequencer : undefined),
    deliver: (m) => !(m.kind === "proposal" && SLOW.has(m.proposal.height) && m.proposal.round < 2),
  });
  t.true(
    await waitFor(() => committed.every((c) => c.length >= 8), 60_000),
    `heights: ${committed.map((c) => c.length)}`,
  );
  for (const h of [5, 6]) {
    const c = committed[1]![h - 1]!;
    t.is(c.commit.round, 2, `height ${h} decided in round 2`);
    t.is(fixedAt.get(BigInt(h)), Number(timestampToNs(c.block.header.time) / MS), `height ${h} kept its sealed time`);
  }
  // Height 6's time was fixed at height 5's round 0: by its round 2 the clock had gone far past it.
  const sixth = committed[1]![5]!;
  const decidedAt = Number(timestampToNs(sixth.commit.signatures.find((s) => s.blockIdFlag === 2)!.timestamp) / MS);
  const fixed6 = fixedAt.get(6n) ?? decidedAt;
  t.true(
    decidedAt - fixed6 > MAX_PROPOSAL_BEHIND_MS,
    `height 6 decided ${decidedAt - fixed6} ms after its time was fixed`,
  );
  t.deepEqual(refusals.flat(), [], "no proposal refused");
});

test("a restarted validator reads the floor from its store, the same the blocks give, and goes on voting for the honest blocks its vote is needed for", async (t) => {
  const net = await network(t);
  t.true(await waitFor(() => net.committed.every((c) => c.length >= 5), 30_000));
  // Validator 1 stops for good: every height now needs the other three, validator 2 included.
  await net.stop(1);
  await net.restart(2);
  const at = net.committed[0]!.length;
  t.true(await waitFor(() => net.committed[0]!.length >= at + 6, 30_000), `heights: ${net.committed[0]!.length}`);
  t.deepEqual(net.refusals.flat(), [], "no proposal refused");
  const blocks = net.committed[0]!;
  const store = await openBlockStore(net.dbs[2]!);
  for (let h = 3n; h <= BigInt(blocks.length); h++) {
    const fromBlocks = timeFloorFor(h + 1n, blocks[Number(h) - 1]!.block.lastCommit, blocks[Number(h) - 2]!.validators);
    const fromStore = await loadTimeFloor(store, h, 1n);
    t.truthy(fromStore, `a floor for height ${h + 1n}`);
    t.deepEqual(fromStore, fromBlocks, `the floor for height ${h + 1n}`);
  }
});
