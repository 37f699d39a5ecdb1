/**
 * An account's safe band: for each underlying it holds, the prices within which it stays at
 * or above maintenance margin, and until when (option values move with time). The cushion
 * (equity − maintenance) is shared out between the underlyings, so the account is safe while
 * every price stays inside its own range, whatever the others do. Ranges are found on a
 * ladder of moves (0.25% … 32%); the band ends at the last step that holds, so a price
 * inside it has been checked. Option payoffs are not linear between steps: their groups keep
 * half their share in reserve for that.
 */
import type { Position, Subaccount } from "../../chain/codec/generated/strike/margin/v1/margin.js";
import { MarketType } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { decFromString, mul, type Dec } from "../../chain/types/fixed/index.js";
import type { RiskContext } from "./expectedKeepers.js";
import { computeRisk, perpetualAmounts, sizeToContracts, type AccountRisk, type RiskDeps } from "./risk.js";
import type { SafeBand } from "./riskIndexState.js";

const STEPS_BPS = [25n, 50n, 100n, 200n, 400n, 800n, 1600n, 3200n];
/** How far ahead an option account's band may hold, longest first (seconds). */
const HORIZONS = [7n * 86_400n, 86_400n, 3_600n, 600n, 60n];

export interface Group {
  underlying: string;
  positions: Position[];
  hasOptions: boolean;
}

function groupsOf(risk: AccountRisk): Group[] {
  const by = new Map<string, Group>();
  for (const r of risk.positions) {
    const u = r.market.underlying;
    const g = by.get(u) ?? { underlying: u, positions: [], hasOptions: false };
    g.positions.push(r.position);
    if (r.market.option !== undefined) g.hasOptions = true;
    by.set(u, g);
  }
  return [...by.keys()].sort().map((u) => by.get(u)!);
}

/** Equity minus maintenance of one underlying's positions alone, at price `price` and time `seconds`. */
export function groupCushion(
  ctx: RiskContext,
  deps: RiskDeps,
  sub: Subaccount,
  g: Group,
  price: bigint,
  seconds: bigint,
): bigint {
  // At the block's own time the context itself serves, so reads of params and markets hit
  // the decoded-value cache (same answers, same gas); a later time needs a context of its own.
  const at: RiskContext =
    seconds === ctx.block.time.seconds
      ? ctx
      : { kv: (k) => ctx.kv(k), block: { height: ctx.block.height, time: { seconds } } };
  const priced: RiskDeps = {
    ...deps,
    prices: {
      price: (c, asset) => (asset === g.underlying ? { price, stale: false } : deps.prices.price(c, asset)),
    },
  };
  const r = computeRisk(at, priced, { ...sub, quoteBalance: "0" }, g.positions);
  return r.equity - r.mm;
}

/** A group's cushion (equity minus maintenance of its positions alone) at a price and a time. */
export type GroupCushion = (price: bigint, seconds: bigint) => bigint;

/**
 * The cushion of a group of perpetuals outside portfolio mode, term for term as computeRisk
 * makes it (perpetualAmounts per position, summed in order),
 * from the markets read once. The ladder asks for up to 17 prices per group, and through
 * computeRisk each one read every market and the params again and built a risk record per
 * position: most of an account's examination at end-block. Time does not enter a perpetual's
 * value. Undefined when the general path decides: options, portfolio mode, a market that is
 * gone (computeRisk then throws as before).
 */
function perpetualGroupCushion(ctx: RiskContext, deps: RiskDeps, sub: Subaccount, g: Group): GroupCushion | undefined {
  if (g.hasOptions || sub.portfolioMargin) return undefined;
  const terms: { contracts: Dec; initialFraction: Dec; maintenanceFraction: Dec }[] = [];
  for (const p of g.positions) {
    if (p.size === 0n) continue;
    const market = deps.markets.getMarket(ctx, p.market);
    if (market === undefined || market.type === MarketType.MARKET_TYPE_OPTION) return undefined;
    terms.push({
      contracts: sizeToContracts(market, p.size),
      initialFraction: decFromString(market.initialMarginFraction),
      maintenanceFraction: decFromString(market.maintenanceMarginFraction),
    });
  }
  return (price) => {
    let cushion = 0n;
    for (const t of terms) {
      // The initial margin is computed too, as computeRisk does: out of range it throws on either path.
      const { value, mm } = perpetualAmounts(mul(price, t.contracts), t.initialFraction, t.maintenanceFraction);
      cushion += value - mm;
    }
    return cushion;
  };
}

/** How safeBand prices a group: the perpetuals' short path, or computeRisk. */
export function groupCushionOf(ctx: RiskContext, deps: RiskDeps, sub: Subaccount, g: Group): GroupCushion {
  return (
    perpetualGroupCushion(ctx, deps, sub, g) ?? ((price, seconds) => groupCushion(ctx, deps, sub, g, price, seconds))
  );
}

/**
 * The band of an account at or above maintenance margin (`risk` is its current risk).
 * Returns ranges that may be a single price (any move re-examines it) when the cushion is thin.
 */
export function safeBand(ctx: RiskContext, deps: RiskDeps, sub: Subaccount, risk: AccountRisk): SafeBand {
  const groups = groupsOf(risk);
  const now = ctx.block.time.seconds;
  const cushion = risk.equity - risk.mm;
  const share = cushion / BigInt(groups.length);
  const spots = new Map(risk.positions.map((r) => [r.market.underlying, r.spot]));
  const cushions = groups.map((g) => groupCushionOf(ctx, deps, sub, g));
  const base = groups.map((g, i) => cushions[i]!(spots.get(g.underlying)!, now));
  const allowed = (i: number) => (groups[i]!.hasOptions ? share / 2n : share);
  const holds = (i: number, price: bigint, seconds: bigint) =>
    price > 0n && cushions[i]!(price, seconds) >= base[i]! - allowed(i);

  // The longest horizon at which every option group still holds at today's prices.
  let recheckAt = 0n;
  if (groups.some((g) => g.hasOptions)) {
    recheckAt = now + 1n;
    for (const h of HORIZONS) {
      if (groups.every((g, i) => !g.hasOptions || holds(i, spots.get(g.underlying)!, now + h))) {
        recheckAt = now + h;
        break;
      }
    }
  }
  const ranges = groups.map((g, i) => {
    const spot = spots.get(g.underlying)!;
    const times = g.hasOptions && recheckAt > now + 1n ? [now, recheckAt] : [now];
    const edge = (sign: bigint): bigint => {
      let last = spot;
      for (const bps of STEPS_BPS) {
        const price = (spot * (10_000n + sign * bps)) / 10_000n;
        if (!times.every((t) => holds(i, price, t))) break;
        last = price;
      }
      return last;
    };
    return { underlying: g.underlying, low: edge(-1n), high: edge(1n) };
  });
  return { recheckAt, ranges };
}
