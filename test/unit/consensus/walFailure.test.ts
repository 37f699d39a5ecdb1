import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBlockStore } from "../../../chain/consensus/blockStore.js";
import { createConsensusDriver } from "../../../chain/consensus/driver.js";
import { addressFromPubKey } from "../../../chain/consensus/encoding.js";
import type { CommittedBlock } from "../../../chain/consensus/types.js";
import { openWal } from "../../../chain/consensus/wal.js";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import type { Validator } from "../../../chain/types/block.js";
import { openFakeApp } from "./fakeApp.js";

const validatorOf = (seed: Uint8Array, votingPower: bigint): Validator => {
  const s = createEd25519Signer(seed);
  return { address: addressFromPubKey(s.publicKey), pubKey: s.publicKey, votingPower, proposerPriority: 0n };
};

test("a timeout whose WAL record cannot be written is still acted on (logged as an error), not dropped into a permanent stall", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-cs-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const seed = new Uint8Array(32).fill(3);
  // We hold 10 of 11: +2/3 alone. The other validator is offline and proposes every even
  // round, so height 1 commits only after our propose timeout moves us to round 1.
  const self = validatorOf(seed, 10n);
  const offline = validatorOf(new Uint8Array(32).fill(4), 1n);
  const db = createMemoryDatabase();
  const committed: CommittedBlock[] = [];
  const errors: string[] = [];
  let failedTimeouts = 0;
  const driver = createConsensusDriver({
    chainId: "strike-test",
    initialHeight: 1n,
    genesisTime: { seconds: 1_700_000_000n, nanos: 0 },
    validators: [self, offline],
    consensusParams: {
      block: { maxBytes: 1048576n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    app: await openFakeApp(db),
    db,
    blockStore: await openBlockStore(db),
    privValidator: { privateKey: seed, publicKey: self.pubKey },
    signStatePath: join(dir, "sign_state.json"),
    walPath: join(dir, "cs.wal"),
    timeouts: {
      proposeMs: 200,
      proposeDeltaMs: 50,
      prevoteMs: 200,
      prevoteDeltaMs: 50,
      precommitMs: 200,
      precommitDeltaMs: 50,
      commitMs: 5,
    },
    createEmptyBlocks: true,
    createEmptyBlocksIntervalMs: 0,
    blockBuilder: { reapTxs: () => [], size: () => 0 },
    proposerSelection: () => ({ proposer: (round) => (round % 2 === 0 ? offline : self) }),
    // The disk is full for the first timeout's record.
    openWal(path) {
      const opened = openWal(path);
      return {
        records: opened.records,
        wal: {
          append(record) {
            if (record.event.kind === "timeout" && failedTimeouts === 0) {
              failedTimeouts++;
              throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
            }
            opened.wal.append(record);
          },
          sync: () => opened.wal.sync(),
          truncate: () => opened.wal.truncate(),
          close: () => opened.wal.close(),
        },
      };
    },
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields)}`),
    },
    onBlockCommitted: (c) => committed.push(c),
  });
  await driver.start();
  const started = Date.now();
  while (committed.length < 2 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 10));
  await driver.stop();
  t.is(failedTimeouts, 1, "the first timeout's WAL write failed");
  t.true(committed.length >= 2, `${committed.length} blocks in 5 s`);
  t.is(committed[0]!.commit.round, 1, "height 1 went to round 1 on the propose timeout");
  t.true(
    errors.some((e) => e.includes("cannot write the consensus WAL") && e.includes("ENOSPC")),
    errors.join("\n"),
  );
});
