import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBlockStore } from "../../../chain/consensus/blockStore.js";
import { createConsensusDriver } from "../../../chain/consensus/driver.js";
import { addressFromPubKey } from "../../../chain/consensus/encoding.js";
import type { CommittedBlock } from "../../../chain/consensus/types.js";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { openFakeApp } from "./fakeApp.js";

const seed = new Uint8Array(32).fill(5);
const signer = createEd25519Signer(seed);

test("the empty-block interval is measured on a monotonic clock: a wall clock stepped back 60 s does not hold the next block", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-cs-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = createMemoryDatabase();
  const committed: CommittedBlock[] = [];
  let wallOffsetMs = 0;
  const driver = createConsensusDriver({
    chainId: "strike-test",
    initialHeight: 1n,
    genesisTime: { seconds: 1_700_000_000n, nanos: 0 },
    validators: [
      {
        address: addressFromPubKey(signer.publicKey),
        pubKey: signer.publicKey,
        votingPower: 10n,
        proposerPriority: 0n,
      },
    ],
    consensusParams: {
      block: { maxBytes: 1048576n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    app: await openFakeApp(db),
    db,
    blockStore: await openBlockStore(db),
    privValidator: { privateKey: seed, publicKey: signer.publicKey },
    signStatePath: join(dir, "sign_state.json"),
    walPath: join(dir, "cs.wal"),
    timeouts: {
      proposeMs: 1000,
      proposeDeltaMs: 100,
      prevoteMs: 200,
      prevoteDeltaMs: 100,
      precommitMs: 200,
      precommitDeltaMs: 100,
      commitMs: 5,
    },
    createEmptyBlocks: false,
    createEmptyBlocksIntervalMs: 300,
    blockBuilder: { reapTxs: () => [], size: () => 0 },
    now: () => Date.now() + wallOffsetMs,
    onBlockCommitted: (c) => {
      committed.push(c);
      // The wall clock steps back a minute right after the first block.
      if (committed.length === 1) wallOffsetMs = -60_000;
    },
  });
  await driver.start();
  const started = Date.now();
  while (committed.length < 3 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 10));
  await driver.stop();
  t.true(committed.length >= 3, `${committed.length} blocks in 5 s with a 300 ms empty-block interval`);
  const [a, b] = committed.map((c) => c.block.header.time.seconds * 1_000_000_000n + BigInt(c.block.header.time.nanos));
  t.true(b! > a!, "block time still moves forward");
});
