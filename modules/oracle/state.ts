/** oracle state: params, current prices, feeders' votes, feeder weights and price history. */
import { Params, OraclePrice as OraclePriceProto, Vote } from "../../chain/codec/generated/strike/oracle/v1/oracle.js";
import { addressToBech32, bech32ToAddressBytes } from "../../chain/crypto/address.js";
import {
  Collection,
  Item,
  amountCodec,
  lengthPrefixedUtf8,
  u64Codec,
  type Codec,
} from "../../chain/runtime/collection.js";
import { concatBytes, fromUtf8, readU64be, u64be } from "../../chain/types/bytes.js";
import { decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import {
  FEEDERS_PREFIX,
  HISTORY_PREFIX,
  PARAMS_KEY,
  PRICES_PREFIX,
  STORE_KEY,
  VALIDATOR_FEEDERS_PREFIX,
  VOTES_PREFIX,
} from "./keys.js";
import { encodeMessage } from "../../chain/codec/encode.js";

export interface OracleParams {
  /** A vote counts while `height - voteHeight <= maxVoteAgeBlocks`. */
  maxVoteAgeBlocks: bigint;
  /** A price is stale when `blockTime - priceTime > staleAfterSeconds` (block-header time, never a clock). */
  staleAfterSeconds: bigint;
  /** History older than this many blocks is pruned (the entry in effect at the cut is kept). */
  historyBlocks: bigint;
}

export const DEFAULT_ORACLE_PARAMS: Readonly<OracleParams> = {
  maxVoteAgeBlocks: 10n,
  staleAfterSeconds: 30n,
  historyBlocks: 3600n,
};

/** A price as stored: the value and the block that set it. */
export interface StoredPrice {
  price: Dec;
  height: bigint;
  timeSeconds: bigint;
  /** Set once the price has been announced stale (so the event fires once); a new price clears it. */
  staleAnnounced: boolean;
  /** The height of the first price written after it was announced stale (0n: never stale). */
  freshSince: bigint;
}

export interface StoredVote {
  price: Dec;
  height: bigint;
}

/** The key part that selects one asset (for iterating its votes or history). */
export function assetKeyPart(asset: string): Uint8Array {
  return lengthPrefixedUtf8(asset);
}

function readAsset(b: Uint8Array): [asset: string, rest: Uint8Array] {
  const n = b[0]!;
  return [fromUtf8(b.subarray(1, 1 + n)), b.subarray(1 + n)];
}

const assetCodec: Codec<string> = { encode: assetKeyPart, decode: (b) => readAsset(b)[0] };

const voteKeyCodec: Codec<[string, string]> = {
  encode: ([asset, feeder]) => concatBytes(assetKeyPart(asset), bech32ToAddressBytes(feeder)),
  decode: (b) => {
    const [asset, rest] = readAsset(b);
    return [asset, addressToBech32(rest)];
  },
};

export const historyKeyCodec: Codec<[string, bigint]> = {
  encode: ([asset, height]) => concatBytes(assetKeyPart(asset), u64be(height)),
  decode: (b) => {
    const [asset, rest] = readAsset(b);
    return [asset, readU64be(rest)];
  },
};

const addressCodec: Codec<string> = { encode: (a) => bech32ToAddressBytes(a), decode: (b) => addressToBech32(b) };

const paramsCodec: Codec<OracleParams> = {
  encode: (p) => encodeMessage(Params, p),
  decode: (b) => Params.decode(b),
};

const priceCodec: Codec<StoredPrice> = {
  encode: (p) =>
    encodeMessage(OraclePriceProto, {
      asset: "",
      price: decToString(p.price),
      height: p.height,
      timeSeconds: p.timeSeconds,
      stale: p.staleAnnounced,
      freshSince: p.freshSince,
    }),
  decode: (b) => {
    const p = OraclePriceProto.decode(b);
    return {
      price: decFromString(p.price),
      height: p.height,
      timeSeconds: p.timeSeconds,
      staleAnnounced: p.stale,
      freshSince: p.freshSince,
    };
  },
};

const voteCodec: Codec<StoredVote> = {
  encode: (v) => encodeMessage(Vote, { price: decToString(v.price), height: v.height }),
  decode: (b) => {
    const v = Vote.decode(b);
    return { price: decFromString(v.price), height: v.height };
  },
};

// Read by every order's margin checks: answered from memory (chain/runtime/valueCache.ts).
export const params = new Item<OracleParams>(STORE_KEY, PARAMS_KEY, paramsCodec, { copy: (p) => ({ ...p }) });
export const prices = new Collection<string, StoredPrice>(STORE_KEY, PRICES_PREFIX, assetCodec, priceCodec, {
  copy: (p) => ({ ...p }),
});
export const votes = new Collection<[string, string], StoredVote>(STORE_KEY, VOTES_PREFIX, voteKeyCodec, voteCodec);
export const feeders = new Collection<string, bigint>(STORE_KEY, FEEDERS_PREFIX, addressCodec, u64Codec);
/** Dec raw values as decimal text (amountCodec), keyed by (asset, height). */
export const history = new Collection<[string, bigint], Dec>(STORE_KEY, HISTORY_PREFIX, historyKeyCodec, amountCodec);
/** feeder account → the validator operator it votes for (the operator may also vote itself). */
export const validatorFeeders = new Collection<string, string>(
  STORE_KEY,
  VALIDATOR_FEEDERS_PREFIX,
  addressCodec,
  addressCodec,
);
