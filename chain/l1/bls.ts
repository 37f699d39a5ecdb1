/**
 * The BLS scheme's inputs to BlsSettlement: keys and signatures on BLS12-381 (public keys
 * in G1, signatures in G2, as Ethereum's consensus layer), in the EIP-2537 precompile
 * encoding the contract reads, a proof of possession for registering a key, and the
 * signatures blob with its signer bitmap.
 */
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { AbiCoder, getBytes, keccak256, solidityPacked } from "ethers";
import { l1Errors } from "./errors.js";

export const SIGNATURE_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
export const POP_DST = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

type G1Point = ReturnType<typeof bls12_381.longSignatures.getPublicKey>;
type G2Point = ReturnType<typeof bls12_381.longSignatures.sign>;

const scheme = bls12_381.longSignatures;
const abi = AbiCoder.defaultAbiCoder();

export interface BlsMember {
  /** 128-byte EIP-2537 G1 encoding, 0x hex. */
  publicKey: string;
  power: bigint;
}

function fp(v: bigint): string {
  return v.toString(16).padStart(128, "0");
}

export function g1ToEip2537(p: G1Point): string {
  if (p.is0()) return "0x" + "0".repeat(256);
  const { x, y } = p.toAffine();
  return "0x" + fp(x) + fp(y);
}

export function g2ToEip2537(p: G2Point): string {
  if (p.is0()) return "0x" + "0".repeat(512);
  const { x, y } = p.toAffine();
  return "0x" + fp(x.c0) + fp(x.c1) + fp(y.c0) + fp(y.c1);
}

/** A BLS secret key from 48 bytes of seed material (deterministic for tests and genesis). */
export function blsSecretKeyFromSeed(seed: Uint8Array): Uint8Array {
  if (seed.length !== 48) throw l1Errors.invalidKey("a BLS key seed is 48 bytes");
  return bls12_381.utils.randomSecretKey(seed);
}

export function blsPublicKey(secretKey: Uint8Array): string {
  return g1ToEip2537(scheme.getPublicKey(secretKey));
}

/** A signature by the key over its own 128-byte encoding, hashed with POP_DST (registerKey). */
export function blsProofOfPossession(secretKey: Uint8Array): string {
  const message = getBytes(blsPublicKey(secretKey));
  return g2ToEip2537(scheme.sign(scheme.hash(message, POP_DST), secretKey));
}

export function blsSignDigest(digest: string, secretKey: Uint8Array): G2Point {
  return scheme.sign(scheme.hash(getBytes(digest), SIGNATURE_DST), secretKey);
}

/** Members in the contract's order: ascending keccak256(publicKey). */
export function sortBlsMembers(members: readonly BlsMember[]): BlsMember[] {
  const keyed = members.map((m) => ({ m, h: BigInt(keccak256(m.publicKey)) }));
  keyed.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  return keyed.map((k) => k.m);
}

/** abi.encode(bytes[] publicKeys, uint64[] powers), in the order given. */
export function encodeBlsValidatorSet(members: readonly BlsMember[]): string {
  return abi.encode(["bytes[]", "uint64[]"], [members.map((m) => m.publicKey), members.map((m) => m.power)]);
}

/** keccak256(publicKey || uint64 power): what the contract stores per member. */
export function blsMemberHash(m: BlsMember): string {
  return keccak256(solidityPacked(["bytes", "uint64"], [m.publicKey, m.power]));
}

export interface BlsSignatures {
  bitmap: bigint;
  /** Aggregate G2 signature, 256-byte EIP-2537 encoding. */
  signature: string;
  nonSigners: BlsMember[];
}

export function encodeBlsSignatures(s: BlsSignatures): string {
  return abi.encode(
    ["uint256", "bytes", "bytes[]", "uint64[]"],
    [s.bitmap, s.signature, s.nonSigners.map((m) => m.publicKey), s.nonSigners.map((m) => m.power)],
  );
}

/**
 * Aggregates the signatures of the members at `signerIndices` over `digest`; the bitmap
 * marks them and the others go in as non-signers. `keys[i]` is member i's secret key.
 */
export function signCheckpointBls(
  digest: string,
  members: readonly BlsMember[],
  keys: readonly Uint8Array[],
  signerIndices: readonly number[],
): BlsSignatures {
  const signing = new Set(signerIndices);
  let bitmap = 0n;
  const sigs: G2Point[] = [];
  const nonSigners: BlsMember[] = [];
  members.forEach((m, i) => {
    if (!signing.has(i)) {
      nonSigners.push(m);
      return;
    }
    const key = keys[i];
    if (key === undefined) throw l1Errors.invalidSigners(`no key for member ${i}`);
    bitmap |= 1n << BigInt(i);
    sigs.push(blsSignDigest(digest, key));
  });
  if (sigs.length === 0) throw l1Errors.invalidSigners("no signer");
  return { bitmap, signature: g2ToEip2537(scheme.aggregateSignatures(sigs)), nonSigners };
}

const FP_BYTES = 64;

function fpAt(b: Uint8Array, i: number): bigint {
  const chunk = b.subarray(i * FP_BYTES, (i + 1) * FP_BYTES);
  // EIP-2537 pads each 48-byte field element to 64 bytes with 16 zero bytes; the precompile refuses anything else.
  if (chunk.subarray(0, 16).some((x) => x !== 0))
    throw l1Errors.invalidKey("a field element's top 16 bytes must be zero");
  return BigInt("0x" + Buffer.from(chunk).toString("hex"));
}

/**
 * A G1 point from its 128-byte EIP-2537 encoding, checked on the curve and in the
 * prime-order subgroup (what the precompiles check); the infinity point is refused, since
 * it is no key. Throws l1Errors.invalidKey.
 */
export function g1FromEip2537(b: Uint8Array): G1Point {
  if (b.length !== 2 * FP_BYTES) throw l1Errors.invalidKey(`a G1 point is 128 bytes, got ${b.length}`);
  const x = fpAt(b, 0);
  const y = fpAt(b, 1);
  if (x === 0n && y === 0n) throw l1Errors.invalidKey("the point at infinity");
  const order = bls12_381.fields.Fp.ORDER;
  if (x >= order || y >= order) throw l1Errors.invalidKey("a coordinate is not below the field order");
  try {
    const p = bls12_381.G1.Point.fromAffine({ x, y });
    p.assertValidity();
    return p;
  } catch (e) {
    throw l1Errors.invalidKey(`not a G1 subgroup point: ${(e as Error).message}`);
  }
}

/** A G2 point from its 256-byte EIP-2537 encoding, checked like g1FromEip2537 (infinity refused). */
export function g2FromEip2537(b: Uint8Array): G2Point {
  if (b.length !== 4 * FP_BYTES) throw l1Errors.invalidKey(`a G2 point is 256 bytes, got ${b.length}`);
  const [x0, x1, y0, y1] = [0, 1, 2, 3].map((i) => fpAt(b, i)) as [bigint, bigint, bigint, bigint];
  if (x0 === 0n && x1 === 0n && y0 === 0n && y1 === 0n) throw l1Errors.invalidKey("the point at infinity");
  const order = bls12_381.fields.Fp.ORDER;
  if ([x0, x1, y0, y1].some((v) => v >= order)) throw l1Errors.invalidKey("a coordinate is not below the field order");
  try {
    const Fp2 = bls12_381.fields.Fp2;
    const p = bls12_381.G2.Point.fromAffine({ x: Fp2.create({ c0: x0, c1: x1 }), y: Fp2.create({ c0: y0, c1: y1 }) });
    p.assertValidity();
    return p;
  } catch (e) {
    throw l1Errors.invalidKey(`not a G2 subgroup point: ${(e as Error).message}`);
  }
}

/** Whether `signature` (256-byte G2) is `publicKey`'s (128-byte G1) over `digest`, as BlsSettlement checks it. */
export function blsVerifyDigest(digest: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  const sig = g2FromEip2537(signature);
  const key = g1FromEip2537(publicKey);
  return scheme.verify(sig, scheme.hash(digest, SIGNATURE_DST), key);
}

/** Whether `proof` proves possession of `publicKey` exactly as BlsSettlement.registerKey checks it. */
export function blsVerifyProofOfPossession(publicKey: Uint8Array, proof: Uint8Array): boolean {
  const sig = g2FromEip2537(proof);
  const key = g1FromEip2537(publicKey);
  return scheme.verify(sig, scheme.hash(publicKey, POP_DST), key);
}

/** The sum of 256-byte G2 signatures, encoded the same way (the relayer's aggregate). */
export function aggregateBlsSignatures(signatures: readonly Uint8Array[]): string {
  if (signatures.length === 0) throw l1Errors.invalidSigners("no signature to aggregate");
  return g2ToEip2537(scheme.aggregateSignatures(signatures.map(g2FromEip2537)));
}
