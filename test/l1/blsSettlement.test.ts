import anyTest, { type TestFn } from "ava";
import { keccak256, type Contract } from "ethers";
import {
  blsProofOfPossession,
  blsPublicKey,
  blsSignDigest,
  encodeBlsSignatures,
  g2ToEip2537,
  signCheckpointBls,
} from "../../chain/l1/bls.js";
import { checkpointDigest } from "../../chain/l1/digest.js";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import {
  blsMembers,
  blsScheme,
  checkpointArgs,
  deploy,
  makeCheckpoint,
  revertName,
  startL1,
  type Deployment,
} from "./fixture.js";
import { registerSettlementRules, type Context } from "./settlementRules.js";

const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  t.context.l1 = await startL1();
});
test.after.always(async (t) => {
  await t.context.l1?.stop();
});

registerSettlementRules(test, blsScheme);

function submitRaw(d: Deployment, height: bigint, blob: string) {
  return d.settlement.getFunction("checkpoint")(...checkpointArgs(makeCheckpoint(height)), blob);
}

function signed(d: Deployment, height: bigint, signers: number[]) {
  const digest = checkpointDigest(d.domain, makeCheckpoint(height));
  return signCheckpointBls(
    digest,
    blsMembers(d.validators),
    d.validators.map((v) => v.blsKey),
    signers,
  );
}

test.serial("bls: one signer's signature aggregated twice does not stand in for a missing signer", async (t) => {
  const d = await deploy(t.context.l1, blsScheme, { powers: [1n, 1n, 1n, 1n] });
  const digest = checkpointDigest(d.domain, makeCheckpoint(1n));
  const s = d.validators.map((v) => blsSignDigest(digest, v.blsKey));
  // The bitmap claims members 0, 1 and 2; member 1 signed twice and member 2 not at all.
  const forged = bls12_381.longSignatures.aggregateSignatures([s[0]!, s[1]!, s[1]!]);
  const blob = encodeBlsSignatures({
    bitmap: 0b0111n,
    signature: g2ToEip2537(forged),
    nonSigners: [blsMembers(d.validators)[3]!],
  });
  t.is(await revertName(submitRaw(d, 1n, blob), d.settlement), "InvalidSignature");
  await (await submitRaw(d, 1n, encodeBlsSignatures(signed(d, 1n, [0, 1, 2])))).wait();
});

test.serial(
  "bls: non-signers must be exactly the clear bits, in member order, with their registered keys and powers",
  async (t) => {
    const d = await deploy(t.context.l1, blsScheme, { powers: [1n, 1n, 1n, 1n, 1n, 1n, 1n] });
    const good = signed(d, 1n, [0, 1, 2, 3, 4]);
    const members = blsMembers(d.validators);
    const cases: [string, typeof good][] = [
      ["NonSignerMismatch", { ...good, nonSigners: [members[6]!, members[5]!] }],
      ["NonSignerMismatch", { ...good, nonSigners: [members[5]!, members[5]!] }],
      ["NonSignerMismatch", { ...good, nonSigners: [members[5]!, { ...members[6]!, power: 0n }] }],
      ["InvalidSignerBitmap", { ...good, nonSigners: [members[5]!] }],
      ["InvalidSignerBitmap", { ...good, nonSigners: [members[5]!, members[6]!, members[0]!] }],
      // Bits above the member count are not members.
      ["InvalidSignerBitmap", { ...good, bitmap: good.bitmap | (1n << 7n) }],
    ];
    for (const [error, blob] of cases) {
      t.is(await revertName(submitRaw(d, 1n, encodeBlsSignatures(blob)), d.settlement), error);
    }
    await (await submitRaw(d, 1n, encodeBlsSignatures(good))).wait();
    t.is(((await d.settlement.getFunction("lastCheckpoint")()) as [bigint])[0], 1n);
  },
);

test.serial("bls: a signature that is not a valid G2 point, or is negated, is refused", async (t) => {
  const d = await deploy(t.context.l1, blsScheme, { powers: [1n, 1n, 1n] });
  const good = signed(d, 1n, [0, 1, 2]);
  const garbage = "0x" + "01".repeat(256);
  t.is(
    await revertName(submitRaw(d, 1n, encodeBlsSignatures({ ...good, signature: garbage })), d.settlement),
    "InvalidSignature",
  );
  const digest = checkpointDigest(d.domain, makeCheckpoint(1n));
  const negated = bls12_381.longSignatures
    .aggregateSignatures(d.validators.map((v) => blsSignDigest(digest, v.blsKey)))
    .negate();
  t.is(
    await revertName(submitRaw(d, 1n, encodeBlsSignatures({ ...good, signature: g2ToEip2537(negated) })), d.settlement),
    "InvalidSignature",
  );
});

test.serial(
  "bls: a key is registered only with its own proof of possession, and never the point at infinity",
  async (t) => {
    const d = await deploy(t.context.l1, blsScheme, { powers: [1n] });
    const register = (c: Contract, pk: string, pop: string) => c.getFunction("registerKey")(pk, pop);
    const [a, b] = blsScheme.makeValidators([1n, 1n], "pop");
    t.false(await d.settlement.getFunction("keyRegistered")(keccak256(a!.id)));
    t.is(
      await revertName(register(d.settlement, a!.id, blsProofOfPossession(b!.blsKey)), d.settlement),
      "InvalidProofOfPossession",
    );
    // A signature by the key over something else is not a proof of possession.
    const other = g2ToEip2537(blsSignDigest("0x" + "00".repeat(32), a!.blsKey));
    t.is(await revertName(register(d.settlement, a!.id, other), d.settlement), "InvalidProofOfPossession");
    t.is(await revertName(register(d.settlement, "0x" + "00".repeat(128), other), d.settlement), "InfinityKey");
    t.is(await revertName(register(d.settlement, a!.id.slice(0, -2), other), d.settlement), "InvalidKeyLength");
    await (await register(d.settlement, a!.id, blsProofOfPossession(a!.blsKey))).wait();
    t.true(await d.settlement.getFunction("keyRegistered")(keccak256(blsPublicKey(a!.blsKey))));
  },
);

test.serial("bls: a validator set with an unregistered key is refused", async (t) => {
  const d = await deploy(t.context.l1, blsScheme, { powers: [1n, 1n, 1n] });
  const next = blsScheme.makeValidators([1n, 1n], "unregistered");
  await blsScheme.register(d.settlement, next.slice(0, 1));
  const encoded = blsScheme.encodeSet(next);
  const cp = makeCheckpoint(1n);
  const digest = checkpointDigest(d.domain, cp, keccak256(encoded));
  const sigs = blsScheme.sign(digest, d.validators, [0, 1, 2]);
  const name = await revertName(
    d.settlement.getFunction("updateValidatorSet")(...checkpointArgs(cp), encoded, sigs),
    d.settlement,
  );
  t.is(name, "KeyNotRegistered");
});
