/**
 * The risk index in state: which accounts the end block must examine. An account with
 * positions has a safe band per underlying (prices within which it stays above maintenance
 * margin) and a recheck time; accounts change only when their band is crossed, their time
 * comes, or they are marked dirty by a write. All of it is key-ordered state, so every node
 * examines the same accounts in the same order.
 */
import { addressToBech32 } from "../../chain/crypto/address.js";
import { lengthPrefixedUtf8, type StoreSource } from "../../chain/runtime/collection.js";
import { concatBytes, fromUtf8, prefixEnd, toHex, u64be, utf8 } from "../../chain/types/bytes.js";
import {
  BAND_HIGH_PREFIX,
  BAND_LOW_PREFIX,
  BANDS_PREFIX,
  DIRTY_PREFIX,
  RECHECK_PREFIX,
  STORE_KEY,
  WATCHED_PREFIX,
  accountKeyBytes,
} from "./keys.js";
import type { AccountId } from "./keys.js";

const EMPTY = new Uint8Array(0);
const MAX_U128 = (1n << 128n) - 1n;
const kv = (src: StoreSource) => src.kv(STORE_KEY);
const str = (s: string): Uint8Array => lengthPrefixedUtf8(s);

export function accountKeyPart(id: AccountId): Uint8Array {
  return accountKeyBytes(NO_PREFIX, id);
}
const NO_PREFIX = new Uint8Array(0);

/** The account at `at` in a key (length-prefixed address, then the u32 number). */
function accountAt(k: Uint8Array, at: number): AccountId {
  const n = k[at]!;
  const number = new DataView(k.buffer, k.byteOffset, k.byteLength).getUint32(at + 1 + n);
  return { owner: addressToBech32(k.subarray(at + 1, at + 1 + n)), number };
}

function u128be(n: bigint): Uint8Array {
  const v = n < 0n ? 0n : n > MAX_U128 ? MAX_U128 : n;
  return concatBytes(u64be(v >> 64n), u64be(v & ((1n << 64n) - 1n)));
}

/** Accounts gathered from several scans, examined once each and in key order. */
export class AccountSet {
  private readonly byKey = new Map<string, AccountId>();
  add(id: AccountId): void {
    this.byKey.set(toHex(accountKeyPart(id)), id);
  }
  sorted(): AccountId[] {
    return [...this.byKey.keys()].sort().map((k) => this.byKey.get(k)!);
  }
}

// ── dirty and watched accounts ───────────────────────────────────────────────

export function markDirty(src: StoreSource, id: AccountId): void {
  kv(src).set(accountKeyBytes(DIRTY_PREFIX, id), EMPTY);
}
export function collectDirty(src: StoreSource, into: AccountSet): void {
  for (const [k] of kv(src).iterator(DIRTY_PREFIX, prefixEnd(DIRTY_PREFIX))) into.add(accountAt(k, 1));
}
export function clearDirty(src: StoreSource, id: AccountId): void {
  kv(src).delete(accountKeyBytes(DIRTY_PREFIX, id));
}

export function setWatched(src: StoreSource, id: AccountId, watched: boolean): void {
  const key = accountKeyBytes(WATCHED_PREFIX, id);
  if (!watched) kv(src).delete(key);
  else if (!kv(src).has(key)) kv(src).set(key, EMPTY);
}
export function* watchedAccounts(src: StoreSource): IterableIterator<AccountId> {
  for (const [k] of kv(src).iterator(WATCHED_PREFIX, prefixEnd(WATCHED_PREFIX))) yield accountAt(k, 1);
}

// ── safe bands ───────────────────────────────────────────────────────────────

/** Prices (Dec USDC) per underlying within which the account stays above maintenance, until `recheckAt`. */
export interface SafeBand {
  /** Unix seconds; 0 for none (no option positions). */
  recheckAt: bigint;
  ranges: { underlying: string; low: bigint; high: bigint }[];
}

function encodeBand(b: SafeBand): Uint8Array {
  return utf8(`${b.recheckAt}|${b.ranges.map((r) => `${r.underlying},${r.low},${r.high}`).join(";")}`);
}
function decodeBand(raw: Uint8Array): SafeBand {
  const [recheck, rest] = fromUtf8(raw).split("|");
  const ranges =
    rest === undefined || rest === ""
      ? []
      : rest.split(";").map((r) => {
          const [underlying, low, high] = r.split(",");
          return { underlying: underlying!, low: BigInt(low!), high: BigInt(high!) };
        });
  return { recheckAt: BigInt(recheck!), ranges };
}

function lowKey(underlying: string, low: bigint, id: AccountId): Uint8Array {
  return concatBytes(BAND_LOW_PREFIX, str(underlying), u128be(low), accountKeyPart(id));
}
function highKey(underlying: string, high: bigint, id: AccountId): Uint8Array {
  return concatBytes(BAND_HIGH_PREFIX, str(underlying), u128be(high), accountKeyPart(id));
}
function recheckKey(at: bigint, id: AccountId): Uint8Array {
  return concatBytes(RECHECK_PREFIX, u64be(at), accountKeyPart(id));
}

/** Removes an account's band and its index entries. */
export function clearBand(src: StoreSource, id: AccountId): void {
  const key = accountKeyBytes(BANDS_PREFIX, id);
  const raw = kv(src).get(key);
  if (raw === undefined) return;
  const band = decodeBand(raw);
  for (const r of band.ranges) {
    kv(src).delete(lowKey(r.underlying, r.low, id));
    kv(src).delete(highKey(r.underlying, r.high, id));
  }
  if (band.recheckAt !== 0n) kv(src).delete(recheckKey(band.recheckAt, id));
  kv(src).delete(key);
}

export function setBand(src: StoreSource, id: AccountId, band: SafeBand): void {
  clearBand(src, id);
  kv(src).set(accountKeyBytes(BANDS_PREFIX, id), encodeBand(band));
  for (const r of band.ranges) {
    kv(src).set(lowKey(r.underlying, r.low, id), EMPTY);
    kv(src).set(highKey(r.underlying, r.high, id), EMPTY);
  }
  if (band.recheckAt !== 0n) kv(src).set(recheckKey(band.recheckAt, id), EMPTY);
}

/** Accounts whose recheck time has come. */
export function collectDueRechecks(src: StoreSource, seconds: bigint, into: AccountSet): void {
  const end = concatBytes(RECHECK_PREFIX, u64be(seconds + 1n));
  for (const [k] of kv(src).iterator(RECHECK_PREFIX, end)) into.add(accountAt(k, 1 + 8));
}

/** The underlyings that have bands, in key order (one seek each). */
export function bandedUnderlyings(src: StoreSource): string[] {
  const out: string[] = [];
  let start: Uint8Array | undefined = BAND_LOW_PREFIX;
  const end = prefixEnd(BAND_LOW_PREFIX);
  while (start !== undefined) {
    const first = kv(src).iterator(start, end).next();
    if (first.done === true) break;
    const k = first.value[0];
    const n = k[1]!;
    out.push(fromUtf8(k.subarray(2, 2 + n)));
    start = prefixEnd(k.subarray(0, 2 + n));
  }
  return out;
}

/** Accounts whose band on `underlying` does not contain `price`: the only ones a price move can have hurt. */
export function collectCrossed(src: StoreSource, underlying: string, price: bigint, into: AccountSet): void {
  const low = concatBytes(BAND_LOW_PREFIX, str(underlying));
  const at = low.length + 16;
  for (const [k] of kv(src).iterator(concatBytes(low, u128be(price + 1n)), prefixEnd(low))) into.add(accountAt(k, at));
  const high = concatBytes(BAND_HIGH_PREFIX, str(underlying));
  for (const [k] of kv(src).iterator(high, concatBytes(high, u128be(price)))) into.add(accountAt(k, at));
}
