/** checkpoint state: params, checkpoints and their signatures, Ethereum keys, the signing set. */
import {
  BlsKey as BlsKeyProto,
  Checkpoint as CheckpointProto,
  Params as ParamsProto,
  SigningSet,
  type BlsKey,
  type Checkpoint,
  type SetMember,
} from "../../chain/codec/generated/strike/checkpoint/v1/checkpoint.js";
import { addressToBech32, bech32ToAddressBytes } from "../../chain/crypto/address.js";
import { Collection, Item, bytesCodec, u64Codec, type Codec } from "../../chain/runtime/collection.js";
import { concatBytes, readU64be, u64be } from "../../chain/types/bytes.js";
import { decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import {
  BLS_KEYS_PREFIX,
  BLS_OWNERS_PREFIX,
  CHECKPOINTS_PREFIX,
  EQUIVOCATIONS_PREFIX,
  ETH_KEYS_PREFIX,
  ETH_OWNERS_PREFIX,
  LATEST_KEY,
  PRUNED_BELOW_KEY,
  PARAMS_KEY,
  SIGNATURES_PREFIX,
  SIGNING_SET_KEY,
  STORE_KEY,
} from "./keys.js";
import { encodeMessage } from "../../chain/codec/encode.js";

export type { BlsKey, Checkpoint, SetMember };

export type CheckpointScheme = "ecdsa" | "bls";
export const CHECKPOINT_SCHEMES: readonly CheckpointScheme[] = ["ecdsa", "bls"];

export interface CheckpointParams {
  interval: bigint;
  /** 0 with an empty `settlementAddress`: no L1 domain, checkpoints are recorded unsigned. */
  l1ChainId: bigint;
  /** 0x-prefixed, checksummed or lower case; "" when unset. */
  settlementAddress: string;
  /** Which key signs checkpoints, and so which settlement contract they are for. */
  scheme: CheckpointScheme;
  slashFractionEquivocation: Dec;
  /** Plain checkpoints more than this many heights below the newest are pruned (0: never). */
  keepHeights: bigint;
}

export const DEFAULT_CHECKPOINT_PARAMS: Readonly<CheckpointParams> = {
  interval: 10n,
  l1ChainId: 0n,
  settlementAddress: "",
  scheme: "ecdsa",
  slashFractionEquivocation: decFromString("0.05"),
  keepHeights: 100_000n,
};

const addressCodec: Codec<string> = { encode: (a) => bech32ToAddressBytes(a), decode: (b) => addressToBech32(b) };

const paramsCodec: Codec<CheckpointParams> = {
  encode: (p) =>
    encodeMessage(ParamsProto, {
      interval: p.interval,
      l1ChainId: p.l1ChainId,
      settlementAddress: p.settlementAddress,
      scheme: p.scheme,
      slashFractionEquivocation: decToString(p.slashFractionEquivocation),
      keepHeights: p.keepHeights,
    }),
  decode: (b) => {
    const p = ParamsProto.decode(b);
    return {
      interval: p.interval,
      l1ChainId: p.l1ChainId,
      settlementAddress: p.settlementAddress,
      scheme: p.scheme === "bls" ? "bls" : "ecdsa",
      slashFractionEquivocation: decFromString(p.slashFractionEquivocation),
      keepHeights: p.keepHeights,
    };
  },
};

const checkpointCodec: Codec<Checkpoint> = {
  encode: (c) => encodeMessage(CheckpointProto, c),
  decode: (b) => CheckpointProto.decode(b),
};

const setCodec: Codec<SetMember[]> = {
  encode: (members) => encodeMessage(SigningSet, { members }),
  decode: (b) => SigningSet.decode(b).members,
};

const heightOperatorCodec: Codec<[bigint, string]> = {
  encode: ([h, op]) => concatBytes(u64be(h), bech32ToAddressBytes(op)),
  decode: (b) => [readU64be(b), addressToBech32(b.subarray(8))],
};

const operatorHeightCodec: Codec<[string, bigint]> = {
  encode: ([op, h]) => concatBytes(bech32ToAddressBytes(op), u64be(h)),
  decode: (b) => [addressToBech32(b.subarray(0, b.length - 8)), readU64be(b, b.length - 8)],
};

// Read every block (the params, the signing set and each member's keys, to see whether the set
// changed): answered from memory (chain/runtime/valueCache.ts), each handed out as its own copy.
const copyMember = (m: SetMember): SetMember => ({
  ...m,
  ethAddress: m.ethAddress.slice(),
  blsPublicKey: m.blsPublicKey.slice(),
});
export const params = new Item<CheckpointParams>(STORE_KEY, PARAMS_KEY, paramsCodec, { copy: (p) => ({ ...p }) });
export const checkpoints = new Collection<bigint, Checkpoint>(STORE_KEY, CHECKPOINTS_PREFIX, u64Codec, checkpointCodec);
/** (height, operator) → 65-byte signature. */
export const signatures = new Collection<[bigint, string], Uint8Array>(
  STORE_KEY,
  SIGNATURES_PREFIX,
  heightOperatorCodec,
  bytesCodec,
);
/** operator → 20-byte Ethereum address. */
export const ethKeys = new Collection<string, Uint8Array>(STORE_KEY, ETH_KEYS_PREFIX, addressCodec, bytesCodec, {
  copy: (b) => b.slice(),
});
/** 20-byte Ethereum address → operator (bech32 as bytes). */
export const ethOwners = new Collection<Uint8Array, string>(STORE_KEY, ETH_OWNERS_PREFIX, bytesCodec, addressCodec);
/** operator → its BLS key and proof of possession. */
export const blsKeys = new Collection<string, BlsKey>(
  STORE_KEY,
  BLS_KEYS_PREFIX,
  addressCodec,
  { encode: (k) => encodeMessage(BlsKeyProto, k), decode: (b) => BlsKeyProto.decode(b) },
  { copy: (k) => ({ ...k, publicKey: k.publicKey.slice(), proofOfPossession: k.proofOfPossession.slice() }) },
);
/** keccak256(128-byte key) → the operator that registered it. */
export const blsOwners = new Collection<Uint8Array, string>(STORE_KEY, BLS_OWNERS_PREFIX, bytesCodec, addressCodec);
export const signingSet = new Item<SetMember[]>(STORE_KEY, SIGNING_SET_KEY, setCodec, {
  copy: (set) => set.map(copyMember),
});
export const latestHeight = new Item<bigint>(STORE_KEY, LATEST_KEY, u64Codec);
/** Pruning's cursor: below it only set-change checkpoints are left, which pruning keeps. */
export const prunedBelow = new Item<bigint>(STORE_KEY, PRUNED_BELOW_KEY, u64Codec);
export const punished = new Collection<[string, bigint], Uint8Array>(
  STORE_KEY,
  EQUIVOCATIONS_PREFIX,
  operatorHeightCodec,
  bytesCodec,
);

export function getParams(src: Parameters<typeof params.get>[0]): CheckpointParams {
  return params.get(src) ?? { ...DEFAULT_CHECKPOINT_PARAMS };
}
