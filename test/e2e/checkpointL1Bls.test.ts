/**
 * The bls scheme end to end: `strike testnet --checkpoint-scheme bls --l1-rpc` deploys
 * BlsSettlement on a real Hardhat 2 node (prague, EIP-2537) with the genesis validator's
 * BLS key registered by its proof of possession; the validator process signs checkpoints
 * with its BLS key on its own, the chain verifies and collects the signatures, and a
 * relayer process lands the aggregate with its signer bitmap, which the contract accepts.
 */
import anyTest, { type TestFn } from "ava";
import { hexlify, keccak256 } from "ethers";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createStrikeSource } from "../../relayer/index.js";
import { eventually, startL1Localnet, type L1Localnet } from "../helpers/l1Localnet.js";

const test = anyTest as TestFn<{ net: L1Localnet }>;

test.before(async (t) => {
  t.timeout(600_000);
  t.context = { net: await startL1Localnet({ validators: 1, checkpointScheme: "bls" }) };
});

test.after.always(async (t) => {
  const net = t.context.net as L1Localnet | undefined;
  if (net === undefined) return;
  if (process.env.STRIKE_E2E_LOGS !== undefined) {
    const { writeFile } = await import("node:fs/promises");
    for (const p of [...net.nodes, ...net.relayers])
      await writeFile(join(process.env.STRIKE_E2E_LOGS, `checkpointL1Bls-${p.name}.log`), p.log);
  }
  await net.stop();
});

test.serial(
  "bls: the validator's BLS signatures, aggregated by the relayer, land a checkpoint BlsSettlement accepts",
  async (t) => {
    t.timeout(600_000);
    const { net } = t.context;
    const key = JSON.parse(readFileSync(join(net.dir, "node0", "config", "bls_key.json"), "utf8")) as {
      public_key: string;
    };
    t.true(
      (await net.settlement.getFunction("keyRegistered")(keccak256(key.public_key))) as boolean,
      "the genesis key is registered on L1 with its proof of possession",
    );
    await net.startRelayer(1);
    const [height, appHash] = await eventually(
      async () => {
        const l = (await net.settlement.getFunction("lastCheckpoint")()) as [bigint, string, string];
        return l[0] >= 10n ? l : undefined;
      },
      400_000,
      "a checkpoint on L1",
    );
    const source = createStrikeSource(net.rpcUrls[0]!);
    const [cp] = await source.checkpointsAfter(height - 1n, 1);
    t.is(cp!.checkpoint!.height, height);
    t.is(hexlify(cp!.checkpoint!.appHash), appHash, "the chain's app hash after that height");
    t.true(cp!.checkpoint!.completedAt > 0n);
    t.is(cp!.signatures.length, 1);
    t.is(cp!.signatures[0]!.signature.length, 256, "a BLS G2 signature, collected and verified on chain");
    t.is(hexlify(cp!.checkpoint!.signersSet[0]!.blsPublicKey), key.public_key.toLowerCase());
  },
);
