/**
 * Four validator drivers on a line (0–1–2–3): each hears only its neighbours directly, so no
 * node alone hears the +2/3 it needs. The chain decides only because a height that drags has
 * its held proposal and votes passed on (driver.ts relayHeld).
 */
import test, { type ExecutionContext } from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConsensusDriver, MAX_PROPOSAL_AHEAD_MS } from "../../../chain/consensus/driver.js";
import { addressFromPubKey } from "../../../chain/consensus/encoding.js";
import { openBlockStore } from "../../../chain/consensus/blockStore.js";
import type { CommittedBlock, ConsensusDriver, ConsensusMessage } from "../../../chain/consensus/types.js";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { toHex } from "../../../chain/types/bytes.js";
import { openFakeApp } from "./fakeApp.js";

const N = 4;
const seeds = Array.from({ length: N }, (_, i) => new Uint8Array(32).fill(100 + i));
const signers = seeds.map((s) => createEd25519Signer(s));
const validators = signers.map((s) => ({
  address: addressFromPubKey(s.publicKey),
  pubKey: s.publicKey,
  votingPower: 10n,
  proposerPriority: 0n,
}));

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** Drivers joined by `links` (pairs that hear each other); messages are delivered asynchronously. */
async function line(
  t: ExecutionContext,
  links: readonly [number, number][],
  clockOf: (i: number) => () => number = () => Date.now,
) {
  const handlers: ((m: ConsensusMessage, origin?: { peer: string; bytes: number }) => void)[] = [];
  const linked = (a: number, b: number) => links.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  const committed: CommittedBlock[][] = Array.from({ length: N }, () => []);
  const drivers: ConsensusDriver[] = [];
  for (let i = 0; i < N; i++) {
    const dir = mkdtempSync(join(tmpdir(), "strike-relay-"));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const db = createMemoryDatabase();
    const driver = createConsensusDriver({
      chainId: "strike-relay",
      initialHeight: 1n,
      genesisTime: { seconds: 1_700_000_000n, nanos: 0 },
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
      signStatePath: join(dir, "sign_state.json"),
      walPath: join(dir, "cs.wal"),
      timeouts: {
        proposeMs: 500,
        proposeDeltaMs: 100,
        prevoteMs: 200,
        prevoteDeltaMs: 100,
        precommitMs: 200,
        precommitDeltaMs: 100,
        commitMs: 5,
      },
      createEmptyBlocks: true,
      createEmptyBlocksIntervalMs: 0,
      gossipIntervalMs: 200,
      now: clockOf(i),
      blockBuilder: { reapTxs: () => [], size: () => 0 },
      onBlockCommitted: (c) => committed[i]!.push(c),
      network: {
        broadcast(m) {
          for (let j = 0; j < N; j++) {
            if (j === i || !linked(i, j)) continue;
            setImmediate(() => handlers[j]?.(m, { peer: `node${i}`, bytes: 1 }));
          }
        },
        onMessage(h) {
          handlers[i] = h;
        },
      },
    });
    drivers.push(driver);
  }
  t.teardown(async () => {
    for (const d of drivers) await d.stop();
  });
  for (const d of drivers) void d.start();
  return { committed };
}

test("validators on a line, each hearing only its neighbours, still decide: a dragging height's proposal and votes are passed on", async (t) => {
  const { committed } = await line(t, [
    [0, 1],
    [1, 2],
    [2, 3],
  ]);
  const decided = await waitFor(() => committed.every((c) => c.length >= 3), 30_000);
  t.true(decided, `heights committed per node: ${committed.map((c) => c.length).join(",")}`);
  for (let h = 0; h < 3; h++) {
    const ids = new Set(committed.map((c) => toHex(c[h]!.blockId.hash)));
    t.is(ids.size, 1, `one block at height ${h + 1} on every node`);
  }
});

test("a proposer whose clock runs 60 s ahead gets no block in: its proposals are prevoted nil, the others go on, block time stays near real time", async (t) => {
  const all: [number, number][] = [
    [0, 1],
    [0, 2],
    [0, 3],
    [1, 2],
    [1, 3],
    [2, 3],
  ];
  const { committed } = await line(t, all, (i) => (i === 3 ? () => Date.now() + 60_000 : Date.now));
  const ahead = validators[3]!.address;
  // Enough heights that the fast node's turn as proposer comes up (round-robin over four).
  const decided = await waitFor(() => committed[0]!.length >= 8, 60_000);
  t.true(decided, `heights committed: ${committed[0]!.length}`);
  const blocks = committed[0]!;
  // Height 1 carries the genesis time whoever proposes it.
  const byAhead = blocks
    .filter((c) => c.block.header.height > 1n && toHex(c.block.header.proposerAddress) === toHex(ahead))
    .map((c) => c.block.header.height);
  t.deepEqual(byAhead, [], "no committed block after the first was proposed by the validator whose clock is ahead");
  for (const c of blocks) {
    const aheadMs = Number(c.block.header.time.seconds) * 1000 - Date.now();
    t.true(aheadMs <= MAX_PROPOSAL_AHEAD_MS, `block ${c.block.header.height} time ${aheadMs} ms ahead of real time`);
  }
});
