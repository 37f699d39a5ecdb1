/**
 * The safe band's short path for perpetuals prices a group exactly as computeRisk does: the
 * band (and so the state and the app hash) cannot tell which path priced it.
 */
import test from "ava";
import fc from "fast-check";
import { Position, Subaccount } from "../../../../chain/codec/generated/strike/margin/v1/margin.js";
import { Market, MarketType } from "../../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { createContext } from "../../../../chain/runtime/context.js";
import { createGasMeter } from "../../../../chain/runtime/gas.js";
import { createMemoryKV } from "../../../../chain/store/memoryKv.js";
import { DEC_MAX_RAW } from "../../../../chain/types/fixed/decimal.js";
import type { RiskDeps } from "../../../../modules/margin/risk.js";
import { groupCushion, groupCushionOf, type Group } from "../../../../modules/margin/safeBand.js";
import { assertProperty } from "../../../helpers/property.js";

const NOW = 1_700_000_000n;
const ctx = createContext({
  block: { chainId: "t", height: 5n, time: { seconds: NOW, nanos: 0 } },
  mode: "finalize",
  store: createMemoryKV(),
  gasMeter: createGasMeter(undefined),
});

/** Dec strings with up to 18 places, from 0 to above 1. */
const fraction = fc
  .oneof(fc.constantFrom(0n, 1n, 10n ** 18n, 3n * 10n ** 16n, 333n * 10n ** 14n), fc.bigInt(0n, 2n * 10n ** 18n))
  .map((raw) => {
    const s = raw.toString().padStart(19, "0");
    return `${s.slice(0, -18)}.${s.slice(-18)}`;
  });

const marketArb = fc.record({
  sizeDecimals: fc.integer({ min: 0, max: 8 }),
  initialMarginFraction: fraction,
  maintenanceMarginFraction: fraction,
});

/** Small, large and absurd sizes and prices: an overflow must be thrown by both paths alike. */
const size = fc.oneof(fc.constant(0n), fc.bigInt(-(10n ** 6n), 10n ** 6n), fc.bigInt(-(10n ** 30n), 10n ** 30n));
const price = fc.oneof(fc.bigInt(1n, 10n ** 7n), fc.bigInt(1n, 10n ** 24n), fc.bigInt(1n, 10n ** 60n));

function outcome(f: () => bigint): { value: bigint } | { error: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

test("a perpetual group's cushion by the short path equals computeRisk's at every price, overflow included", (t) => {
  let compared = 0;
  let overflowed = 0;
  assertProperty(
    t,
    fc.property(
      fc.array(fc.tuple(marketArb, size), { minLength: 1, maxLength: 4 }),
      fc.array(price, { minLength: 1, maxLength: 6 }),
      fc.bigInt(1n, 10n ** 12n),
      (spec, prices, spot) => {
        const markets = new Map<string, Market>();
        const positions = spec.map(([m, s], i) => {
          const id = `ETH-PERP-${i}`;
          markets.set(id, Market.fromPartial({ id, type: MarketType.MARKET_TYPE_PERPETUAL, underlying: "ETH", ...m }));
          return Position.fromPartial({ owner: "o", market: id, size: s, entryCost: "0" });
        });
        let reads = 0;
        const deps: RiskDeps = {
          markets: {
            getMarket: (_c, id) => {
              reads++;
              return markets.get(id);
            },
          },
          prices: { price: () => ({ price: spot, stale: false }) },
          options: undefined as never,
        };
        const sub = Subaccount.fromPartial({ owner: "o", number: 0, quoteBalance: "123", portfolioMargin: false });
        const group: Group = { underlying: "ETH", positions, hasOptions: false };
        const short = groupCushionOf(ctx, deps, sub, group);
        const readsAtBuild = reads;
        // Prices that put the first position's value near the largest Dec, where its initial
        // or maintenance margin (a fraction up to 2) overflows while its value does not.
        const first = positions.find((p) => p.size !== 0n);
        const near: bigint[] = [];
        if (first !== undefined) {
          const contracts = (first.size * 10n ** 18n) / 10n ** BigInt(markets.get(first.market)!.sizeDecimals);
          const magnitude = contracts < 0n ? -contracts : contracts;
          for (const tenths of [6n, 9n, 11n]) near.push((DEC_MAX_RAW * 10n ** 18n * tenths) / 10n / magnitude);
        }
        for (const p of [...prices, ...near.filter((p) => p > 0n)]) {
          const a = outcome(() => short(p, NOW));
          const b = outcome(() => groupCushion(ctx, deps, sub, group, p, NOW));
          if (
            JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) !==
            JSON.stringify(b, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))
          )
            return false;
          compared++;
          if ("error" in a) overflowed++;
        }
        // The short path was the one taken: it read the markets once, when built.
        return readsAtBuild === positions.filter((p) => p.size !== 0n).length;
      },
    ),
    { numRuns: 500 },
  );
  t.true(compared >= 500);
  t.true(overflowed > 0 && overflowed < compared, `${overflowed} of ${compared} overflowed`);
});

test("options or portfolio mode take computeRisk's path", (t) => {
  let reads = 0;
  const perp = Market.fromPartial({
    id: "ETH-PERP",
    type: MarketType.MARKET_TYPE_PERPETUAL,
    underlying: "ETH",
    initialMarginFraction: "0.05",
    maintenanceMarginFraction: "0.03",
  });
  const deps: RiskDeps = {
    markets: {
      getMarket: () => {
        reads++;
        return perp;
      },
    },
    prices: { price: () => ({ price: 3000n * 10n ** 18n, stale: false }) },
    options: undefined as never,
  };
  const positions = [Position.fromPartial({ owner: "o", market: "ETH-PERP", size: 5n, entryCost: "0" })];
  const portfolio = Subaccount.fromPartial({ owner: "o", number: 0, quoteBalance: "0", portfolioMargin: true });
  const worstLoss = { ...deps, options: { portfolioWorstLoss: () => 0n } as unknown as RiskDeps["options"] };
  const f = groupCushionOf(ctx, worstLoss, portfolio, { underlying: "ETH", positions, hasOptions: false });
  t.is(reads, 0, "nothing is read up front for the general path");
  f(3000n * 10n ** 18n, NOW);
  t.true(reads > 0);
});
