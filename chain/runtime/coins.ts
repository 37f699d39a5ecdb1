/**
 * Coins as the Cosmos SDK defines them: integer amounts (bigint, at most 2^256-1 like
 * sdk.Int), denoms matching the SDK's regex, lists sorted by denom without duplicates.
 * DecCoins (gas prices) carry 18 decimal places as a scaled bigint, like sdk.Dec.
 */
import { sdkErrors } from "../types/errors.js";

export interface Coin {
  denom: string;
  amount: bigint;
}

/** A decimal coin: `amount` is the value times 10^18. */
export interface DecCoin {
  denom: string;
  amount: bigint;
}

/** What protobuf messages and genesis JSON carry. */
export interface CoinJson {
  denom: string;
  amount: string;
}

export const MAX_AMOUNT = (1n << 256n) - 1n;
export const DEC_PRECISION = 18;
const DEC_ONE = 10n ** BigInt(DEC_PRECISION);
const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const INT_RE = /^-?[0-9]+$/;

export function isValidDenom(denom: string): boolean {
  return DENOM_RE.test(denom);
}

export function validateDenom(denom: string, field: string): void {
  if (!isValidDenom(denom)) {
    throw sdkErrors.invalidCoins(`${field}: invalid denom "${denom}"`, { field });
  }
}

/** Parses an sdk.Int decimal string, rejecting malformed input and values beyond 256 bits. */
export function parseAmount(amount: string, field: string): bigint {
  if (!INT_RE.test(amount)) {
    throw sdkErrors.invalidCoins(`${field}: malformed amount "${amount}"`, { field });
  }
  const value = BigInt(amount);
  if (value > MAX_AMOUNT || -value > MAX_AMOUNT) {
    throw sdkErrors.invalidCoins(`${field}: amount overflows 256 bits`, { field });
  }
  return value;
}

/**
 * Parses and validates a coin list the way Cosmos' Coins.Validate does: valid denoms,
 * strictly positive amounts, sorted by denom, no duplicates. `field` names the list in errors.
 */
export function parseCoins(coins: readonly CoinJson[], field: string): Coin[] {
  const out: Coin[] = [];
  coins.forEach((c, i) => {
    const at = `${field}[${i}]`;
    validateDenom(c.denom, `${at}.denom`);
    const amount = parseAmount(c.amount, `${at}.amount`);
    if (amount <= 0n) {
      throw sdkErrors.invalidCoins(`${at}.amount: must be positive, got ${c.amount}${c.denom}`, {
        field: `${at}.amount`,
      });
    }
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.denom >= c.denom) {
      throw sdkErrors.invalidCoins(
        `${at}.denom: coins must be sorted by denom without duplicates ("${prev.denom}" then "${c.denom}")`,
        { field: `${at}.denom` },
      );
    }
    out.push({ denom: c.denom, amount });
  });
  return out;
}

/** Like parseCoins but zero amounts are allowed (fees may be "0ustrike"); empty list is fine. */
export function parseFeeCoins(coins: readonly CoinJson[], field: string): Coin[] {
  return parseCoins(
    coins.filter((c) => c.amount !== "0"),
    field,
  );
}

export function coinsToJson(coins: readonly Coin[]): CoinJson[] {
  return coins.map((c) => ({ denom: c.denom, amount: c.amount.toString() }));
}

/** The SDK's Coins.String(): "100ustrike,5uusdc". */
export function formatCoins(coins: readonly Coin[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(",");
}

/** Parses "0.025ustrike,1uusdc" (sdk.ParseDecCoins); empty string gives no prices. */
export function parseDecCoins(text: string): DecCoin[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  const out = trimmed.split(",").map((part) => {
    const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(part.trim());
    if (m === null) throw sdkErrors.invalidCoins(`malformed decimal coin "${part}"`);
    const [whole = "0", frac = ""] = m[1]!.split(".");
    if (frac.length > DEC_PRECISION)
      throw sdkErrors.invalidCoins(`"${part}" has more than ${DEC_PRECISION} decimal places`);
    const amount = BigInt(whole) * DEC_ONE + BigInt(frac.padEnd(DEC_PRECISION, "0") || "0");
    return { denom: m[2]!, amount };
  });
  return out.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
}

export function formatDecCoins(coins: readonly DecCoin[]): string {
  return coins
    .map((c) => {
      const whole = c.amount / DEC_ONE;
      const frac = (c.amount % DEC_ONE).toString().padStart(DEC_PRECISION, "0");
      return `${whole}.${frac}${c.denom}`;
    })
    .join(",");
}

/** ceil(price × gas) per denom, as the SDK's mempool fee check computes the required fee. */
export function requiredFees(gasPrices: readonly DecCoin[], gasLimit: bigint): Coin[] {
  return gasPrices.map((p) => ({ denom: p.denom, amount: (p.amount * gasLimit + DEC_ONE - 1n) / DEC_ONE }));
}

export function amountOf(coins: readonly Coin[], denom: string): bigint {
  return coins.find((c) => c.denom === denom)?.amount ?? 0n;
}

/** Coins.IsAnyGTE: true if for some denom in `required` the fee pays at least that much. */
export function isAnyGTE(fee: readonly Coin[], required: readonly Coin[]): boolean {
  return required.some((r) => amountOf(fee, r.denom) >= r.amount);
}

/** Sums coin lists into one sorted list (for MsgMultiSend's inputs = outputs check). */
export function sumCoins(lists: readonly (readonly Coin[])[]): Coin[] {
  const totals = new Map<string, bigint>();
  for (const list of lists) for (const c of list) totals.set(c.denom, (totals.get(c.denom) ?? 0n) + c.amount);
  return [...totals.keys()].sort().map((denom) => ({ denom, amount: totals.get(denom)! }));
}

export function coinsEqual(a: readonly Coin[], b: readonly Coin[]): boolean {
  return a.length === b.length && a.every((c, i) => c.denom === b[i]!.denom && c.amount === b[i]!.amount);
}
