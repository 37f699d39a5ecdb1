import test from "ava";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConsensusDriver, MAX_ROUNDS_AHEAD } from "../../../chain/consensus/driver.js";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { addressFromPubKey } from "../../../chain/consensus/encoding.js";
import type {
  CommittedBlock,
  ConsensusDriverOptions,
  ConsensusMessage,
  ConsensusNetwork,
  MessageOrigin,
} from "../../../chain/consensus/types.js";
import { openBlockStore } from "../../../chain/consensus/blockStore.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import type { Block, Validator } from "../../../chain/types/block.js";
import { openFakeApp } from "./fakeApp.js";

const seed = new Uint8Array(32).fill(42);
const signer = createEd25519Signer(seed);
const other = createEd25519Signer(new Uint8Array(32).fill(43));
const self: Validator = {
  address: addressFromPubKey(signer.publicKey),
  pubKey: signer.publicKey,
  votingPower: 10n,
  proposerPriority: 0n,
};
const absent: Validator = {
  address: addressFromPubKey(other.publicKey),
  pubKey: other.publicKey,
  votingPower: 10n,
  proposerPriority: 0n,
};

interface FakeNet extends ConsensusNetwork {
  deliver(m: ConsensusMessage, origin: MessageOrigin): void;
  reports: { peer: string; reason: string; atMs: number }[];
  peerGone(peer: string): void;
}

function fakeNetwork(): FakeNet {
  let handler: ((m: ConsensusMessage, o?: MessageOrigin) => void) | undefined;
  let gone: ((p: string) => void) | undefined;
  const reports: FakeNet["reports"] = [];
  return {
    reports,
    broadcast: () => undefined,
    onMessage: (h) => (handler = h),
    reportInvalid: (peer, reason) => reports.push({ peer, reason, atMs: Date.now() }),
    onPeerGone: (h) => (gone = h),
    deliver: (m, o) => handler?.(m, o),
    peerGone: (p) => gone?.(p),
  };
}

async function makeDriver(dir: string, validators: Validator[], extra: Partial<ConsensusDriverOptions> = {}) {
  const db = createMemoryDatabase();
  const app = await openFakeApp(db);
  const blockStore = await openBlockStore(db);
  const committed: CommittedBlock[] = [];
  const options: ConsensusDriverOptions = {
    chainId: "strike-test",
    initialHeight: 1n,
    genesisTime: { seconds: 1_700_000_000n, nanos: 0 },
    validators,
    consensusParams: {
      block: { maxBytes: 1048576n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    app,
    db,
    blockStore,
    privValidator: { privateKey: seed, publicKey: signer.publicKey },
    signStatePath: join(dir, "sign_state.json"),
    walPath: join(dir, "cs.wal"),
    timeouts: {
      proposeMs: 200,
      proposeDeltaMs: 10,
      prevoteMs: 100,
      prevoteDeltaMs: 10,
      precommitMs: 100,
      precommitDeltaMs: 10,
      commitMs: 5,
    },
    createEmptyBlocks: true,
    createEmptyBlocksIntervalMs: 0,
    blockBuilder: { reapTxs: () => [], size: () => 0 },
    onBlockCommitted: (c) => committed.push(c),
    ...extra,
  };
  return { driver: createConsensusDriver(options), committed, app };
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

function tempDir(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "strike-adm-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real block of height 1, as a payload for forged messages. */
async function sampleBlock(dir: string): Promise<Block> {
  const { driver, committed } = await makeDriver(dir, [self]);
  await driver.start();
  await waitFor(() => committed.length >= 1);
  await driver.stop();
  return committed[0]!.block;
}

/** A validator stuck at height 1 (the other half of the power is absent): messages of height 1 are current. */
async function stuckAtHeightOne(t: { teardown(f: () => void): void }) {
  const dir = tempDir(t);
  const sampleDir = join(dir, "sample");
  mkdirSync(sampleDir);
  const block = await sampleBlock(sampleDir);
  const net = fakeNetwork();
  const { driver, app } = await makeDriver(dir, [self, absent], { network: net });
  await driver.start();
  t.teardown(() => driver.stop());
  await waitFor(() => driver.status().step !== "init");
  return { driver, net, block, app };
}

const forgedSignature = new Uint8Array(64).fill(9);

test("an unsigned proposal for round 2^31-1 is refused at once, without walking proposer selection, and its sender is penalised", async (t) => {
  const { driver, net, block } = await stuckAtHeightOne(t);
  const sentAt = Date.now();
  net.deliver(
    {
      kind: "proposal",
      proposal: {
        height: 1n,
        round: 2 ** 31 - 1,
        polRound: -1,
        blockId: { hash: new Uint8Array(32), partSetHeader: { total: 1, hash: new Uint8Array(32) } },
        timestamp: { seconds: 1n, nanos: 0 },
        signature: forgedSignature,
      },
      block,
    },
    { peer: "attacker", bytes: 200 },
  );
  await waitFor(() => net.reports.length > 0, 2000);
  t.true(net.reports[0]!.atMs - sentAt < 500, `refused after ${net.reports[0]!.atMs - sentAt} ms`);
  t.is(net.reports[0]!.peer, "attacker");
  t.regex(net.reports[0]!.reason, /round/);
  // The next message is handled at once too: nothing is left grinding in the queue.
  const nextAt = Date.now();
  net.deliver(forgedVote(driver, 0), { peer: "next", bytes: 120 });
  await waitFor(() => net.reports.some((r) => r.peer === "next"), 2000);
  t.true(Date.now() - nextAt < 500);
});

function forgedVote(driver: { validators: Validator[] }, round: number): ConsensusMessage {
  const index = driver.validators.findIndex((v) => v.address.every((b, i) => b === absent.address[i]));
  return {
    kind: "vote",
    vote: {
      type: 1,
      height: 1n,
      round,
      blockId: undefined,
      timestamp: { seconds: 1n, nanos: 0 },
      validatorAddress: absent.address,
      validatorIndex: index,
      signature: forgedSignature,
    },
  };
}

test("a forged proposal for a round a little ahead is authenticated before proposer selection and refused", async (t) => {
  const { driver, net, block } = await stuckAtHeightOne(t);
  const round = driver.status().round + Math.min(50, MAX_ROUNDS_AHEAD);
  net.deliver(
    {
      kind: "proposal",
      proposal: {
        height: 1n,
        round,
        polRound: -1,
        blockId: { hash: new Uint8Array(32), partSetHeader: { total: 1, hash: new Uint8Array(32) } },
        timestamp: { seconds: 1n, nanos: 0 },
        signature: forgedSignature,
      },
      block,
    },
    { peer: "p1", bytes: 200 },
  );
  await waitFor(() => net.reports.length > 0, 2000);
  t.regex(net.reports[0]!.reason, /signed by no validator/);
});

test("a forged vote of the current height carries a peer penalty and is not counted", async (t) => {
  const { driver, net } = await stuckAtHeightOne(t);
  net.deliver(forgedVote(driver, driver.status().round), { peer: "forger", bytes: 120 });
  await waitFor(() => net.reports.length > 0, 2000);
  t.is(net.reports[0]!.peer, "forger");
  t.regex(net.reports[0]!.reason, /bad signature/);
  t.is(driver.height, 0n, "no decision from a forged vote");
});

test("an unsigned block that no vote names is neither kept nor validated, and its sender is penalised", async (t) => {
  const { net, block, app } = await stuckAtHeightOne(t);
  const finalizedBefore = app.finalized.length;
  for (let i = 0; i < 20; i++) {
    net.deliver({ kind: "block", block: { ...block, txs: [new Uint8Array([i])] } }, { peer: "spammer", bytes: 4096 });
  }
  await waitFor(() => net.reports.length >= 20, 2000);
  t.true(net.reports.every((r) => r.peer === "spammer" && /no vote/.test(r.reason)));
  t.is(app.finalized.length, finalizedBefore);
});

test("next-height messages are deduplicated and bounded per peer; heights further ahead are dropped without penalty", async (t) => {
  const { net } = await stuckAtHeightOne(t);
  const vote = (i: number) => ({
    kind: "vote" as const,
    vote: {
      type: 1 as const,
      height: 2n,
      round: i,
      blockId: undefined,
      timestamp: { seconds: 1n, nanos: 0 },
      validatorAddress: absent.address,
      validatorIndex: 1,
      signature: new Uint8Array(64).fill(i % 256).map((b, j) => (j < 4 ? (i >> (j * 8)) & 0xff : b)),
    },
  });
  // Far ahead: a peer ahead of a lagging node sends these honestly.
  for (let i = 0; i < 50; i++)
    net.deliver({ ...vote(i), vote: { ...vote(i).vote, height: 99n } }, { peer: "ahead", bytes: 100 });
  // The same message re-gossiped many times is one message.
  for (let i = 0; i < 300; i++) net.deliver(vote(1), { peer: "regossip", bytes: 100 });
  await new Promise((r) => setTimeout(r, 200));
  t.is(net.reports.length, 0, "no penalty for far heights or repeats");
  // 300 distinct next-height messages from one peer exceed its quota.
  for (let i = 0; i < 300; i++) net.deliver(vote(i), { peer: "flooder", bytes: 100 });
  await waitFor(() => net.reports.some((r) => r.peer === "flooder"), 2000);
  t.regex(net.reports.find((r) => r.peer === "flooder")!.reason, /too many messages for height 2/);
});

test("a sign state that cannot be written stalls signing only until it can be written again (retried, not dropped)", async (t) => {
  const dir = tempDir(t);
  const stateDir = join(dir, "state");
  mkdirSync(stateDir);
  const { driver, committed } = await makeDriver(dir, [self], { signStatePath: join(stateDir, "sign_state.json") });
  await driver.start();
  t.teardown(() => driver.stop());
  await waitFor(() => committed.length >= 2);
  rmSync(stateDir, { recursive: true, force: true });
  await new Promise((r) => setTimeout(r, 400));
  const stalledAt = driver.height;
  await new Promise((r) => setTimeout(r, 400));
  t.true(driver.height <= stalledAt + 1n, "no signatures while the state cannot be persisted");
  mkdirSync(stateDir);
  await waitFor(() => driver.height >= stalledAt + 3n, 5000);
  t.true(driver.height >= stalledAt + 3n, "signing resumes once the state can be written");
});
