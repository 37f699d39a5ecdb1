/** Market definitions: validation, and the ready-to-trade markets of a new chain. */
import {
  type Market,
  MarketStatus,
  MarketType,
  OptionKind,
} from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { decFromString, DEC_ONE } from "../../chain/types/fixed/index.js";
import { orderbookErrors } from "./errors.js";
import { QUOTE_DECIMALS } from "./keys.js";

const MARKET_ID = /^[A-Z0-9][A-Z0-9-]{0,63}$/;
const MAX_SIZE_DECIMALS = 8;

/** Whether `id` is shaped like a market id (upper-case letters, digits and dashes), e.g. for a CLI argument. */
export function isMarketId(id: string): boolean {
  return MARKET_ID.test(id);
}

function rate(value: string, field: string, id: string, max: bigint): bigint {
  let d: bigint;
  try {
    d = decFromString(value);
  } catch {
    throw orderbookErrors.invalidMarket(`${id}: ${field} "${value}" is not a decimal`);
  }
  if (d < 0n || d > max) throw orderbookErrors.invalidMarket(`${id}: ${field} ${value} is out of range`);
  return d;
}

/** Throws invalidMarket with the first problem found. */
export function validateMarket(m: Market): void {
  const id = m.id;
  if (!MARKET_ID.test(id))
    throw orderbookErrors.invalidMarket(`id "${id}" must be upper-case letters, digits and dashes`);
  if (m.type !== MarketType.MARKET_TYPE_PERPETUAL && m.type !== MarketType.MARKET_TYPE_OPTION)
    throw orderbookErrors.invalidMarket(`${id}: type must be perpetual or option`);
  if (m.underlying === "") throw orderbookErrors.invalidMarket(`${id}: underlying is empty`);
  if (m.sizeDecimals > MAX_SIZE_DECIMALS)
    throw orderbookErrors.invalidMarket(`${id}: size_decimals above ${MAX_SIZE_DECIMALS}`);
  if (m.tickSize <= 0n || m.tickSize % 10n ** BigInt(m.sizeDecimals) !== 0n)
    throw orderbookErrors.invalidMarket(`${id}: tick_size must be a positive multiple of 10^size_decimals`);
  if (m.lotSize <= 0n) throw orderbookErrors.invalidMarket(`${id}: lot_size must be positive`);
  if (m.maxOpenOrders <= 0) throw orderbookErrors.invalidMarket(`${id}: max_open_orders must be positive`);
  const tenth = DEC_ONE / 10n;
  rate(m.makerFeeRate, "maker_fee_rate", id, tenth);
  rate(m.takerFeeRate, "taker_fee_rate", id, tenth);
  if (m.type === MarketType.MARKET_TYPE_PERPETUAL) {
    const im = rate(m.initialMarginFraction, "initial_margin_fraction", id, DEC_ONE);
    const mm = rate(m.maintenanceMarginFraction, "maintenance_margin_fraction", id, DEC_ONE);
    if (mm <= 0n || im < mm)
      throw orderbookErrors.invalidMarket(`${id}: need initial ≥ maintenance margin fraction > 0`);
    if (m.option !== undefined) throw orderbookErrors.invalidMarket(`${id}: a perpetual has no option terms`);
  } else {
    const o = m.option;
    if (o === undefined) throw orderbookErrors.invalidMarket(`${id}: an option market needs option terms`);
    if (o.kind !== OptionKind.OPTION_KIND_CALL && o.kind !== OptionKind.OPTION_KIND_PUT)
      throw orderbookErrors.invalidMarket(`${id}: option kind must be call or put`);
    if (o.strikePrice <= 0n) throw orderbookErrors.invalidMarket(`${id}: strike must be positive`);
    if (o.expiryTime <= 0n) throw orderbookErrors.invalidMarket(`${id}: expiry must be a unix time`);
    const iv = rate(o.impliedVolatility, "implied_volatility", id, 5n * DEC_ONE);
    if (iv === 0n) throw orderbookErrors.invalidMarket(`${id}: implied volatility must be positive`);
  }
  if (m.status !== MarketStatus.MARKET_STATUS_ACTIVE && m.status !== MarketStatus.MARKET_STATUS_SETTLED)
    throw orderbookErrors.invalidMarket(`${id}: status must be active or settled`);
}

function perpetual(underlying: string, sizeDecimals: number, tickUsdc: bigint): Market {
  return {
    id: `${underlying}-PERP`,
    type: MarketType.MARKET_TYPE_PERPETUAL,
    underlying,
    sizeDecimals,
    tickSize: tickUsdc,
    lotSize: 1n,
    minNotional: 10n ** BigInt(QUOTE_DECIMALS),
    maxOpenOrders: 200,
    makerFeeRate: "0.0002",
    takerFeeRate: "0.0005",
    initialMarginFraction: "0.05",
    maintenanceMarginFraction: "0.03",
    option: undefined,
    status: MarketStatus.MARKET_STATUS_ACTIVE,
  };
}

/** YYYYMMDD of a unix time (UTC), computed without Date so genesis code stays clock-free. */
export function utcDateCode(seconds: bigint): string {
  // Civil-from-days (H. Hinnant's algorithm), integer only.
  const z = seconds / 86_400n + 719_468n;
  const era = z / 146_097n;
  const doe = z - era * 146_097n;
  const yoe = (doe - doe / 1_460n + doe / 36_524n - doe / 146_096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  const y = yoe + era * 400n + (m <= 2n ? 1n : 0n);
  return `${y}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}`;
}

export function optionMarketId(underlying: string, expiry: bigint, strikeUsdc: bigint, kind: OptionKind): string {
  return `${underlying}-${utcDateCode(expiry)}-${strikeUsdc}-${kind === OptionKind.OPTION_KIND_CALL ? "C" : "P"}`;
}

function option(underlying: string, expiry: bigint, strikeUsdc: bigint, kind: OptionKind): Market {
  return {
    id: optionMarketId(underlying, expiry, strikeUsdc, kind),
    type: MarketType.MARKET_TYPE_OPTION,
    underlying,
    sizeDecimals: 2,
    tickSize: 100_000n,
    lotSize: 1n,
    minNotional: 100_000n,
    maxOpenOrders: 200,
    makerFeeRate: "0.0002",
    takerFeeRate: "0.0005",
    initialMarginFraction: "0",
    maintenanceMarginFraction: "0",
    option: {
      kind,
      strikePrice: strikeUsdc * 10n ** BigInt(QUOTE_DECIMALS),
      expiryTime: expiry,
      impliedVolatility: "0.6",
      settlementPrice: 0n,
    },
    status: MarketStatus.MARKET_STATUS_ACTIVE,
  };
}

/**
 * Expiries 08:00 UTC on the last day of a month, for the next months at least a week
 * after genesis: the ladder a new localnet trades.
 */
export function defaultExpiries(genesisSeconds: bigint, count = 2): bigint[] {
  const out: bigint[] = [];
  let day = genesisSeconds / 86_400n;
  while (out.length < count) {
    day += 1n;
    const today = utcDateCode(day * 86_400n);
    const tomorrow = utcDateCode((day + 1n) * 86_400n);
    if (today.slice(0, 6) === tomorrow.slice(0, 6)) continue;
    const expiry = day * 86_400n + 8n * 3_600n;
    if (expiry - genesisSeconds >= 7n * 86_400n) out.push(expiry);
  }
  return out;
}

/** ETH-PERP, BTC-PERP and a ladder of ETH calls and puts around 3000. */
export function defaultMarkets(genesisSeconds: bigint): Market[] {
  const markets = [perpetual("ETH", 3, 100_000n), perpetual("BTC", 4, 1_000_000n)];
  for (const expiry of defaultExpiries(genesisSeconds)) {
    for (const strike of [2600n, 2800n, 3000n, 3200n, 3400n]) {
      markets.push(option("ETH", expiry, strike, OptionKind.OPTION_KIND_CALL));
      markets.push(option("ETH", expiry, strike, OptionKind.OPTION_KIND_PUT));
    }
  }
  return markets;
}
