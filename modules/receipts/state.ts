/**
 * receipts state: params, the window of header roots, the (height, sequencer) pairs already
 * punished, and commit–reveal reporting: report commitments waiting for their reveal and the
 * reward claims waiting for their payment, each with a height index that says when it goes.
 */
import {
  HeaderRoots,
  Params,
  ReportCommitment,
  RewardClaim,
} from "../../chain/codec/generated/strike/receipts/v1/receipts.js";
import { Item, type Codec, type StoreSource } from "../../chain/runtime/collection.js";
import { concatBytes, prefixEnd, readU64be, u64be, utf8 } from "../../chain/types/bytes.js";
import { decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import {
  CLAIM_PAYOUT_PREFIX,
  CLAIM_PREFIX,
  COMMITMENT_EXPIRY_PREFIX,
  COMMITMENT_PREFIX,
  COMMITMENT_SEQUENCE_KEY,
  PARAMS_KEY,
  PUNISHED_PREFIX,
  ROOTS_PREFIX,
  STORE_KEY,
} from "./keys.js";
import { encodeMessage } from "../../chain/codec/encode.js";

export { HeaderRoots, ReportCommitment, RewardClaim };

export interface ReceiptsParams {
  /** Heights of roots kept; claims about older heights are refused. */
  window: bigint;
  slashFraction: Dec;
  jail: boolean;
  jailDurationSeconds: bigint;
  tombstone: boolean;
  /** Share of the slashed tokens paid to the reporter. */
  reporterShare: Dec;
  /** Blocks from a report's commitment to its earliest reveal (≥ 1). */
  revealDelay: bigint;
  /** Blocks after its commitment during which a report can be revealed (≥ revealDelay). */
  commitTtl: bigint;
  /** Blocks from a fault's first valid reveal to the reward's payment: an earlier commitment may take it over meanwhile. */
  claimWindow: bigint;
}

export function defaultReceiptsParams(): ReceiptsParams {
  return {
    window: 1_000n,
    slashFraction: decFromString("0.05"),
    jail: true,
    jailDurationSeconds: 86_400n,
    tombstone: true,
    reporterShare: decFromString("0.1"),
    revealDelay: 1n,
    commitTtl: 100n,
    // Two default epochs (16 heights): a sequencer that censors an honest reveal for its
    // whole epoch still cannot keep the reward from the earlier commitment.
    claimWindow: 32n,
  };
}

export function paramsToProto(p: ReceiptsParams): Params {
  return {
    window: p.window,
    slashFraction: decToString(p.slashFraction),
    jail: p.jail,
    jailDurationSeconds: p.jailDurationSeconds,
    tombstone: p.tombstone,
    reporterShare: decToString(p.reporterShare),
    revealDelay: p.revealDelay,
    commitTtl: p.commitTtl,
    claimWindow: p.claimWindow,
  };
}

const paramsCodec: Codec<ReceiptsParams> = {
  encode: (p) => encodeMessage(Params, paramsToProto(p)),
  decode(b) {
    const p = Params.decode(b);
    return {
      window: p.window,
      slashFraction: decFromString(p.slashFraction),
      jail: p.jail,
      jailDurationSeconds: p.jailDurationSeconds,
      tombstone: p.tombstone,
      reporterShare: decFromString(p.reporterShare),
      // Params stored before commit–reveal have no reveal delay (0 is never valid): the defaults apply.
      ...(p.revealDelay === 0n
        ? (({ revealDelay, commitTtl, claimWindow }) => ({ revealDelay, commitTtl, claimWindow }))(
            defaultReceiptsParams(),
          )
        : { revealDelay: p.revealDelay, commitTtl: p.commitTtl, claimWindow: p.claimWindow }),
    };
  },
};
const paramsItem = new Item(STORE_KEY, PARAMS_KEY, paramsCodec);

export function getParams(src: StoreSource): ReceiptsParams {
  return paramsItem.get(src) ?? defaultReceiptsParams();
}
export function setParams(src: StoreSource, p: ReceiptsParams): void {
  paramsItem.set(src, p);
}

const kv = (src: StoreSource) => src.kv(STORE_KEY);
const rootsKey = (height: bigint) => concatBytes(ROOTS_PREFIX, u64be(height));

export function getRoots(src: StoreSource, height: bigint): HeaderRoots | undefined {
  if (height < 0n) return undefined;
  const raw = kv(src).get(rootsKey(height));
  return raw === undefined ? undefined : HeaderRoots.decode(raw);
}
export function setRoots(src: StoreSource, r: HeaderRoots): void {
  kv(src).set(rootsKey(r.height), encodeMessage(HeaderRoots, r));
}
export function deleteRoots(src: StoreSource, height: bigint): void {
  if (height >= 0n) kv(src).delete(rootsKey(height));
}
export function* allRoots(src: StoreSource): IterableIterator<HeaderRoots> {
  for (const [, v] of kv(src).iterator(ROOTS_PREFIX, prefixEnd(ROOTS_PREFIX))) yield HeaderRoots.decode(v);
}

const punishedKey = (height: bigint, consAddress: Uint8Array) =>
  concatBytes(PUNISHED_PREFIX, u64be(height), consAddress);

export function isPunished(src: StoreSource, height: bigint, consAddress: Uint8Array): boolean {
  return kv(src).has(punishedKey(height, consAddress));
}
export function markPunished(src: StoreSource, height: bigint, consAddress: Uint8Array): void {
  kv(src).set(punishedKey(height, consAddress), new Uint8Array(0));
}
/** Forgets the punishments at `height`: claims about it are refused as out of the window anyway. */
export function prunePunished(src: StoreSource, height: bigint): void {
  if (height < 0n) return;
  const start = concatBytes(PUNISHED_PREFIX, u64be(height));
  const store = kv(src);
  const keys = [...store.iterator(start, prefixEnd(start))].map(([k]) => k);
  for (const k of keys) store.delete(k);
}

/** A reporter's bech32 address, length-prefixed so that (reporter, commitment) keys never overlap. */
const reporterKey = (reporter: string) => {
  const b = utf8(reporter);
  return concatBytes(Uint8Array.of(b.length), b);
};
const commitmentKey = (reporter: string, commitment: Uint8Array) =>
  concatBytes(COMMITMENT_PREFIX, reporterKey(reporter), commitment);
const commitmentExpiryKey = (pruneHeight: bigint, reporter: string, commitment: Uint8Array) =>
  concatBytes(COMMITMENT_EXPIRY_PREFIX, u64be(pruneHeight), reporterKey(reporter), commitment);

/** Takes the next commitment sequence (0, 1, 2, …). */
export function nextCommitmentSequence(src: StoreSource): bigint {
  const store = kv(src);
  const raw = store.get(COMMITMENT_SEQUENCE_KEY);
  const seq = raw === undefined ? 0n : readU64be(raw);
  store.set(COMMITMENT_SEQUENCE_KEY, u64be(seq + 1n));
  return seq;
}

export function getCommitment(
  src: StoreSource,
  reporter: string,
  commitment: Uint8Array,
): ReportCommitment | undefined {
  const raw = kv(src).get(commitmentKey(reporter, commitment));
  return raw === undefined ? undefined : ReportCommitment.decode(raw);
}
/** A reporter's commitments still kept (not yet pruned), in commitment-bytes order. */
export function* reporterCommitments(src: StoreSource, reporter: string): IterableIterator<ReportCommitment> {
  const prefix = concatBytes(COMMITMENT_PREFIX, reporterKey(reporter));
  for (const [, v] of kv(src).iterator(prefix, prefixEnd(prefix))) yield ReportCommitment.decode(v);
}
export function hasAnyCommitment(src: StoreSource, reporter: string): boolean {
  const prefix = concatBytes(COMMITMENT_PREFIX, reporterKey(reporter));
  return !kv(src).iterator(prefix, prefixEnd(prefix)).next().done;
}
/** Stores a commitment, forgotten at the end of `pruneHeight`. */
export function setCommitment(src: StoreSource, c: ReportCommitment, pruneHeight: bigint): void {
  kv(src).set(commitmentKey(c.reporter, c.commitment), encodeMessage(ReportCommitment, c));
  kv(src).set(commitmentExpiryKey(pruneHeight, c.reporter, c.commitment), new Uint8Array(0));
}
export function updateCommitment(src: StoreSource, c: ReportCommitment): void {
  kv(src).set(commitmentKey(c.reporter, c.commitment), encodeMessage(ReportCommitment, c));
}
/** Forgets the commitments whose prune height is `height`, in key order. */
export function pruneCommitments(src: StoreSource, height: bigint): void {
  const start = concatBytes(COMMITMENT_EXPIRY_PREFIX, u64be(height));
  const store = kv(src);
  const keys = [...store.iterator(start, prefixEnd(start))].map(([k]) => k);
  for (const k of keys) {
    store.delete(concatBytes(COMMITMENT_PREFIX, k.subarray(start.length)));
    store.delete(k);
  }
}

const claimKey = (height: bigint, consAddress: Uint8Array) => concatBytes(CLAIM_PREFIX, u64be(height), consAddress);
const payoutKey = (payHeight: bigint, height: bigint, consAddress: Uint8Array) =>
  concatBytes(CLAIM_PAYOUT_PREFIX, u64be(payHeight), u64be(height), consAddress);

export function getClaim(src: StoreSource, height: bigint, consAddress: Uint8Array): RewardClaim | undefined {
  const raw = kv(src).get(claimKey(height, consAddress));
  return raw === undefined ? undefined : RewardClaim.decode(raw);
}
/** Stores a claim and (again) its payout entry; the pay height of a claim never changes. */
export function setClaim(src: StoreSource, c: RewardClaim): void {
  kv(src).set(claimKey(c.height, c.sequencerAddress), encodeMessage(RewardClaim, c));
  kv(src).set(payoutKey(c.payHeight, c.height, c.sequencerAddress), new Uint8Array(0));
}
/** Removes and returns the claims to pay at the end of `payHeight`, in key order. */
export function takeClaimsDue(src: StoreSource, payHeight: bigint): RewardClaim[] {
  const start = concatBytes(CLAIM_PAYOUT_PREFIX, u64be(payHeight));
  const store = kv(src);
  const keys = [...store.iterator(start, prefixEnd(start))].map(([k]) => k);
  const due: RewardClaim[] = [];
  for (const k of keys) {
    const rest = k.subarray(start.length);
    const key = concatBytes(CLAIM_PREFIX, rest);
    const raw = store.get(key);
    if (raw !== undefined) due.push(RewardClaim.decode(raw));
    store.delete(key);
    store.delete(k);
  }
  return due;
}
/** Every claim not paid yet, by fault height and sequencer. */
export function* allClaims(src: StoreSource): IterableIterator<RewardClaim> {
  for (const [, v] of kv(src).iterator(CLAIM_PREFIX, prefixEnd(CLAIM_PREFIX))) yield RewardClaim.decode(v);
}
