/**
 * The node's own L1 reads for the finality ladder (chain/l1/settlementWatch.ts) against a
 * real Hardhat node: a landing counts only once it matches the node's own app hash; a
 * landing of another state is a conflict, never "checkpointed"; a node that is behind waits;
 * "settled" needs the confirmation depth.
 */
import anyTest, { type TestFn } from "ava";
import { hexlify, getBytes } from "ethers";
import { startSettlementWatch, type L1Landing, type SettlementWatch } from "../../chain/l1/settlementWatch.js";
import { deploy, ecdsaScheme, makeCheckpoint, startL1, submitCheckpoint, type L1 } from "./fixture.js";

const test = anyTest as TestFn<{ l1: L1 }>;

test.before(async (t) => {
  t.context.l1 = await startL1();
});
test.after.always(async (t) => {
  await t.context.l1?.stop();
});

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Seen {
  checkpointed: L1Landing[];
  settled: L1Landing[];
  errors: string[];
}

function watch(
  l1: L1,
  contract: string,
  appHashes: Map<bigint, string>,
  confirmations: number,
): [SettlementWatch, Seen] {
  const seen: Seen = { checkpointed: [], settled: [], errors: [] };
  const w = startSettlementWatch({
    l1Rpc: l1.node.url,
    contract,
    confirmations,
    pollMs: 50,
    appHashAfter: (h) => Promise.resolve(appHashes.has(h) ? getBytes(appHashes.get(h)!) : undefined),
    onCheckpointed: (l) => seen.checkpointed.push(l),
    onSettled: (l) => seen.settled.push(l),
    logger: { ...quiet, error: (m) => seen.errors.push(m) },
    startBlock: 0,
  });
  return [w, seen];
}

test.serial(
  "a landing of another state than the node's is a conflict and never checkpointed; the next matching one is",
  async (t) => {
    const { l1 } = t.context;
    const d = await deploy(l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
    const contract = await d.settlement.getAddress();
    const ours = new Map<bigint, string>();
    const cp10 = makeCheckpoint(10n);
    const cp20 = makeCheckpoint(20n);
    const cp30 = makeCheckpoint(30n);
    ours.set(10n, cp10.appHash);
    ours.set(20n, hexlify(new Uint8Array(32).fill(7))); // the node's chain disagrees at 20
    ours.set(30n, cp30.appHash);
    for (const cp of [cp10, cp20, cp30]) await submitCheckpoint(d, cp, { signers: [0, 1, 2] });
    const [w, seen] = watch(l1, contract, ours, 0);
    try {
      await until(() => seen.checkpointed.some((l) => l.height === 30n), "height 30 checkpointed");
      t.deepEqual(
        seen.checkpointed.map((l) => l.height),
        [10n, 30n],
        "20 is never reported",
      );
      t.is(w.status().conflicts, 1);
      t.regex(seen.errors.join("\n"), /does not match this chain/);
      t.is(seen.checkpointed[1]!.appHash, cp30.appHash.toLowerCase());
    } finally {
      await w.stop();
    }
  },
);

test.serial(
  "a node that has not reached height+1 waits: the landing is checked, then reported, once it has",
  async (t) => {
    const { l1 } = t.context;
    const d = await deploy(l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
    const cp = makeCheckpoint(10n);
    const receipt = await submitCheckpoint(d, cp, { signers: [0, 1, 2] });
    const ours = new Map<bigint, string>();
    const [w, seen] = watch(l1, await d.settlement.getAddress(), ours, 0);
    try {
      await until(() => w.status().l1_head >= receipt!.blockNumber, "the watch to read the head");
      await new Promise((r) => setTimeout(r, 300));
      t.deepEqual(seen.checkpointed, [], "nothing before the node can check it");
      ours.set(10n, cp.appHash);
      await until(() => seen.checkpointed.length === 1, "checkpointed once the node has the app hash");
      t.is(seen.checkpointed[0]!.l1Tx, receipt!.hash);
      t.is(seen.checkpointed[0]!.l1Block, receipt!.blockNumber);
    } finally {
      await w.stop();
    }
  },
);

test.serial("settled needs the confirmation depth on top of the checkpoint's L1 block", async (t) => {
  const { l1 } = t.context;
  const d = await deploy(l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const cp = makeCheckpoint(10n);
  const receipt = await submitCheckpoint(d, cp, { signers: [0, 1, 2] });
  const [w, seen] = watch(l1, await d.settlement.getAddress(), new Map([[10n, cp.appHash]]), 3);
  try {
    await until(() => seen.checkpointed.length === 1, "checkpointed");
    await l1.provider.send("evm_mine", []);
    await l1.provider.send("evm_mine", []);
    await until(() => w.status().l1_head >= receipt!.blockNumber + 2, "two blocks on top");
    await new Promise((r) => setTimeout(r, 200));
    t.deepEqual(seen.settled, [], "2 blocks on top is not 3");
    await l1.provider.send("evm_mine", []);
    await until(() => seen.settled.length === 1, "settled at depth 3");
    t.is(seen.settled[0]!.height, 10n);
    t.is(w.status().latest_settled?.height, 10n);
  } finally {
    await w.stop();
  }
});
