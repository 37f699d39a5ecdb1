import anyTest, { type TestFn } from "ava";
import { checkpointDigest } from "../../chain/l1/digest.js";
import { encodeEcdsaSignatures, signDigestEcdsa, type EcdsaSignature } from "../../chain/l1/ecdsa.js";
import {
  checkpointArgs,
  deploy,
  ecdsaMembers,
  ecdsaScheme,
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

registerSettlementRules(test, ecdsaScheme);

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function submitRaw(d: Deployment, height: bigint, bitmap: bigint, sigs: EcdsaSignature[]) {
  const cp = makeCheckpoint(height);
  const blob = encodeEcdsaSignatures(ecdsaMembers(d.validators), bitmap, sigs);
  return d.settlement.getFunction("checkpoint")(...checkpointArgs(cp), blob);
}

function sigsOf(d: Deployment, height: bigint, indices: number[]): EcdsaSignature[] {
  const digest = checkpointDigest(d.domain, makeCheckpoint(height));
  return indices.map((i) => signDigestEcdsa(digest, d.validators[i]!.ecdsaKey));
}

test.serial("ecdsa: one signer's signature repeated in another member's place is refused", async (t) => {
  const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const [a, b] = sigsOf(d, 1n, [0, 1]);
  // Two of three signing, one of them twice, would be "3 of 3": the repeat must not count.
  t.is(await revertName(submitRaw(d, 1n, 0b111n, [a!, b!, b!]), d.settlement), "InvalidSignature");
  t.is(await revertName(submitRaw(d, 1n, 0b111n, [a!, a!, b!]), d.settlement), "InvalidSignature");
});

test.serial("ecdsa: signatures out of member order are refused", async (t) => {
  const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const [a, b, c] = sigsOf(d, 1n, [0, 1, 2]);
  t.is(await revertName(submitRaw(d, 1n, 0b111n, [a!, c!, b!]), d.settlement), "InvalidSignature");
  await (await submitRaw(d, 1n, 0b111n, [a!, b!, c!])).wait();
  t.is(((await d.settlement.getFunction("lastCheckpoint")()) as [bigint])[0], 1n);
});

test.serial("ecdsa: a high-s twin of a valid signature is refused", async (t) => {
  const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const [a, b, c] = sigsOf(d, 1n, [0, 1, 2]);
  const twin = {
    ...c!,
    s: "0x" + (SECP256K1_N - BigInt(c!.s)).toString(16).padStart(64, "0"),
    v: c!.v === 27 ? 28 : 27,
  };
  t.is(await revertName(submitRaw(d, 1n, 0b111n, [a!, b!, twin]), d.settlement), "HighS");
});

test.serial("ecdsa: a signature by a key outside the set, or with a bad v, is refused", async (t) => {
  const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const [a, b] = sigsOf(d, 1n, [0, 1]);
  const digest = checkpointDigest(d.domain, makeCheckpoint(1n));
  const stranger = signDigestEcdsa(digest, "0x" + "42".repeat(32));
  t.is(await revertName(submitRaw(d, 1n, 0b111n, [a!, b!, stranger]), d.settlement), "InvalidSignature");
  t.is(await revertName(submitRaw(d, 1n, 0b011n, [a!, { ...b!, v: 29 }]), d.settlement), "InvalidSignature");
});

test.serial(
  "ecdsa: a signature count that does not match the bitmap, or bits beyond the set, are refused",
  async (t) => {
    const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
    const [a, b, c] = sigsOf(d, 1n, [0, 1, 2]);
    t.is(await revertName(submitRaw(d, 1n, 0b011n, [a!, b!, c!]), d.settlement), "MalformedSignatures");
    // A set bit without its signature reads as an empty signature, which recovers no one.
    t.is(await revertName(submitRaw(d, 1n, 0b111n, [a!, b!]), d.settlement), "InvalidSignature");
    t.is(await revertName(submitRaw(d, 1n, 0b1011n, [a!, b!, c!]), d.settlement), "MalformedSignatures");
  },
);

test.serial("ecdsa: a checkpoint carrying another validator set than the committed one is refused", async (t) => {
  const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const members = ecdsaMembers(d.validators).map((m, i) => (i === 0 ? { ...m, power: 100n } : m));
  const cp = makeCheckpoint(1n);
  const blob = encodeEcdsaSignatures(members, 0b001n, sigsOf(d, 1n, [0]));
  t.is(
    await revertName(d.settlement.getFunction("checkpoint")(...checkpointArgs(cp), blob), d.settlement),
    "ValidatorSetMismatch",
  );
  // Fewer members than the set: the hashed prefix is not the committed set.
  const short = encodeEcdsaSignatures(ecdsaMembers(d.validators).slice(0, 2), 0b011n, sigsOf(d, 1n, [0, 1]));
  t.is(
    await revertName(d.settlement.getFunction("checkpoint")(...checkpointArgs(cp), short), d.settlement),
    "ValidatorSetMismatch",
  );
});
