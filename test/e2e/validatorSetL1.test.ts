/**
 * A validator-set change reaches L1, with real processes: four validators, a Hardhat node
 * and a relayer. A delegation makes node0 weigh more than a third of the power; the chain's
 * checkpoint at that change carries the next set, the relayer lands it with
 * updateValidatorSet (signed by the old set), and every later checkpoint is accepted
 * against the new set: the contract holds the new set's hash, and no checkpoint can pass
 * without node0's signature any more.
 */
import anyTest, { type TestFn } from "ava";
import { hexlify, keccak256 } from "ethers";
import { join } from "node:path";
import { createStrikeSource } from "../../relayer/index.js";
import { runCliOk } from "../helpers/localNode.js";
import { eventually, startL1Localnet, type L1Localnet, saveL1LocalnetLogs } from "../helpers/l1Localnet.js";

const test = anyTest as TestFn<{ net: L1Localnet }>;

test.before(async (t) => {
  t.timeout(400_000);
  t.context = { net: await startL1Localnet() };
});

test.after.always(async (t) => {
  const net = t.context.net as L1Localnet | undefined;
  if (net === undefined) return;
  await saveL1LocalnetLogs(net, "validatorSetL1");
  await net.stop();
});

interface SetUpdate {
  height: bigint;
  hash: string;
  members: bigint;
  totalPower: bigint;
  l1Block: number;
}

async function setUpdates(net: L1Localnet): Promise<SetUpdate[]> {
  const events = await net.settlement.queryFilter(net.settlement.filters.ValidatorSetUpdated!(), 0, "latest");
  return events.map((e) => {
    const [height, hash, members, totalPower] = (e as unknown as { args: [bigint, string, bigint, bigint] }).args;
    return {
      height: BigInt(height),
      hash,
      members: BigInt(members),
      totalPower: BigInt(totalPower),
      l1Block: e.blockNumber,
    };
  });
}

test.serial(
  "a delegation changes the set: its checkpoint installs the new set on L1 and later checkpoints pass only under it",
  async (t) => {
    t.timeout(900_000);
    const { net } = t.context;
    const node = net.rpcUrls[0]!;
    const keys = ["--home", join(net.dir, "node0"), "--keyring-backend", "test", "--node", node];
    await net.startRelayer(1);
    const genesisHash = (await net.settlement.getFunction("validatorSetHash")()) as string;
    // Only the genesis set so far (installed by initialize).
    const before = await setUpdates(net);
    t.is(before.length, 1);
    t.is(before[0]!.totalPower, 400n, "four validators of power 100");

    const rows = JSON.parse(await runCliOk(["query", "staking", "validators", "--output", "json", ...keys])) as {
      validators: { operator_address: string; moniker: string }[];
    };
    const target = rows.validators.find((v) => v.moniker === "node0")!;
    // 250 more power: node0 has 350 of 650, so the other three (300) are no longer > 2/3.
    const out = JSON.parse(
      await runCliOk([
        "tx",
        "staking",
        "delegate",
        target.operator_address,
        "250000000ustrike",
        "--from",
        "alice",
        "--fees",
        "5000ustrike",
        "--yes",
        "--output",
        "json",
        ...keys,
      ]),
    ) as { height: number };
    const delegatedAt = BigInt(out.height);

    // The checkpoint of the delegation's own height already names the new set: the staking
    // powers the set is read from change in that block.
    const update = await eventually(
      async () => (await setUpdates(net)).find((u) => u.height >= delegatedAt),
      600_000,
      "the new set on L1",
    );
    t.is(update.totalPower, 650n, "the new powers reached the contract");
    t.is(update.members, 4n);
    // The set L1 installed is exactly the one the chain's checkpoint at the change names.
    const source = createStrikeSource(node);
    const [cp] = await source.checkpointsAfter(update.height - 1n, 1);
    t.is(cp!.checkpoint!.height, update.height);
    t.true(cp!.checkpoint!.nextValidatorSet.length > 0, "the chain recorded this checkpoint as a set change");
    t.is(keccak256(cp!.checkpoint!.nextValidatorSet), update.hash);
    t.is(hexlify(cp!.checkpoint!.nextValidatorSetHash), update.hash);
    // It was signed by the old set: its signers' set is the genesis powers.
    t.deepEqual(
      cp!.checkpoint!.signersSet.map((m) => m.power),
      [100n, 100n, 100n, 100n],
    );
    t.not(update.hash, genesisHash);

    // Later checkpoints land under the new set: the contract checks every signature blob
    // against the stored set hash, and with node0 at 350/650 none passes without it.
    const later = await eventually(
      async () => {
        const [h] = (await net.settlement.getFunction("lastCheckpoint")()) as [bigint];
        return h >= update.height + 20n ? h : undefined;
      },
      600_000,
      "two more checkpoints after the change",
    );
    t.is((await net.settlement.getFunction("validatorSetHash")()) as string, update.hash);
    const landedAfter = await net.settlement.queryFilter(
      net.settlement.filters.Checkpointed!(),
      update.l1Block + 1,
      "latest",
    );
    t.true(landedAfter.length >= 2, "checkpoints accepted after the update");
    const chainAfter = await source.checkpointsAfter(update.height, 10);
    const next = chainAfter.find((c) => c.checkpoint!.height <= later && c.checkpoint!.completedAt > 0n)!;
    t.deepEqual(
      next.checkpoint!.signersSet.map((m) => m.power).sort((a, b) => (a < b ? -1 : 1)),
      [100n, 100n, 100n, 350n],
      "signed as the new set",
    );
    t.true(next.checkpoint!.signedPower * 3n > next.checkpoint!.totalPower * 2n);
    t.is(next.checkpoint!.totalPower, 650n);
    // No second set update for the same change, and no checkpoint landed twice.
    t.is((await setUpdates(net)).length, 2);
    const heights = (await net.settlement.queryFilter(net.settlement.filters.Checkpointed!(), 0, "latest")).map((e) =>
      BigInt((e as unknown as { args: [bigint] }).args[0]),
    );
    t.deepEqual(heights, [...new Set(heights)]);
  },
);
