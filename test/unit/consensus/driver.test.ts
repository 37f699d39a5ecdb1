import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConsensusDriver } from "../../../chain/consensus/driver.js";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { addressFromPubKey, headerHash } from "../../../chain/consensus/encoding.js";
import { commitProblem } from "../../../chain/consensus/blockFactory.js";
import { openSignState } from "../../../chain/consensus/signState.js";
import type { CommittedBlock, ConsensusDriverOptions } from "../../../chain/consensus/types.js";
import { openBlockStore } from "../../../chain/consensus/blockStore.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import type { Database } from "../../../chain/store/types.js";
import { toHex, utf8 } from "../../../chain/types/bytes.js";
import type { Vote } from "../../../chain/types/block.js";
import { openFakeApp } from "./fakeApp.js";

const seed = new Uint8Array(32).fill(42);
const signer = createEd25519Signer(seed);
const validator = {
  address: addressFromPubKey(signer.publicKey),
  pubKey: signer.publicKey,
  votingPower: 10n,
  proposerPriority: 0n,
};

async function makeDriver(
  db: Database,
  dir: string,
  txQueue: Uint8Array[],
  committed: CommittedBlock[],
  extra: Partial<ConsensusDriverOptions> = {},
) {
  const app = await openFakeApp(db);
  const blockStore = await openBlockStore(db);
  const options: ConsensusDriverOptions = {
    chainId: "strike-test",
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
    createEmptyBlocks: true,
    createEmptyBlocksIntervalMs: 0,
    blockBuilder: { reapTxs: () => txQueue.splice(0, txQueue.length), size: () => txQueue.length },
    onBlockCommitted: (c) => committed.push(c),
    ...extra,
  };
  return { driver: createConsensusDriver(options), app, blockStore };
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

test("one validator commits consecutive blocks whose headers chain, and resumes after a restart", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-cs-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = createMemoryDatabase();
  const txs = [utf8("tx-a"), utf8("tx-b")];
  const committed: CommittedBlock[] = [];
  const first = await makeDriver(db, dir, txs, committed);
  await first.driver.start();
  await waitFor(() => committed.length >= 5);
  await first.driver.stop();
  t.is(first.blockStore.height, first.driver.height);

  for (let i = 1; i < committed.length; i++) {
    const prev = committed[i - 1]!;
    const cur = committed[i]!;
    t.is(cur.block.header.height, prev.block.header.height + 1n);
    t.is(toHex(cur.block.header.lastBlockId.hash), toHex(prev.blockId.hash), "last_block_id is the previous block");
    t.is(
      toHex(cur.block.header.appHash),
      toHex(prev.results.appHash),
      "app_hash is the state after the previous block",
    );
    t.is(toHex(headerHash(cur.block.header)), toHex(cur.blockId.hash));
    t.is(
      commitProblem("strike-test", [validator], prev.blockId, prev.block.header.height, cur.block.lastCommit),
      undefined,
      "last commit verifies",
    );
    t.true(
      cur.block.header.time.seconds * 1_000_000_000n + BigInt(cur.block.header.time.nanos) >
        prev.block.header.time.seconds * 1_000_000_000n + BigInt(prev.block.header.time.nanos),
    );
  }
  t.deepEqual(
    committed[0]!.block.txs.map((x) => toHex(x)),
    [toHex(utf8("tx-a")), toHex(utf8("tx-b"))],
  );
  const stored = await first.blockStore.loadBlock(2n);
  t.is(toHex(headerHash(stored!.header)), toHex(committed[1]!.blockId.hash));
  t.truthy(await first.blockStore.loadBlockByHash(committed[0]!.blockId.hash));

  // Restart on the same db, WAL and sign state: it continues from the stored height.
  const lastHeight = first.driver.height;
  const after: CommittedBlock[] = [];
  const second = await makeDriver(db, dir, [], after);
  await second.driver.start();
  await waitFor(() => after.length >= 2);
  await second.driver.stop();
  t.is(after[0]!.block.header.height, lastHeight + 1n);
  t.is(toHex(after[0]!.block.header.lastBlockId.hash), toHex(committed[committed.length - 1]!.blockId.hash));
  t.is(toHex(after[0]!.block.header.appHash), toHex(committed[committed.length - 1]!.results.appHash));
});

test("a stop at an arbitrary point and a restart continue at the next height, with the sign state only moving forward", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-cs-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = createMemoryDatabase();
  const committed: CommittedBlock[] = [];
  const first = await makeDriver(db, dir, [], committed);
  await first.driver.start();
  await waitFor(() => committed.length >= 2);
  await first.driver.stop();
  const signed = openSignState(join(dir, "sign_state.json")).last!;
  const second = await makeDriver(db, dir, [utf8("different txs now")], []);
  await second.driver.start();
  await waitFor(() => second.driver.height > first.driver.height);
  await second.driver.stop();
  const again = openSignState(join(dir, "sign_state.json")).last!;
  t.true(
    again.height > signed.height || (again.height === signed.height && again.round >= signed.round),
    "sign state only moves forward",
  );
  // the first block after the restart is at the height the first run had reached
  t.is((await second.blockStore.loadBlock(first.driver.height + 1n))!.header.height, first.driver.height + 1n);
});

test("a crash between deciding and writing the batch re-commits the same decided block after restart", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-cs-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = createMemoryDatabase();
  const committed: CommittedBlock[] = [];
  let crashed: CommittedBlock | undefined;
  const first = await makeDriver(db, dir, [utf8("decided-tx")], committed, {
    onBlockCommitting: (c) => {
      crashed = c;
      throw new TypeError("simulated crash before the batch write");
    },
  });
  await first.driver.start();
  await waitFor(() => crashed !== undefined);
  await first.driver.stop();
  t.is(first.blockStore.height, 0n, "nothing was written");

  const after: CommittedBlock[] = [];
  const second = await makeDriver(db, dir, [utf8("other-tx")], after);
  await second.driver.start();
  await waitFor(() => after.length >= 1);
  await second.driver.stop();
  t.is(
    toHex(after[0]!.blockId.hash),
    toHex(crashed!.blockId.hash),
    "the block decided before the crash is the one committed",
  );
  t.deepEqual(
    after[0]!.block.txs.map((x) => toHex(x)),
    [toHex(utf8("decided-tx"))],
  );
});

test("with createEmptyBlocks off, a block waits for txs, and one more block proves the new app hash", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-cs-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = createMemoryDatabase();
  const txs: Uint8Array[] = [];
  const committed: CommittedBlock[] = [];
  const { driver } = await makeDriver(db, dir, txs, committed, {
    createEmptyBlocks: false,
    createEmptyBlocksIntervalMs: 60_000,
  });
  await driver.start();
  await waitFor(() => committed.length >= 1);
  await new Promise((r) => setTimeout(r, 150));
  t.is(committed.length, 1, "no empty block while no tx waits");
  txs.push(utf8("late tx"));
  await waitFor(() => committed.length >= 3);
  await new Promise((r) => setTimeout(r, 150));
  await driver.stop();
  t.is(committed.length, 3);
  t.is(committed[1]!.block.txs.length, 1);
  t.is(committed[2]!.block.txs.length, 0);
  t.is(toHex(committed[2]!.block.header.appHash), toHex(committed[1]!.results.appHash));
});

test("a validator that crashed right after signing a prevote resumes the round with the same block instead of a new one", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-cs-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = createMemoryDatabase();
  let prevote: Vote | undefined;
  const first = await makeDriver(db, dir, [utf8("first-run tx")], [], {
    network: {
      broadcast(msg) {
        if (msg.kind === "vote" && msg.vote.type === 1 && prevote === undefined) {
          prevote = msg.vote;
          throw new TypeError("simulated crash after the prevote was logged and signed");
        }
      },
      onMessage() {},
    },
  });
  await first.driver.start();
  await waitFor(() => prevote !== undefined);
  await first.driver.stop();
  t.is(first.blockStore.height, 0n);

  const after: CommittedBlock[] = [];
  const second = await makeDriver(db, dir, [utf8("second-run tx")], after);
  await second.driver.start();
  await waitFor(() => after.length >= 1);
  await second.driver.stop();
  t.is(
    toHex(after[0]!.blockId.hash),
    toHex(prevote!.blockId!.hash),
    "the block prevoted before the crash is committed",
  );
  t.deepEqual(
    after[0]!.block.txs.map((x) => toHex(x)),
    [toHex(utf8("first-run tx"))],
  );
  t.is(after[0]!.commit.round, prevote!.round);
});

test("a task waiting on the event loop when a block commits runs before the block store's writes join the block's batch", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-cs-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = createMemoryDatabase();
  const order: string[] = [];
  // The app's Commit and the block store put into the same batch; only what follows the commit step is looked at.
  const recording: Database = {
    ...db,
    batch() {
      const b = db.batch();
      return {
        put(key, value) {
          order.push("put");
          b.put(key, value);
        },
        del: (key) => b.del(key),
        write: () => b.write(),
        get length() {
          return b.length;
        },
      };
    },
  };
  const committed: CommittedBlock[] = [];
  const { driver } = await makeDriver(db, dir, [utf8("tx-a")], committed, {
    db: recording,
    onBlockCommitting: () => {
      order.push("committing");
      setImmediate(() => order.push("waiting task"));
    },
  });
  await driver.start();
  await waitFor(() => committed.length >= 1);
  await driver.stop();
  const afterCommit = order.slice(order.indexOf("committing"));
  t.deepEqual(afterCommit.slice(0, 3), ["committing", "waiting task", "put"]);
});

test("a task waiting on the event loop when a block is finalized runs before the app's Commit", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-cs-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = createMemoryDatabase();
  const order: string[] = [];
  const app = await openFakeApp(db);
  const observed: typeof app = {
    ...app,
    finalizeBlock(req) {
      const res = app.finalizeBlock(req);
      order.push("finalized");
      setImmediate(() => order.push("waiting task"));
      return res;
    },
    commit(batch) {
      order.push("commit");
      return app.commit(batch);
    },
  };
  const committed: CommittedBlock[] = [];
  const { driver } = await makeDriver(db, dir, [utf8("tx-a")], committed, { app: observed });
  await driver.start();
  await waitFor(() => committed.length >= 1);
  await driver.stop();
  t.deepEqual(order.slice(0, 3), ["finalized", "waiting task", "commit"]);
});
