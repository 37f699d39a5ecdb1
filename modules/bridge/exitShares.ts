/**
 * What lets a checkpoint compute exit claims from what changed instead of from every account:
 *
 *   0x0d | account       empty: its free uusdc, exit address or key changed since the last checkpoint
 *   0x0e | account       its claim before the cut at the last checkpoint, for an account holding no
 *                        position: principal u256, profit u256 (absent when both are zero)
 *   0x0f                 at the last checkpoint: the sums of every claim (principals, profits), the
 *                        bridged supply, and the sums of the stored claims alone (u256 each);
 *                        absent before the first
 *
 * The marks are written by the bank (balances), the ante (a first public key) and this
 * module (exit addresses); margin keeps its own for collateral and positions. Accounts are
 * the 20 (or 32) address bytes, length-prefixed.
 */
import { accountMarks } from "../../chain/runtime/accountMarks.js";
import { lengthPrefixed, type StoreSource } from "../../chain/runtime/collection.js";
import { concatBytes, prefixEnd } from "../../chain/types/bytes.js";
import { readUint256, uint256 } from "./exitStore.js";
import { STORE_KEY } from "./keys.js";

export const EXIT_TOUCHED_PREFIX = Uint8Array.of(0x0d);
export const EXIT_SHARES_PREFIX = Uint8Array.of(0x0e);
export const EXIT_TOTALS_KEY = Uint8Array.of(0x0f);

const kv = (src: StoreSource) => src.kv(STORE_KEY);

export interface ExitClaim {
  principal: bigint;
  profit: bigint;
}

export interface ExitTotals {
  /** Over every claim at the last checkpoint (stored ones and position holders'). */
  principals: bigint;
  profits: bigint;
  bridgedSupply: bigint;
  /** Over the stored claims only (accounts without a position). */
  storedPrincipals: bigint;
  storedProfits: bigint;
}

/** Accounts whose free uusdc, exit address or key changed since the last checkpoint (it clears them). */
export const exitTouched = accountMarks(STORE_KEY, EXIT_TOUCHED_PREFIX);
export const markExitTouched = (src: StoreSource, account: string): void => exitTouched.mark(src, account);

const shareKey = (account: Uint8Array) => concatBytes(EXIT_SHARES_PREFIX, lengthPrefixed(account));

export function getExitClaim(src: StoreSource, account: Uint8Array): ExitClaim {
  const raw = kv(src).get(shareKey(account));
  return raw === undefined
    ? { principal: 0n, profit: 0n }
    : { principal: readUint256(raw.subarray(0, 32)), profit: readUint256(raw.subarray(32, 64)) };
}

export function setExitClaim(src: StoreSource, account: Uint8Array, c: ExitClaim): void {
  if (c.principal === 0n && c.profit === 0n) kv(src).delete(shareKey(account));
  else kv(src).set(shareKey(account), concatBytes(uint256(c.principal), uint256(c.profit)));
}

/** Every stored claim (address bytes), in key order. */
export function* exitClaims(src: StoreSource): IterableIterator<{ account: Uint8Array } & ExitClaim> {
  for (const [k, v] of kv(src).iterator(EXIT_SHARES_PREFIX, prefixEnd(EXIT_SHARES_PREFIX)))
    yield {
      account: k.slice(2, 2 + k[1]!),
      principal: readUint256(v.subarray(0, 32)),
      profit: readUint256(v.subarray(32, 64)),
    };
}

export function getExitTotals(src: StoreSource): ExitTotals | undefined {
  const raw = kv(src).get(EXIT_TOTALS_KEY);
  if (raw === undefined) return undefined;
  const at = (i: number) => readUint256(raw.subarray(32 * i, 32 * i + 32));
  return { principals: at(0), profits: at(1), bridgedSupply: at(2), storedPrincipals: at(3), storedProfits: at(4) };
}

export function setExitTotals(src: StoreSource, t: ExitTotals): void {
  const fields = [t.principals, t.profits, t.bridgedSupply, t.storedPrincipals, t.storedProfits];
  kv(src).set(EXIT_TOTALS_KEY, concatBytes(...fields.map(uint256)));
}
