/**
 * Conversions between the decimals people write ("3001.5", "0.25") and a market's integer
 * units: prices in uusdc per contract, sizes in 10^-sizeDecimals contracts. Exact: a
 * value that does not land on a whole unit is an error, never rounded.
 */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { orderbookErrors } from "./errors.js";
import { QUOTE_DECIMALS } from "./keys.js";

export const MAX_UNITS = (1n << 63n) - 1n;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Parses a non-negative decimal into an integer with `decimals` places; undefined if it has more places. */
export function decimalToUnits(text: string, decimals: number): bigint | undefined {
  const m = DECIMAL.exec(text.trim());
  if (m === null) return undefined;
  const whole = m[1]!;
  const frac = (m[2] ?? "").replace(/0+$/, "");
  if (frac.length > decimals) return undefined;
  return BigInt(whole + frac.padEnd(decimals, "0"));
}

/** An integer with `decimals` places as the shortest decimal text ("3001.5"). */
export function unitsToDecimal(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac === "" ? "" : `.${frac}`}`;
}

function checkRange(value: bigint, what: string, error: typeof orderbookErrors.invalidPrice): bigint {
  if (value <= 0n) throw error(`${what} must be positive`);
  if (value > MAX_UNITS) throw error(`${what} is too large`);
  return value;
}

/** A price text to uusdc per contract, on the market's tick. */
export function parsePrice(market: Market, text: string, what = "price"): bigint {
  const units = decimalToUnits(text, QUOTE_DECIMALS);
  if (units === undefined) {
    if (DECIMAL.test(text.trim()))
      throw orderbookErrors.offTick(`${what} ${text} has more than ${QUOTE_DECIMALS} decimal places`);
    throw orderbookErrors.invalidPrice(`${what} "${text}" is not a decimal number`);
  }
  checkRange(units, what, orderbookErrors.invalidPrice);
  if (units % market.tickSize !== 0n)
    throw orderbookErrors.offTick(`${what} ${text} in ${market.id} (tick ${formatPrice(market.tickSize)})`);
  return units;
}

/** A size text to size units, on the market's lot. */
export function parseSize(market: Market, text: string): bigint {
  const units = decimalToUnits(text, market.sizeDecimals);
  if (units === undefined) {
    if (DECIMAL.test(text.trim()))
      throw orderbookErrors.offLot(`size ${text} in ${market.id} (lot ${formatSize(market, market.lotSize)})`);
    throw orderbookErrors.invalidSize(`size "${text}" is not a decimal number`);
  }
  checkRange(units, "size", orderbookErrors.invalidSize);
  if (units % market.lotSize !== 0n)
    throw orderbookErrors.offLot(`size ${text} in ${market.id} (lot ${formatSize(market, market.lotSize)})`);
  return units;
}

export function formatPrice(price: bigint): string {
  return unitsToDecimal(price, QUOTE_DECIMALS);
}

export function formatSize(market: Market, size: bigint): string {
  return unitsToDecimal(size, market.sizeDecimals);
}

/** uusdc amount to USDC text. */
export function formatQuote(amount: bigint): string {
  return unitsToDecimal(amount, QUOTE_DECIMALS);
}

/** Notional in uusdc of `size` units at `price` (exact: the tick is a multiple of 10^sizeDecimals). */
export function notional(market: Market, price: bigint, size: bigint): bigint {
  return (price * size) / 10n ** BigInt(market.sizeDecimals);
}
