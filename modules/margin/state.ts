/** margin state: subaccounts, positions, the holders index per market, funding samples, params. */
import { MarginParams, Position, Subaccount } from "../../chain/codec/generated/strike/margin/v1/margin.js";
import { addressBytesView, addressToBech32 } from "../../chain/crypto/address.js";
import { accountMarks } from "../../chain/runtime/accountMarks.js";
import { Item, lengthPrefixed, lengthPrefixedUtf8, type StoreSource } from "../../chain/runtime/collection.js";
import { moduleStorePrefixS } from "../../chain/runtime/prefixStore.js";
import { cachedRead, cachedScan, UNCACHED } from "../../chain/runtime/valueCache.js";
import { keyString } from "../../chain/store/sortedKeys.js";
import { concatBytes, equalBytes, prefixEnd, utf8, u32be } from "../../chain/types/bytes.js";
import {
  EQUITY_TOUCHED_PREFIX,
  FUNDING_PREFIX,
  MARKET_HOLDERS_PREFIX,
  PARAMS_KEY,
  POSITIONS_PREFIX,
  STORE_KEY,
  SUBACCOUNTS_PREFIX,
  accountKeyBytes,
  type AccountId,
} from "./keys.js";
import { markDirty } from "./riskIndexState.js";
import { encodeMessage } from "../../chain/codec/encode.js";

const EMPTY = new Uint8Array(0);
const decoder = new TextDecoder();

const str = (s: string): Uint8Array => lengthPrefixedUtf8(s);
const addr = (a: string): Uint8Array => lengthPrefixed(addressBytesView(a));
function readU32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at);
}
const kv = (src: StoreSource) => src.kv(STORE_KEY);
/** The module's key prefix in the cache's latin1 form. */
const MODULE_S = moduleStorePrefixS(STORE_KEY);

export type { AccountId } from "./keys.js";

export function defaultMarginParams(): MarginParams {
  return {
    fundingIntervalBlocks: 600n,
    maxFundingRate: "0.001",
    liquidationPenalty: "0.01",
    optionOtmFactor: "0.2",
    optionMinFactor: "0.1",
    optionMaintenanceRatio: "0.8",
    settlementTwapBlocks: 30n,
    optionPortfolioShortMinimum: "0.01",
    // 10,000 USDC: dYdX's 500 USDC of initial margin at the 5% initial margin fraction of the default perpetuals.
    fundingImpactNotional: 10_000_000_000n,
  };
}

/** Read for every position an order's margin check prices: answered from memory (chain/runtime/valueCache.ts). */
const paramsItem = new Item<MarginParams>(
  STORE_KEY,
  PARAMS_KEY,
  { encode: (p) => encodeMessage(MarginParams, p), decode: (b) => MarginParams.decode(b) },
  { copy: (p) => ({ ...p }) },
);

export function getParams(src: StoreSource): MarginParams {
  return paramsItem.get(src) ?? defaultMarginParams();
}
export function setParams(src: StoreSource, p: MarginParams): void {
  kv(src).set(PARAMS_KEY, encodeMessage(MarginParams, p));
}

/** Read by every order's margin checks and fee charges: answered from memory (chain/runtime/valueCache.ts). */
export function getSubaccount(src: StoreSource, id: AccountId): Subaccount | undefined {
  const key = accountKeyBytes(SUBACCOUNTS_PREFIX, id);
  const hit = cachedRead(src, MODULE_S + keyString(key), decodeSubaccount);
  if (hit !== UNCACHED) return hit === undefined ? undefined : { ...hit };
  const raw = kv(src).get(key);
  return raw === undefined ? undefined : Subaccount.decode(raw);
}
const decodeSubaccount = (b: Uint8Array): Subaccount => Subaccount.decode(b);
const decodePosition = (b: Uint8Array): Position => Position.decode(b);
/**
 * Every write to an account's collateral or positions marks it for the risk index's next
 * look, and its owner for the next exit checkpoint. `risk: "unchanged or better"` (collateral
 * credited, positions as they were) spares the risk index: a larger quote balance only widens
 * the account's safe band (safeBand.ts), so the band it has still holds.
 */
export function setSubaccount(src: StoreSource, s: Subaccount, risk?: "unchanged or better"): void {
  kv(src).set(accountKeyBytes(SUBACCOUNTS_PREFIX, { owner: s.owner, number: s.number }), encodeMessage(Subaccount, s));
  if (risk === undefined) markDirty(src, { owner: s.owner, number: s.number });
  equityTouched.mark(src, s.owner);
}
/** Removes an empty subaccount (no collateral, no positions). */
export function deleteSubaccount(src: StoreSource, id: AccountId): void {
  kv(src).delete(accountKeyBytes(SUBACCOUNTS_PREFIX, id));
}
/**
 * Every subaccount (of `owner` when given), in key order. One owner's are read by every exit
 * checkpoint for each position holder: answered from memory (chain/runtime/valueCache.ts).
 */
export function* allSubaccounts(src: StoreSource, owner?: string): IterableIterator<Subaccount> {
  const prefix = owner === undefined ? SUBACCOUNTS_PREFIX : concatBytes(SUBACCOUNTS_PREFIX, addr(owner));
  if (owner !== undefined) {
    const hit = cachedScan(
      src,
      MODULE_S + keyString(prefix),
      MODULE_S + keyString(prefixEnd(prefix)!),
      decodeSubaccount,
    );
    if (hit !== UNCACHED) {
      for (const s of hit) yield { ...s };
      return;
    }
  }
  for (const [, v] of kv(src).iterator(prefix, prefixEnd(prefix))) yield Subaccount.decode(v);
}

function positionKey(id: AccountId, market: string): Uint8Array {
  return accountKeyBytes(POSITIONS_PREFIX, id, str(market));
}
function holderKey(market: string, id: AccountId): Uint8Array {
  return concatBytes(MARKET_HOLDERS_PREFIX, str(market), addr(id.owner), u32be(id.number));
}

export function getPosition(src: StoreSource, id: AccountId, market: string): Position | undefined {
  const raw = kv(src).get(positionKey(id, market));
  return raw === undefined ? undefined : Position.decode(raw);
}

/** Writes a position, or deletes it when its size is zero. */
export function setPosition(src: StoreSource, p: Position): void {
  const id = { owner: p.owner, number: p.subaccount };
  markDirty(src, id);
  equityTouched.mark(src, p.owner);
  if (p.size === 0n) {
    kv(src).delete(positionKey(id, p.market));
    kv(src).delete(holderKey(p.market, id));
    return;
  }
  kv(src).set(positionKey(id, p.market), encodeMessage(Position, p));
  kv(src).set(holderKey(p.market, id), EMPTY);
}

/** A subaccount's positions in market order. Scanned by every margin check: answered from memory (chain/runtime/valueCache.ts). */
export function accountPositions(src: StoreSource, id: AccountId): Position[] {
  const prefix = accountKeyBytes(POSITIONS_PREFIX, id);
  // The prefix starts with POSITIONS_PREFIX, not 0xff: it has an end.
  const hit = cachedScan(src, MODULE_S + keyString(prefix), MODULE_S + keyString(prefixEnd(prefix)!), decodePosition);
  if (hit !== UNCACHED) return hit.map((p) => ({ ...p }));
  const out: Position[] = [];
  for (const [, v] of kv(src).iterator(prefix, prefixEnd(prefix))) out.push(Position.decode(v));
  return out;
}

/** Every owner holding a position in any market (options included), each once, in key order. */
export function* positionOwners(src: StoreSource): IterableIterator<string> {
  let last: Uint8Array | undefined;
  for (const [k] of kv(src).iterator(POSITIONS_PREFIX, prefixEnd(POSITIONS_PREFIX))) {
    const owner = k.subarray(2, 2 + k[1]!);
    if (last !== undefined && equalBytes(last, owner)) continue;
    last = owner.slice();
    yield addressToBech32(last);
  }
}

/** Owners whose collateral or positions were written since the last exit checkpoint (it clears them). */
export const equityTouched = accountMarks(STORE_KEY, EQUITY_TOUCHED_PREFIX);

/** The accounts holding a position in a market, in key order. */
export function* marketHolders(src: StoreSource, market: string): IterableIterator<AccountId> {
  const prefix = concatBytes(MARKET_HOLDERS_PREFIX, str(market));
  for (const [k] of kv(src).iterator(prefix, prefixEnd(prefix))) {
    const at = prefix.length;
    const n = k[at]!;
    yield { owner: addressToBech32(k.subarray(at + 1, at + 1 + n)), number: readU32(k, at + 1 + n) };
  }
}

/** Funding premium samples of a perpetual since the last payment: sum (Dec raw) and count. */
export interface FundingSamples {
  sum: bigint;
  count: bigint;
}
export function getFundingSamples(src: StoreSource, market: string): FundingSamples {
  const raw = kv(src).get(concatBytes(FUNDING_PREFIX, utf8(market)));
  if (raw === undefined) return { sum: 0n, count: 0n };
  const [sum, count] = decoder.decode(raw).split(",");
  return { sum: BigInt(sum!), count: BigInt(count!) };
}
export function setFundingSamples(src: StoreSource, market: string, s: FundingSamples): void {
  kv(src).set(concatBytes(FUNDING_PREFIX, utf8(market)), utf8(`${s.sum},${s.count}`));
}
