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

function submitRaw(d: Deployment, height: bigint, sigs: EcdsaSignature[]) {
  const cp = makeCheckpoint(height);
  return d.settlement.getFunction("checkpoint")(
    ...checkpointArgs(cp),
    encodeEcdsaSignatures(ecdsaMembers(d.validators), sigs),
  );
}

function sigsOf(d: Deployment, height: bigint, indices: number[]): EcdsaSignature[] {
  const digest = checkpointDigest(d.domain, makeCheckpoint(height));
  return indices.map((i) => signDigestEcdsa(digest, d.validators[i]!.ecdsaKey, i));
}

test.serial("ecdsa: a signer counted twice is refused", async (t) => {
  const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const [a, b] = sigsOf(d, 1n, [0, 1]);
  // Two of three signing twice would be "4 of 3": the repeated signer must not count.
  t.is(await revertName(submitRaw(d, 1n, [a!, b!, b!]), d.settlement), "DuplicateOrUnsortedSignature");
});

test.serial("ecdsa: signatures out of signer order are refused", async (t) => {
  const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const [a, b, c] = sigsOf(d, 1n, [0, 1, 2]);
  t.is(await revertName(submitRaw(d, 1n, [a!, c!, b!]), d.settlement), "DuplicateOrUnsortedSignature");
  await (await submitRaw(d, 1n, [a!, b!, c!])).wait();
});

test.serial("ecdsa: a high-s twin of a valid signature is refused", async (t) => {
  const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const [a, b, c] = sigsOf(d, 1n, [0, 1, 2]);
  const twin = {
    ...c!,
    s: "0x" + (SECP256K1_N - BigInt(c!.s)).toString(16).padStart(64, "0"),
    v: c!.v === 27 ? 28 : 27,
  };
  t.is(await revertName(submitRaw(d, 1n, [a!, b!, twin]), d.settlement), "HighS");
});

test.serial("ecdsa: a signature by a key outside the set, or claimed for another member, is refused", async (t) => {
  const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const [a, b] = sigsOf(d, 1n, [0, 1]);
  const digest = checkpointDigest(d.domain, makeCheckpoint(1n));
  const stranger = signDigestEcdsa(digest, "0x" + "42".repeat(32), 2);
  t.is(await revertName(submitRaw(d, 1n, [a!, b!, stranger]), d.settlement), "InvalidSignature");
  // Member 1's signature presented as member 2's.
  t.is(await revertName(submitRaw(d, 1n, [a!, { ...b!, index: 2 }]), d.settlement), "InvalidSignature");
  t.is(await revertName(submitRaw(d, 1n, [a!, b!, { ...b!, index: 3 }]), d.settlement), "SignerIndexOutOfRange");
  t.is(await revertName(submitRaw(d, 1n, [a!, b!, { ...b!, index: 2, v: 29 }]), d.settlement), "InvalidSignature");
});

test.serial("ecdsa: a checkpoint carrying another validator set than the committed one is refused", async (t) => {
  const d = await deploy(t.context.l1, ecdsaScheme, { powers: [1n, 1n, 1n] });
  const members = ecdsaMembers(d.validators).map((m, i) => (i === 0 ? { ...m, power: 100n } : m));
  const sigs = sigsOf(d, 1n, [0]);
  const cp = makeCheckpoint(1n);
  const name = await revertName(
    d.settlement.getFunction("checkpoint")(...checkpointArgs(cp), encodeEcdsaSignatures(members, sigs)),
    d.settlement,
  );
  t.is(name, "ValidatorSetMismatch");
});
