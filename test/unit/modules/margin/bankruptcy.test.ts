/**
 * How a bankrupt account's deficit is split between its positions: by each position's
 * unrealised loss (by maintenance margin only when none shows a loss), never more on one
 * position than takes its price to a tick, and the rest left for the insurance fund.
 */
import test from "ava";
import fc from "fast-check";
import type { Market } from "../../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { DEC_ONE } from "../../../../chain/types/fixed/index.js";
import { carryBounds, deficitShares, equityShares, unrealisedLoss } from "../../../../modules/margin/bankruptcy.js";
import type { AccountRisk, PositionRisk } from "../../../../modules/margin/risk.js";
import { defaultMarkets } from "../../../../modules/orderbook/markets.js";
import { assertProperty } from "../../../helpers/property.js";

const MARKETS = defaultMarkets(1_700_000_000n);
const byId = (id: string): Market => MARKETS.find((m) => m.id === id)!;
const BTC = byId("BTC-PERP");
const ETH = byId("ETH-PERP");
const CALL = MARKETS.find((m) => m.id.endsWith("-3400-C"))!;

/** A position as risk sees it; only size, entry cost, value and mm matter to the split. */
function position(market: Market, size: bigint, entryCost: bigint, value: bigint, mm = 0n): PositionRisk {
  return {
    position: { owner: "o", subaccount: 0, market: market.id, size, entryCost: entryCost.toString() },
    market,
    contracts: 0n,
    spot: 0n,
    mark: 0n,
    value,
    im: mm,
    mm,
    greeks: { price: 0n, delta: DEC_ONE, gamma: 0n, vega: 0n, theta: 0n },
    stale: false,
  };
}

function account(equity: bigint, positions: PositionRisk[]): AccountRisk {
  return {
    quoteBalance: 0n,
    equity,
    im: 0n,
    mm: positions.reduce((a, p) => a + p.mm, 0n),
    positions,
  };
}

const USDC = 1_000_000n;

test("the red team's account: a BTC crash's deficit lands on BTC, none on the short call that did not lose", (t) => {
  // Long 0.05 BTC from 60,000, now 36,000; short 1 ETH 3400 call sold at 32, marked at 31.8,
  // whose maintenance margin (about 60) is far more than BTC's (54).
  const btc = position(BTC, 500n, 3_000n * USDC, 1_800n * USDC, 54n * USDC);
  const call = position(CALL, -100n, -32n * USDC, -31_800_000n, 60n * USDC);
  const shares = equityShares(account(-200n * USDC, [btc, call]));
  t.deepEqual(shares, [-200n * USDC, 0n]);
});

test("the deficit is split by unrealised loss, not by maintenance margin", (t) => {
  const btc = position(BTC, 500n, 3_000n * USDC, 2_400n * USDC, 72n * USDC); // lost 600
  const eth = position(ETH, 1_000n, 3_000n * USDC, 2_800n * USDC, 84n * USDC); // lost 200
  t.deepEqual(equityShares(account(-400n * USDC, [btc, eth])), [-300n * USDC, -100n * USDC]);
});

test("a deficit larger than one position can carry goes to the other losing positions; what none can carry stays", (t) => {
  // BTC (0.05 at 20,000, worth 1,000) can carry 1,000 less a tick (1 USDC × 0.05) = 999.95.
  const btc = position(BTC, 500n, 3_000n * USDC, 1_000n * USDC, 30n * USDC); // lost 2,000
  const eth = position(ETH, 1_000n, 3_000n * USDC, 2_700n * USDC, 81n * USDC); // lost 300
  const profit = position(ETH, -1_000n, -3_000n * USDC, -2_700n * USDC, 81n * USDC); // gained: carries nothing
  t.deepEqual(equityShares(account(-1_900n * USDC, [btc, eth, profit])), [-999_950_000n, -900_050_000n, 0n]);
  // Alone, BTC carries what it can; the other 800.05 is left unplaced, a debt for the insurance fund.
  const alone = equityShares(account(-1_800n * USDC, [btc]));
  t.deepEqual(alone, [-999_950_000n]);
  t.is(-1_800n * USDC - alone[0]!, -800_050_000n);
});

test("a deficit with no unrealised loss behind it (funding, fees) is split by maintenance margin", (t) => {
  const btc = position(BTC, 500n, 3_000n * USDC, 3_000n * USDC, 90n * USDC);
  const eth = position(ETH, -1_000n, -3_100n * USDC, -3_000n * USDC, 30n * USDC);
  t.deepEqual(equityShares(account(-12n * USDC, [btc, eth])), [-9n * USDC, -3n * USDC]);
});

test("a short worth less than a tick per contract is bought back at the tick, and the cost joins the deficit", (t) => {
  // 1 call worth 0.03 (tick 0.1): bought back at 0.1, the account pays 0.07 more.
  const cheap = position(CALL, -100n, -50_000n, -30_000n, 5n * USDC);
  const btc = position(BTC, 500n, 3_000n * USDC, 2_900n * USDC, 87n * USDC);
  t.deepEqual(carryBounds(cheap), { least: -70_000n, most: -70_000n });
  t.deepEqual(equityShares(account(-10n * USDC, [cheap, btc])), [70_000n, -10_070_000n]);
});

test("positive equity is still split by maintenance margin", (t) => {
  const btc = position(BTC, 500n, 3_000n * USDC, 2_400n * USDC, 72n * USDC);
  const eth = position(ETH, 1_000n, 3_000n * USDC, 3_000n * USDC, 24n * USDC);
  t.deepEqual(equityShares(account(48n * USDC, [btc, eth])), [36n * USDC, 12n * USDC]);
});

const MARKET_CHOICES = [BTC, ETH, CALL];
const positionArb = fc
  .record({
    market: fc.constantFrom(...MARKET_CHOICES),
    size: fc.bigInt(1n, 100_000n),
    long: fc.boolean(),
    value: fc.oneof(fc.bigInt(0n, 1_000n), fc.bigInt(0n, 10n ** 12n)),
    entry: fc.oneof(fc.constant(0n), fc.bigInt(0n, 10n ** 12n)),
    mm: fc.oneof(fc.constant(0n), fc.bigInt(0n, 10n ** 10n)),
  })
  .map((r) => {
    const sign = r.long ? 1n : -1n;
    return position(r.market, sign * r.size, sign * r.entry, sign * r.value, r.mm);
  });

test("property: a deficit's split never prices a close at or below zero, carries no more than exists, and only leaves unplaced what no losing position can take", (t) => {
  assertProperty(
    t,
    fc.property(fc.array(positionArb, { minLength: 1, maxLength: 5 }), fc.bigInt(1n, 10n ** 13n), (ps, deficit) => {
      const risk = account(-deficit, ps);
      const shares = deficitShares(risk);
      const carry = shares.map((s) => -s);
      const bounds = ps.map(carryBounds);
      const anyLoss = ps.some((p) => unrealisedLoss(p) > 0n);
      const anyMm = ps.some((p) => p.mm > 0n);
      // The weights the split uses: losses, else maintenance margin, else value.
      const weight = (p: PositionRisk) =>
        anyLoss ? unrealisedLoss(p) : anyMm ? p.mm : p.value < 0n ? -p.value : p.value;
      let free = 0n;
      ps.forEach((p, i) => {
        const { least, most } = bounds[i]!;
        if (carry[i]! < least || carry[i]! > most) throw new Error(`carry ${carry[i]} outside [${least}, ${most}]`);
        // What the counterparties pay for a long (or get for a short) in all: never zero or less.
        const proceeds = p.value + carry[i]!;
        if ((p.position.size > 0n ? proceeds : -proceeds) <= 0n)
          throw new Error(`position ${i} closed for ${proceeds}`);
        if (weight(p) === 0n && carry[i] !== least) throw new Error(`a position without loss carries ${carry[i]}`);
        free += carry[i]! - least;
      });
      const need = deficit - bounds.reduce((a, b) => a + b.least, 0n);
      if (free > (need > 0n ? need : 0n)) throw new Error(`carries ${free} of ${need}`);
      if (free < need)
        ps.forEach((p, i) => {
          if (weight(p) > 0n && carry[i] !== bounds[i]!.most)
            throw new Error(`left ${need - free} unplaced while position ${i} had room`);
        });
      return true;
    }),
    { numRuns: 500 },
  );
});
