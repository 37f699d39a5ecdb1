/** bridge state: pending deposit votes, credited deposits, counters, withdrawals and the tree frontier. */
import { markExitTouched } from "./exitShares.js";
import { DepositAttestation, Withdrawal } from "../../chain/codec/generated/strike/bridge/v1/bridge.js";
import { addressBytesView } from "../../chain/crypto/address.js";
import { lengthPrefixed, type StoreSource } from "../../chain/runtime/collection.js";
import { concatBytes, prefixEnd, readU64be, u64be } from "../../chain/types/bytes.js";
import {
  COUNTERS_KEY,
  CREDITED_PREFIX,
  EXIT_ADDRESSES_PREFIX,
  FRONTIER_PREFIX,
  STORE_KEY,
  TALLIES_PREFIX,
  VOTES_PREFIX,
  WAITING_PREFIX,
  WITHDRAWALS_PREFIX,
  WITHDRAWAL_COUNT_KEY,
} from "./keys.js";
import type { TreeFrontier } from "./merkleTree.js";
import { encodeMessage } from "../../chain/codec/encode.js";

const kv = (src: StoreSource) => src.kv(STORE_KEY);
const addr = (a: string): Uint8Array => lengthPrefixed(addressBytesView(a));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface BridgeCounters {
  /** Credited deposits less withdrawals, in uusdc: what the L1 contract holds for accounts on Strike. */
  bridgedSupply: bigint;
  depositsCredited: bigint;
  /** Deposits are credited in nonce order: every nonce up to this one is credited, none above. */
  highestNonceCredited: bigint;
}

export function getCounters(src: StoreSource): BridgeCounters {
  const raw = kv(src).get(COUNTERS_KEY);
  if (raw === undefined) return { bridgedSupply: 0n, depositsCredited: 0n, highestNonceCredited: 0n };
  const [a, b, c] = decoder.decode(raw).split(",");
  return { bridgedSupply: BigInt(a!), depositsCredited: BigInt(b!), highestNonceCredited: BigInt(c!) };
}
export function setCounters(src: StoreSource, c: BridgeCounters): void {
  kv(src).set(COUNTERS_KEY, encoder.encode(`${c.bridgedSupply},${c.depositsCredited},${c.highestNonceCredited}`));
}

export function getVote(src: StoreSource, nonce: bigint, validator: string): Uint8Array | undefined {
  return kv(src).get(concatBytes(VOTES_PREFIX, u64be(nonce), addr(validator)));
}
export function setVote(src: StoreSource, nonce: bigint, validator: string, contentHash: Uint8Array): void {
  kv(src).set(concatBytes(VOTES_PREFIX, u64be(nonce), addr(validator)), contentHash);
}

export function getTally(src: StoreSource, nonce: bigint, contentHash: Uint8Array): bigint {
  const raw = kv(src).get(concatBytes(TALLIES_PREFIX, u64be(nonce), contentHash));
  return raw === undefined ? 0n : BigInt(decoder.decode(raw));
}
export function setTally(src: StoreSource, nonce: bigint, contentHash: Uint8Array, power: bigint): void {
  kv(src).set(concatBytes(TALLIES_PREFIX, u64be(nonce), contentHash), encoder.encode(power.toString()));
}
export function* tallies(src: StoreSource, nonce: bigint): IterableIterator<[Uint8Array, bigint]> {
  const prefix = concatBytes(TALLIES_PREFIX, u64be(nonce));
  for (const [k, v] of kv(src).iterator(prefix, prefixEnd(prefix)))
    yield [k.subarray(prefix.length), BigInt(decoder.decode(v))];
}

/** Drops a credited deposit's votes and tallies: only the credited record answers for it from then on. */
export function clearPending(src: StoreSource, nonce: bigint): void {
  for (const p of [VOTES_PREFIX, TALLIES_PREFIX]) {
    const prefix = concatBytes(p, u64be(nonce));
    const keys = [...kv(src).iterator(prefix, prefixEnd(prefix))].map(([k]) => Uint8Array.from(k));
    for (const k of keys) kv(src).delete(k);
  }
}

export function getCredited(src: StoreSource, nonce: bigint): DepositAttestation | undefined {
  const raw = kv(src).get(concatBytes(CREDITED_PREFIX, u64be(nonce)));
  return raw === undefined ? undefined : DepositAttestation.decode(raw);
}
export function setCredited(src: StoreSource, d: DepositAttestation): void {
  kv(src).set(concatBytes(CREDITED_PREFIX, u64be(d.nonce)), encodeMessage(DepositAttestation, d));
}

/** A deposit whose content passed 2/3 before an earlier nonce was credited: credited after it. */
export function getWaiting(src: StoreSource, nonce: bigint): DepositAttestation | undefined {
  const raw = kv(src).get(concatBytes(WAITING_PREFIX, u64be(nonce)));
  return raw === undefined ? undefined : DepositAttestation.decode(raw);
}
export function setWaiting(src: StoreSource, d: DepositAttestation): void {
  kv(src).set(concatBytes(WAITING_PREFIX, u64be(d.nonce)), encodeMessage(DepositAttestation, d));
}
export function deleteWaiting(src: StoreSource, nonce: bigint): void {
  kv(src).delete(concatBytes(WAITING_PREFIX, u64be(nonce)));
}

export function getWithdrawal(src: StoreSource, id: bigint): Withdrawal | undefined {
  const raw = kv(src).get(concatBytes(WITHDRAWALS_PREFIX, u64be(id)));
  return raw === undefined ? undefined : Withdrawal.decode(raw);
}
export function setWithdrawal(src: StoreSource, w: Withdrawal): void {
  kv(src).set(concatBytes(WITHDRAWALS_PREFIX, u64be(w.id)), encodeMessage(Withdrawal, w));
}

/** The withdrawal tree's frontier: point reads only, so that a past height can be served. */
export function getFrontier(src: StoreSource): TreeFrontier {
  const raw = kv(src).get(WITHDRAWAL_COUNT_KEY);
  const count = raw === undefined ? 0n : readU64be(raw);
  const frontier: (Uint8Array | undefined)[] = [];
  for (let k = 0; count >> BigInt(k) > 0n; k++) {
    frontier[k] =
      ((count >> BigInt(k)) & 1n) === 1n ? kv(src).get(concatBytes(FRONTIER_PREFIX, Uint8Array.of(k))) : undefined;
  }
  return { count, frontier };
}
export function setFrontierLevel(src: StoreSource, count: bigint, level: number, node: Uint8Array): void {
  kv(src).set(concatBytes(FRONTIER_PREFIX, Uint8Array.of(level)), node);
  kv(src).set(WITHDRAWAL_COUNT_KEY, u64be(count));
}

export function getExitAddress(src: StoreSource, account: string): Uint8Array | undefined {
  return kv(src).get(concatBytes(EXIT_ADDRESSES_PREFIX, addr(account)));
}
export function setExitAddress(src: StoreSource, account: string, l1: Uint8Array): void {
  kv(src).set(concatBytes(EXIT_ADDRESSES_PREFIX, addr(account)), l1);
  markExitTouched(src, account);
}
