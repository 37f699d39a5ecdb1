/**
 * The checkpoint module under the "bls" scheme: BLS keys registered with a proof of
 * possession (checked as BlsSettlement checks it), each signature verified against the
 * member's key over the checkpoint's digest, more than 2/3 of the power to complete, and
 * the relayer's aggregate of the collected signatures verifying against the signers' keys.
 */
import test from "ava";
import { getBytes, hexlify } from "ethers";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import {
  QueryBlsKeyRequest,
  QueryBlsKeyResponse,
} from "../../../../chain/codec/generated/strike/checkpoint/v1/query.js";
import {
  MsgForgedCheckpoint,
  MsgRegisterBlsKey,
  MsgSignCheckpoint,
} from "../../../../chain/codec/generated/strike/checkpoint/v1/tx.js";
import {
  SIGNATURE_DST,
  blsProofOfPossession,
  blsPublicKey,
  g1FromEip2537,
  g2FromEip2537,
} from "../../../../chain/l1/bls.js";
import { signCheckpointDigest, signCheckpointDigestBls } from "../../../../app/checkpointSigner.js";
import {
  BLS_VERIFY_GAS,
  blsRegistrationDigest,
  checkpointErrors,
  digestOf,
  setGenesisCheckpointScheme,
  validateCheckpointGenesis,
} from "../../../../modules/checkpoint/index.js";
import { checkpointQueryRoutes } from "../../../../modules/checkpoint/queryServer.js";
import { blsCheckpointCall, blsL1SetOf } from "../../../../relayer/index.js";
import { AbiCoder } from "ethers";
import {
  CHAIN_ID,
  L1_CHAIN_ID,
  SETTLEMENT,
  STRIKE,
  addr,
  blsSecret,
  createCheckpointChain,
  ethWallet,
  type CheckpointChain,
} from "./fixture.js";

const blsChain = (blsKeys?: number[]) =>
  createCheckpointChain({
    validators: [
      { operator: 1, strike: 100n },
      { operator: 2, strike: 100n },
      { operator: 3, strike: 100n },
    ],
    scheme: "bls",
    ...(blsKeys === undefined ? {} : { withBlsKeys: blsKeys }),
  });

function blsSignMsg(c: CheckpointChain, height: bigint, validator: number, signature?: Uint8Array) {
  const cp = c.checkpoint.checkpoint(c.ctx(), height)!;
  return {
    typeUrl: "/strike.checkpoint.v1.MsgSignCheckpoint",
    value: MsgSignCheckpoint.encode({
      submitter: addr(7),
      height,
      validator: addr(validator),
      signature: signature ?? signCheckpointDigestBls(cp.digest, blsSecret(validator)),
    }).finish(),
  };
}

/** The key's signature binding it to `operator` (the registration's operator by default). */
function bindingSig(key: number, operator: number): Uint8Array {
  return signCheckpointDigestBls(blsRegistrationDigest(CHAIN_ID, addr(operator)), blsSecret(key));
}

function registerBlsMsg(operator: number, key: number, proofKey = key, binding = bindingSig(key, operator)) {
  return {
    typeUrl: "/strike.checkpoint.v1.MsgRegisterBlsKey",
    value: MsgRegisterBlsKey.encode({
      operator: addr(operator),
      publicKey: getBytes(blsPublicKey(blsSecret(key))),
      proofOfPossession: getBytes(blsProofOfPossession(blsSecret(proofKey))),
      operatorSignature: binding,
    }).finish(),
  };
}

test("bls: exactly 2/3 of the power does not complete a checkpoint; the third signer does, and the relayer's aggregate verifies", (t) => {
  const c = blsChain();
  c.blocks(6);
  const cp = c.checkpoint.checkpoint(c.ctx(), 5n)!;
  t.is(cp.signersSet.filter((m) => m.blsPublicKey.length === 128).length, 3);
  const [r1, r2] = c.block([blsSignMsg(c, 5n, 1), blsSignMsg(c, 5n, 2)]);
  t.true(r1!.ok && r2!.ok, String(r1!.error ?? r2!.error));
  let now = c.checkpoint.checkpoint(c.ctx(), 5n)!;
  t.is(now.signedPower * 3n, now.totalPower * 2n);
  t.is(now.completedAt, 0n, "exactly 2/3 is not enough");
  // Were it relayed now: the missing member goes in as the one non-signer, its bit clear.
  const partial = blsCheckpointCall({ checkpoint: now, signatures: c.checkpoint.signaturesOf(c.ctx(), 5n) });
  const [partialBitmap, , partialNonSigners] = AbiCoder.defaultAbiCoder().decode(
    ["uint256", "bytes", "bytes[]", "uint64[]"],
    partial.signatures,
  ) as unknown as [bigint, string, string[]];
  const missing = blsL1SetOf({ checkpoint: now, signatures: [] }).findIndex(
    (m) => m.publicKey === blsPublicKey(blsSecret(3)),
  );
  t.is(partialBitmap, 0b111n & ~(1n << BigInt(missing)));
  t.deepEqual([...partialNonSigners], [blsPublicKey(blsSecret(3))]);
  const [r3] = c.block([blsSignMsg(c, 5n, 3)]);
  t.true(r3!.ok, String(r3!.error));
  now = c.checkpoint.checkpoint(c.ctx(), 5n)!;
  t.true(now.completedAt > 0n);

  // What the relayer submits: every member signed, so an empty non-signer list and a
  // full bitmap; the aggregate is the signers' keys' signature over the digest.
  const call = blsCheckpointCall({ checkpoint: now, signatures: c.checkpoint.signaturesOf(c.ctx(), 5n) });
  const [bitmap, aggregate, nonSignerKeys] = AbiCoder.defaultAbiCoder().decode(
    ["uint256", "bytes", "bytes[]", "uint64[]"],
    call.signatures,
  ) as unknown as [bigint, string, string[]];
  t.is(bitmap, 0b111n);
  t.is(nonSignerKeys.length, 0);
  const key = now.signersSet.map((m) => g1FromEip2537(m.blsPublicKey)).reduce((a, b) => a.add(b));
  const scheme = bls12_381.longSignatures;
  t.true(scheme.verify(g2FromEip2537(getBytes(aggregate)), scheme.hash(now.digest, SIGNATURE_DST), key));
});

test("bls: a signature over the wrong digest, by another validator's key, malformed, ECDSA-shaped or a duplicate is refused and changes nothing", (t) => {
  const c = blsChain();
  c.blocks(11);
  const cp10 = c.checkpoint.checkpoint(c.ctx(), 10n)!;
  const five = c.checkpoint.checkpoint(c.ctx(), 5n)!;
  t.true(c.block([blsSignMsg(c, 10n, 1)])[0]!.ok);
  const before = c.snapshot();
  const notOnCurve = new Uint8Array(256);
  notOnCurve[63] = 1;
  for (const [name, msg, error] of [
    [
      "over checkpoint 5's digest",
      blsSignMsg(c, 10n, 2, signCheckpointDigestBls(five.digest, blsSecret(2))),
      checkpointErrors.wrongBlsSigner,
    ],
    [
      "by validator 3's key",
      blsSignMsg(c, 10n, 2, signCheckpointDigestBls(cp10.digest, blsSecret(3))),
      checkpointErrors.wrongBlsSigner,
    ],
    ["not a curve point", blsSignMsg(c, 10n, 2, notOnCurve), checkpointErrors.badSignature],
    [
      "an ECDSA signature",
      blsSignMsg(c, 10n, 2, signCheckpointDigest(cp10.digest, ethWallet(2).privateKey)),
      checkpointErrors.badSignature,
    ],
    ["validator 1 again", blsSignMsg(c, 10n, 1), checkpointErrors.duplicateSignature],
  ] as const) {
    const r = c.deliver(msg);
    t.false(r.ok, name);
    t.true(error.is(r.error), `${name}: ${String(r.error)}`);
  }
  t.is(c.snapshot(), before);
  t.is(c.checkpoint.checkpoint(c.ctx(), 10n)!.signedPower, 100n);
});

test("bls: a BLS key is registered once, with its own proof of possession, by a validator", (t) => {
  const c = blsChain([1, 2]);
  c.blocks(1);
  const before = c.snapshot();
  const infinity = {
    typeUrl: "/strike.checkpoint.v1.MsgRegisterBlsKey",
    value: MsgRegisterBlsKey.encode({
      operator: addr(3),
      publicKey: new Uint8Array(128),
      proofOfPossession: getBytes(blsProofOfPossession(blsSecret(3))),
      operatorSignature: bindingSig(3, 3),
    }).finish(),
  };
  for (const [name, msg, error] of [
    ["proof by another key", registerBlsMsg(3, 3, 4), checkpointErrors.badBlsProof],
    // Validator 3 copies validator 4's registration (key, proof, binding) from the mempool.
    [
      "a registration copied from another operator",
      registerBlsMsg(3, 4, 4, bindingSig(4, 4)),
      checkpointErrors.badBlsProof,
    ],
    ["binding signed by another key", registerBlsMsg(3, 3, 3, bindingSig(4, 3)), checkpointErrors.badBlsProof],
    ["no binding", registerBlsMsg(3, 3, 3, new Uint8Array()), checkpointErrors.badBlsProof],
    ["the infinity key", infinity, checkpointErrors.badBlsKey],
    ["validator 1's key", registerBlsMsg(3, 1), checkpointErrors.blsKeyTaken],
    ["validator 1 again", registerBlsMsg(1, 5), checkpointErrors.blsKeyAlreadySet],
    ["not a validator", registerBlsMsg(6, 6), checkpointErrors.notValidator],
  ] as const) {
    const r = c.deliver(msg);
    t.false(r.ok, name);
    t.true(error.is(r.error), `${name}: ${String(r.error)}`);
  }
  t.is(c.snapshot(), before);
  // Validator 3 had no key: it could not sign, and registering one changes the set on L1.
  const r = c.block([registerBlsMsg(3, 3)])[0]!;
  t.true(r.ok, String(r.error));
  t.is(hexlify(c.checkpoint.blsKey(c.ctx(), addr(3))!.publicKey), blsPublicKey(blsSecret(3)));
  c.blocks(1);
  const cp = c.checkpoint.checkpoint(c.ctx(), c.checkpoint.latestHeight(c.ctx())!)!;
  t.true(cp.nextValidatorSet.length > 0, "a key registered later is a set change for the contract");
});

test("bls: a validator without a BLS key cannot sign, and the genesis refuses a bad proof or an unknown scheme", (t) => {
  const c = blsChain([1, 2]);
  c.blocks(6);
  const r = c.deliver(blsSignMsg(c, 5n, 3));
  t.true(checkpointErrors.noBlsKey.is(r.error), String(r.error));
  const key = blsPublicKey(blsSecret(1));
  t.throws(
    () =>
      validateCheckpointGenesis({
        bls_keys: [{ operator: addr(1), public_key: key, proof_of_possession: blsProofOfPossession(blsSecret(2)) }],
      }),
    { message: /bls_keys\[0\]\.proof_of_possession/ },
  );
  t.throws(() => validateCheckpointGenesis(setGenesisCheckpointScheme(undefined, "schnorr" as "bls")), {
    message: /scheme/,
  });
});

test("bls: the BlsKey query finds a registration by operator or by key, with the proof of possession L1's registerKey takes", (t) => {
  const c = blsChain([1, 2]);
  c.blocks(1);
  const route = checkpointQueryRoutes(c.checkpoint).find((r) => r.path.endsWith("/BlsKey"))!;
  const ctx = c.ctx();
  const ask = (req: { operator?: string; publicKey?: Uint8Array }) =>
    QueryBlsKeyResponse.decode(
      route.handle(
        { kv: (storeKey) => ctx.kv(storeKey), height: 0n },
        QueryBlsKeyRequest.encode({ operator: "", publicKey: new Uint8Array(), ...req }).finish(),
      ),
    );
  const byOperator = ask({ operator: addr(2) }).key!;
  t.is(byOperator.operator, addr(2));
  t.is(hexlify(byOperator.publicKey), blsPublicKey(blsSecret(2)));
  t.is(hexlify(byOperator.proofOfPossession), blsProofOfPossession(blsSecret(2)));
  const byKey = ask({ publicKey: getBytes(blsPublicKey(blsSecret(2))) }).key!;
  t.deepEqual(byKey, byOperator);
  t.throws(() => ask({ operator: addr(3) }), { message: /NotFound/ }, "validator 3 registered no key");
  t.throws(() => ask({ publicKey: getBytes(blsPublicKey(blsSecret(9))) }), { message: /NotFound/ });
  t.throws(() => ask({}), { message: /exactly one of operator and public_key/ });
  t.throws(() => ask({ operator: addr(2), publicKey: getBytes(blsPublicKey(blsSecret(2))) }), {
    message: /exactly one/,
  });
  t.throws(() => ask({ publicKey: new Uint8Array(48) }), { message: /128 bytes/ });
});

/** Checkpoint 10's fields with this app hash, BLS-signed by `key` and reported against `validator`. */
function blsForgedReport(c: CheckpointChain, validator: number, appHash: Uint8Array, key = validator) {
  const cp = c.checkpoint.checkpoint(c.ctx(), 10n)!;
  const fields = { ...cp, appHash };
  const digest = digestOf({ l1ChainId: L1_CHAIN_ID, settlement: SETTLEMENT, strikeChainId: CHAIN_ID }, fields);
  const signed = {
    height: cp.height,
    appHash,
    blockHash: cp.blockHash,
    withdrawalRoot: cp.withdrawalRoot,
    exitRoot: cp.exitRoot,
    creditedDepositNonce: cp.creditedDepositNonce,
    nextValidatorSetHash: cp.nextValidatorSetHash,
    signature: signCheckpointDigestBls(digest, blsSecret(key)),
  };
  return {
    typeUrl: "/strike.checkpoint.v1.MsgForgedCheckpoint",
    value: MsgForgedCheckpoint.encode({ submitter: addr(7), validator: addr(validator), signed }).finish(),
  };
}

test("bls: a BLS signature over a digest that is not the chain's checkpoint is slashed after one pairing check; the real digest and another key's signature are refused", (t) => {
  const c = blsChain();
  c.blocks(11);
  const cp = c.checkpoint.checkpoint(c.ctx(), 10n)!;
  const before = c.snapshot();
  const real = c.deliver(blsForgedReport(c, 2, cp.appHash));
  t.true(checkpointErrors.notForged.is(real.error), String(real.error));
  t.true(real.gasUsed < BLS_VERIFY_GAS, "refused before the pairing check");
  const forgedRoot = new Uint8Array(32).fill(7);
  const otherKey = c.deliver(blsForgedReport(c, 2, forgedRoot, 3));
  t.true(checkpointErrors.wrongBlsSigner.is(otherKey.error), String(otherKey.error));
  t.true(otherKey.gasUsed >= BLS_VERIFY_GAS, "a failed pairing check is paid for too");
  t.is(c.snapshot(), before);
  const r = c.deliver(blsForgedReport(c, 2, forgedRoot));
  t.true(r.ok, String(r.error));
  t.true(r.gasUsed >= BLS_VERIFY_GAS, `gas ${r.gasUsed}`);
  const v = c.staking.validator(c.ctx(), addr(2))!;
  t.is(v.tokens, 95n * STRIKE);
  t.true(v.jailed);
});
