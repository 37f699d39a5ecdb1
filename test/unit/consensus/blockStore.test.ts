import test from "ava";
import { openBlockStore } from "../../../chain/consensus/blockStore.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { createValidatorSet } from "../../../chain/consensus/proposer.js";
import { fakeBlock, address } from "./sim.js";
import type { CommittedBlock } from "../../../chain/consensus/types.js";
import type { Commit } from "../../../chain/types/block.js";
import { toHex, utf8 } from "../../../chain/types/bytes.js";

const set = createValidatorSet(
  [0, 1].map((i) => ({ address: address(i), pubKey: new Uint8Array(32).fill(i + 1), votingPower: BigInt(10 - i) })),
);

function committed(h: bigint, lastCommit: Commit | undefined): CommittedBlock {
  const { block, blockId } = fakeBlock(h, `block ${h}`);
  if (lastCommit !== undefined) block.lastCommit = lastCommit;
  const commit: Commit = {
    height: h,
    round: 0,
    blockId,
    signatures: [
      {
        blockIdFlag: 2,
        validatorAddress: address(0),
        timestamp: { seconds: BigInt(h), nanos: 0 },
        signature: new Uint8Array(64).fill(Number(h)),
      },
    ],
  };
  return {
    block,
    blockId,
    commit,
    results: {
      events: [{ type: "e", attributes: [{ key: "k", value: "v", index: true }] }],
      txResults: [
        { code: 3, codespace: "bank", log: "l", info: "", data: utf8("d"), gasWanted: 5n, gasUsed: 4n, events: [] },
      ],
      validatorUpdates: [],
      appHash: new Uint8Array(32).fill(9),
    },
    validators: [...set.validators],
  };
}

test("saved heights become visible only after markSaved, and survive a reopen", async (t) => {
  const db = createMemoryDatabase();
  const store = await openBlockStore(db);
  const c1 = committed(1n, undefined);
  const batch = db.batch();
  store.save(batch, c1, set);
  t.is(store.height, 0n);
  await batch.write();
  store.markSaved(1n);
  t.is(store.height, 1n);
  t.is(store.base, 1n);
  const reopened = await openBlockStore(db);
  t.is(reopened.height, 1n);
  t.is(toHex((await reopened.loadBlockByHash(c1.blockId.hash))!.txs[0]!), toHex(c1.block.txs[0]!));
  t.deepEqual(await reopened.loadBlockResults(1n), c1.results);
  const meta = await reopened.loadBlockMeta(1n);
  t.is(toHex(meta!.blockId.hash), toHex(c1.blockId.hash));
  t.is(meta!.numTxs, 1);
  const vs = await reopened.loadValidatorSet(1n);
  t.deepEqual(vs, { validators: [...set.validators], proposer: set.proposer });
});

test("saved(h) resolves once markSaved reaches h, at once for a height already saved, and not before", async (t) => {
  const db = createMemoryDatabase();
  const store = await openBlockStore(db);
  const resolved: bigint[] = [];
  const wait = (h: bigint) => void store.saved(h).then(() => resolved.push(h));
  wait(1n);
  wait(2n);
  const batch = db.batch();
  store.save(batch, committed(1n, undefined), set);
  await batch.write();
  await new Promise((r) => setImmediate(r));
  t.deepEqual(resolved, [], "written but not yet marked: not saved");
  store.markSaved(1n);
  await new Promise((r) => setImmediate(r));
  t.deepEqual(resolved, [1n]);
  wait(1n);
  await new Promise((r) => setImmediate(r));
  t.deepEqual(resolved, [1n, 1n]);
  store.markSaved(2n);
  await new Promise((r) => setImmediate(r));
  t.deepEqual(resolved, [1n, 1n, 2n]);
});

test("the commit of a height comes from the next block's last_commit once it exists, else from the seen commit", async (t) => {
  const db = createMemoryDatabase();
  const store = await openBlockStore(db);
  const c1 = committed(1n, undefined);
  const b1 = db.batch();
  store.save(b1, c1, set);
  await b1.write();
  store.markSaved(1n);
  t.is((await store.loadCommit(1n))!.signatures[0]!.timestamp.seconds, 1n, "seen commit");
  const canonical: Commit = {
    ...c1.commit,
    signatures: [{ ...c1.commit.signatures[0]!, timestamp: { seconds: 77n, nanos: 0 } }],
  };
  const c2 = committed(2n, canonical);
  const b2 = db.batch();
  store.save(b2, c2, set);
  await b2.write();
  store.markSaved(2n);
  t.is((await store.loadCommit(1n))!.signatures[0]!.timestamp.seconds, 77n, "block 2's last commit");
  t.is((await store.loadCommit(2n))!.signatures[0]!.timestamp.seconds, 2n);
  t.is(store.base, 1n);
  t.is(store.height, 2n);
});

/** Every key under the block store's prefixes 0x11..0x18 (what a height stores). */
async function heightKeys(db: ReturnType<typeof createMemoryDatabase>): Promise<string[]> {
  const keys: string[] = [];
  for await (const [k] of db.iterate({ start: Uint8Array.of(0x11), end: Uint8Array.of(0x19) })) keys.push(toHex(k));
  return keys;
}

async function saveChain(db: ReturnType<typeof createMemoryDatabase>, n: bigint) {
  const store = await openBlockStore(db);
  const blocks: CommittedBlock[] = [];
  for (let h = 1n; h <= n; h++) {
    const c = committed(h, blocks.at(-1)?.commit);
    const batch = db.batch();
    store.save(batch, c, set);
    await batch.write();
    store.markSaved(h);
    blocks.push(c);
  }
  return { store, blocks };
}

test("pruning deletes every height below the retain height, its hash index too, and the base survives a reopen", async (t) => {
  const db = createMemoryDatabase();
  const { store, blocks } = await saveChain(db, 20n);
  const before = (await heightKeys(db)).length;
  await store.pruneBelow(15n);
  t.is(store.base, 15n);
  t.is(store.height, 20n);
  for (let h = 1n; h < 15n; h++) {
    t.is(await store.loadBlock(h), undefined);
    t.is(await store.loadBlockMeta(h), undefined);
    t.is(await store.loadCommit(h), undefined);
    t.is(await store.loadBlockResults(h), undefined);
    t.is(await store.loadValidators(h), undefined);
    t.is(await store.loadBlockByHash(blocks[Number(h) - 1]!.blockId.hash), undefined);
  }
  for (let h = 15n; h <= 20n; h++) {
    t.is((await store.loadBlock(h))?.header.height, h);
    t.not(await store.loadCommit(h), undefined);
    t.deepEqual(await store.loadBlockResults(h), blocks[Number(h) - 1]!.results);
    t.is((await store.loadBlockByHash(blocks[Number(h) - 1]!.blockId.hash))?.header.height, h);
  }
  // Six heights of twenty are left, each with what it had.
  const after = (await heightKeys(db)).length;
  t.true(after < before / 3, `${after} of ${before} keys left`);
  const reopened = await openBlockStore(db);
  t.is(reopened.base, 15n);
  t.is(reopened.height, 20n);
});

test("pruning never deletes the latest height, and a retain height below the base changes nothing", async (t) => {
  const db = createMemoryDatabase();
  const { store } = await saveChain(db, 600n);
  // More heights than one prune batch holds: several batches, each moving the base.
  await store.pruneBelow(10_000n);
  t.is(store.base, 600n);
  t.is((await store.loadBlock(600n))?.header.height, 600n);
  t.not(await store.loadCommit(600n), undefined);
  const keys = await heightKeys(db);
  await store.pruneBelow(5n);
  await store.pruneBelow(0n);
  t.is(store.base, 600n);
  t.deepEqual(await heightKeys(db), keys);
});

test("prune calls while one runs raise its target: the base reaches the highest asked", async (t) => {
  const db = createMemoryDatabase();
  const { store } = await saveChain(db, 40n);
  const first = store.pruneBelow(10n);
  const second = store.pruneBelow(30n);
  await Promise.all([first, second]);
  t.is(store.base, 30n);
  t.is(await store.loadBlock(29n), undefined);
  t.is((await store.loadBlock(30n))?.header.height, 30n);
});
