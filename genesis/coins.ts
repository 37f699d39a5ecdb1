/** Coin lists as the Cosmos SDK keeps them: positive amounts, sorted by denom, no duplicates. */
import { genesisErrors } from "./errors.js";
import type { Coin } from "./types.js";

/** The SDK's default denom rule (types/coin.go). */
export const DENOM_REGEX = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;

export function isValidDenom(denom: string): boolean {
  return DENOM_REGEX.test(denom);
}

export function isUintString(s: unknown): s is string {
  return typeof s === "string" && /^(0|[1-9]\d*)$/.test(s);
}

/** Parses "1000ustrike,5uusdc" into a sorted, merged coin list. */
export function parseCoins(text: string): Coin[] {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0)
    throw genesisErrors.invalidCoins(`"${text}" has no coins; expected e.g. 1000ustrike,1000uusdc`);
  const coins: Coin[] = [];
  for (const p of parts) {
    const m = /^(\d+)([a-zA-Z][a-zA-Z0-9/:._-]*)$/.exec(p);
    if (m === null || !isValidDenom(m[2]!))
      throw genesisErrors.invalidCoins(`"${p}" is not an amount followed by a denom, e.g. 1000ustrike`);
    coins.push({ denom: m[2]!, amount: BigInt(m[1]!).toString() });
  }
  return normalizeCoins(coins);
}

/** Sums duplicates, drops zeros, sorts by denom. */
export function normalizeCoins(coins: readonly Coin[]): Coin[] {
  const sums = new Map<string, bigint>();
  for (const c of coins) sums.set(c.denom, (sums.get(c.denom) ?? 0n) + BigInt(c.amount));
  return [...sums.entries()]
    .filter(([, a]) => a !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([denom, amount]) => ({ denom, amount: amount.toString() }));
}

export function addCoins(a: readonly Coin[], b: readonly Coin[]): Coin[] {
  return normalizeCoins([...a, ...b]);
}

export function formatCoins(coins: readonly Coin[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(",");
}
