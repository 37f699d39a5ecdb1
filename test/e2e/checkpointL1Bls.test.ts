/**
 * The bls scheme end to end: `strike testnet --checkpoint-scheme bls --l1-rpc` deploys
 * BlsSettlement on a real Hardhat 2 node (prague, EIP-2537) with the genesis validator's
 * BLS key registered by its proof of possession; the validator process signs checkpoints
 * with its BLS key on its own, the chain verifies and collects the signatures, and a
 * relayer process lands the aggregate with its signer bitmap, which the contract accepts.
 * Then a validator joins and registers its BLS key on the chain: the relayer registers that
 * key on L1 with the proof of possession the chain verified, lands the set update, and the
 * next checkpoint verifies against the new set (the newcomer, whose node is not running, is
 * a non-signer whose key and power the contract checks against the new set).
 */
import anyTest, { type TestFn } from "ava";
import { ed25519 } from "@noble/curves/ed25519.js";
import { hexlify, keccak256 } from "ethers";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureBlsKey } from "../../chain/node/blsKey.js";
import { blsSetKeys, createStrikeSource } from "../../relayer/index.js";
import { runCliOk } from "../helpers/localNode.js";
import { eventually, startL1Localnet, type L1Localnet, saveL1LocalnetLogs } from "../helpers/l1Localnet.js";

const test = anyTest as TestFn<{ net: L1Localnet }>;

test.before(async (t) => {
  t.timeout(600_000);
  t.context = { net: await startL1Localnet({ validators: 1, checkpointScheme: "bls" }) };
});

test.after.always(async (t) => {
  const net = t.context.net as L1Localnet | undefined;
  if (net === undefined) return;
  await saveL1LocalnetLogs(net, "checkpointL1Bls");
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

test.serial(
  "bls: a validator joins and registers its BLS key; the relayer registers it on L1 and the next checkpoint verifies with the new set",
  async (t) => {
    t.timeout(600_000);
    const { net } = t.context;
    const common = ["--home", join(net.dir, "node0"), "--keyring-backend", "test", "--node", net.rpcUrls[0]!];
    const joinerKey = ensureBlsKey(join(net.dir, "joiner", "bls_key.json"));
    const consensus = Buffer.from(ed25519.getPublicKey(ed25519.utils.randomSecretKey())).toString("base64");
    t.false(
      (await net.settlement.getFunction("keyRegistered")(keccak256(joinerKey.publicKey))) as boolean,
      "the newcomer's key is unknown to L1 at first",
    );
    // 20 STRIKE beside node0's 100: the chain still commits without the newcomer's node.
    await runCliOk(
      ["tx", "staking", "create-validator", "--amount", "20000000ustrike", "--pubkey", consensus].concat([
        "--moniker",
        "joiner",
        "--from",
        "alice",
        "--yes",
        ...common,
      ]),
    );
    await runCliOk(
      [
        "tx",
        "checkpoint",
        "register-bls-key",
        "--from",
        "alice",
        "--bls-key-file",
        join(net.dir, "joiner", "bls_key.json"),
      ].concat(["--yes", ...common]),
    );
    const source = createStrikeSource(net.rpcUrls[0]!);
    const change = await eventually(
      async () => {
        const cps = await source.checkpointsAfter(0n, 100);
        return cps.find(
          (c) =>
            c.checkpoint!.nextValidatorSet.length > 0 &&
            blsSetKeys(hexlify(c.checkpoint!.nextValidatorSet)).includes(joinerKey.publicKey.toLowerCase()),
        );
      },
      120_000,
      "a checkpoint that changes the set to include the newcomer's key",
    );
    const changeHeight = change.checkpoint!.height;
    const landed = await eventually(
      async () => {
        const [h] = (await net.settlement.getFunction("lastCheckpoint")()) as [bigint];
        return h > changeHeight ? h : undefined;
      },
      300_000,
      `a checkpoint above the set change at ${changeHeight} on L1`,
    );
    t.true(
      (await net.settlement.getFunction("keyRegistered")(keccak256(joinerKey.publicKey))) as boolean,
      "the relayer registered the newcomer's key with its proof of possession",
    );
    t.is(
      (await net.settlement.getFunction("validatorSetHash")()) as string,
      keccak256(change.checkpoint!.nextValidatorSet),
      "the contract holds the set the chain changed to",
    );
    const [after] = await source.checkpointsAfter(landed - 1n, 1);
    t.is(after!.checkpoint!.signersSet.length, 2, "the checkpoint after the change is signed by the new set");
    t.true(
      after!.checkpoint!.signersSet.some((m) => hexlify(m.blsPublicKey) === joinerKey.publicKey.toLowerCase()),
      "the newcomer is a member",
    );
    const updates = await net.settlement.queryFilter(net.settlement.filters.ValidatorSetUpdated!(), 0, "latest");
    t.true(
      updates.some((e) => BigInt((e as unknown as { args: [bigint] }).args[0]) === changeHeight),
      `ValidatorSetUpdated at height ${changeHeight}`,
    );
  },
);
