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
