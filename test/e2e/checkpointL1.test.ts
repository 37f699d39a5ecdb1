/**
 * Checkpoints reach Ethereum: four validator processes sign them on their own, relayer
 * processes land them on the settlement contract of a real Hardhat node. What lands is
 * exactly the chain's state (height, app hash of header h+1, block h's hash), and a
 * relayer killed mid-way and restarted next to a second relayer leaves no duplicate and no gap.
 */
import anyTest, { type TestFn } from "ava";
import { hexlify } from "ethers";
import { createStrikeSource } from "../../relayer/index.js";
import { rpc } from "../helpers/localNode.js";
import { eventually, startL1Localnet, type L1Localnet } from "../helpers/l1Localnet.js";

const test = anyTest as TestFn<{ net: L1Localnet }>;

async function l1Last(net: L1Localnet): Promise<{ height: bigint; appHash: string; withdrawalRoot: string }> {
  const [height, appHash, withdrawalRoot] = (await net.settlement.getFunction("lastCheckpoint")()) as [
    bigint,
    string,
    string,
  ];
  return { height, appHash, withdrawalRoot };
}

async function landedHeights(net: L1Localnet): Promise<{ height: bigint; appHash: string }[]> {
  const events = await net.settlement.queryFilter(net.settlement.filters.Checkpointed!(), 0, "latest");
  return events.map((e) => {
    const args = (e as unknown as { args: [bigint, string] }).args;
    return { height: BigInt(args[0]), appHash: args[1] };
  });
}

test.before(async (t) => {
  t.context = { net: await startL1Localnet() };
});

test.after.always(async (t) => {
  const net = t.context.net as L1Localnet | undefined;
  if (net === undefined) return;
  if (process.env.STRIKE_E2E_LOGS !== undefined) {
    const { writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    for (const p of [...net.nodes, ...net.relayers])
      await writeFile(join(process.env.STRIKE_E2E_LOGS, `checkpointL1-${p.name}.log`), p.log);
  }
  await net.stop();
});

test.serial(
  "a checkpoint lands on L1 as the chain recorded it: height, app hash of header h+1, block h's hash",
  async (t) => {
    t.timeout(600_000);
    const { net } = t.context;
    const { statusUrl } = await net.startRelayer(1);
    const last = await eventually(
      async () => {
        const l = await l1Last(net);
        return l.height >= 20n ? l : undefined;
      },
      400_000,
      "two checkpoints on L1",
    );
    const source = createStrikeSource(net.rpcUrls[0]!);
    const [cp] = await source.checkpointsAfter(last.height - 1n, 1);
    t.is(cp!.checkpoint!.height, last.height);
    t.is(hexlify(cp!.checkpoint!.appHash), last.appHash);
    t.true(cp!.checkpoint!.completedAt > 0n, "only complete checkpoints are relayed");
    t.true(cp!.checkpoint!.signedPower * 3n > cp!.checkpoint!.totalPower * 2n);
    const header = await rpc<{ block: { header: { app_hash: string } } }>(net.rpcUrls[0]!, "block", {
      height: String(last.height + 1n),
    });
    t.is(`0x${header.block.header.app_hash.toLowerCase()}`, last.appHash, "the app hash of header h+1");
    const block = await rpc<{ block_id: { hash: string } }>(net.rpcUrls[0]!, "block", { height: String(last.height) });
    t.is(hexlify(cp!.checkpoint!.blockHash), `0x${block.block_id.hash.toLowerCase()}`, "block h's hash");
    const status = await eventually(
      async () => {
        const s = (await (await fetch(statusUrl)).json()) as { latest_checkpointed_height: string };
        return BigInt(s.latest_checkpointed_height) >= last.height ? s : undefined;
      },
      60_000,
      "the relayer's status to show the landing",
    );
    t.true(BigInt(status.latest_checkpointed_height) >= last.height);
  },
);

test.serial("a relayer killed mid-way and restarted beside a second relayer: no duplicate, no gap", async (t) => {
  t.timeout(600_000);
  const { net } = t.context;
  const first = net.relayers[0]!;
  await net.kill(first);
  const atKill = (await l1Last(net)).height;
  await net.startRelayer(1); // the same account again: its nonce comes from the L1, not from memory
  await net.startRelayer(2);
  await eventually(
    async () => ((await l1Last(net)).height >= atKill + 30n ? true : undefined),
    400_000,
    "three more checkpoints on L1",
  );
  const landed = await landedHeights(net);
  const heights = landed.map((l) => l.height);
  t.deepEqual(heights, [...new Set(heights)], "no checkpoint landed twice");
  t.deepEqual(
    heights,
    [...heights].sort((a, b) => (a < b ? -1 : 1)),
    "in height order",
  );
  const source = createStrikeSource(net.rpcUrls[0]!);
  const chain = await source.checkpointsAfter(0n, 100);
  const onChainRange = chain.filter((c) => c.checkpoint!.height <= heights[heights.length - 1]!);
  t.deepEqual(
    heights,
    onChainRange.map((c) => c.checkpoint!.height),
    "every checkpoint of the chain up to the last landed one landed: no gap",
  );
  for (const l of landed) {
    const c = chain.find((x) => x.checkpoint!.height === l.height)!;
    t.is(hexlify(c.checkpoint!.appHash), l.appHash, `app hash at ${l.height}`);
  }
});
