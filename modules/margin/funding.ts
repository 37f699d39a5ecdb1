/**
 * Perpetual funding: every block samples the premium of the book's impact prices over the
 * oracle price; every `fundingIntervalBlocks` the average premium, capped, is the rate, and
 * each holder pays (longs when positive) or receives size × oracle price × rate.
 */
import { MarketType } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Context } from "../../chain/runtime/types.js";
import { DEC_SCALE, decFromString, decToString, max, min, mul, neg, type Dec } from "../../chain/types/fixed/index.js";
import type { BookReader, ImpactPrice, MarketReaderWithList } from "./expectedKeepers.js";
import type { MarginLedger } from "./ledger.js";
import { sizeToContracts, usdcToUusdcCeil } from "./risk.js";
import { getFundingSamples, getParams, marketHolders, setFundingSamples, type FundingSamples } from "./state.js";

/** Whether funding is paid at the end of block `height`. */
export function fundingDue(height: bigint, intervalBlocks: bigint): boolean {
  return intervalBlocks > 0n && height % intervalBlocks === 0n;
}

/** One block's sample: the impact premium, clamped to ±cap. */
export function premiumSample(
  impact: { bid: ImpactPrice | undefined; ask: ImpactPrice | undefined },
  oracle: Dec,
  cap: Dec,
): Dec {
  return max(neg(cap), min(cap, impactPremium(impact.bid, impact.ask, oracle)));
}

/** The rate an interval's samples pay: their average, truncated toward zero; 0 without samples. */
export function intervalRate(samples: FundingSamples): Dec {
  return samples.count === 0n ? 0n : samples.sum / samples.count;
}

export function runFunding(ctx: Context, keeper: MarginLedger, markets: MarketReaderWithList, book: BookReader): void {
  const params = getParams(ctx);
  const cap = decFromString(params.maxFundingRate);
  const due = fundingDue(ctx.block.height, params.fundingIntervalBlocks);
  for (const market of markets.allMarkets(ctx)) {
    if (market.type !== MarketType.MARKET_TYPE_PERPETUAL) continue;
    const oracle = keeper.deps.prices.price(ctx, market.underlying);
    if (oracle === undefined || oracle.price <= 0n) continue;
    if (oracle.stale) {
      // No sample and no payment on a stale price; the samples so far wait for the next interval.
      if (due)
        ctx.events.emit("funding_paused", [
          ["market", market.id],
          ["reason", "stale_oracle"],
        ]);
      continue;
    }
    const samples = getFundingSamples(ctx, market.id);
    const impact = book.impactPrices(ctx, market, params.fundingImpactNotional);
    // Every block is a sample, a book without depth included: it counts as no premium and pulls
    // the interval's average toward 0 rather than leaving the blocks with depth, or a thin
    // book's best order, to set the rate alone.
    samples.sum += premiumSample(impact, oracle.price, cap);
    samples.count += 1n;
    if (!due) {
      setFundingSamples(ctx, market.id, samples);
      continue;
    }
    setFundingSamples(ctx, market.id, { sum: 0n, count: 0n });
    const rate = intervalRate(samples);
    if (rate === 0n) continue;
    let surplus = 0n;
    for (const id of [...marketHolders(ctx, market.id)]) {
      const p = keeper.getPosition(ctx, id, market.id);
      if (p === undefined) continue;
      const owed = mul(mul(sizeToContracts(market, p.size), oracle.price), rate);
      // Rounded up: payers pay a little more, receivers get a little less; the difference goes to the insurance fund.
      const payment = usdcToUusdcCeil(owed);
      keeper.adjustQuote(ctx, id, -payment);
      surplus += payment;
    }
    keeper.sweepToInsurance(ctx, surplus);
    ctx.events.emit("funding", [
      ["market", market.id],
      ["rate", decToString(rate)],
      ["oracle_price", decToString(oracle.price)],
    ]);
  }
}

/**
 * The premium of one block (dYdX v4): (max(0, impact bid − oracle) − max(0, oracle − impact
 * ask)) / oracle. A side without depth for the impact notional adds nothing (dYdX takes its
 * impact bid as 0 and its impact ask as infinite): a thin side can only take its own term out,
 * and the premium that remains is backed by at least the impact notional of resting orders
 * anyone can trade against. Each term is one exact division, truncated toward zero, so the
 * premium is never larger than the book shows. Impact prices are uusdc per contract; the
 * oracle is a Dec in USDC.
 */
export function impactPremium(bid: ImpactPrice | undefined, ask: ImpactPrice | undefined, oracle: Dec): Dec {
  let premium = 0n;
  if (bid !== undefined) {
    const [price, base] = againstOracle(bid, oracle);
    if (price > base) premium += ((price - base) * DEC_SCALE) / base;
  }
  if (ask !== undefined) {
    const [price, base] = againstOracle(ask, oracle);
    if (base > price) premium -= ((base - price) * DEC_SCALE) / base;
  }
  return premium;
}

/**
 * An impact price and the oracle over one denominator: num / den uusdc against
 * oracle × 1e6 / 1e18 uusdc is num × 1e18 against den × oracle × 1e6.
 */
function againstOracle(p: ImpactPrice, oracle: Dec): [bigint, bigint] {
  return [p.num * DEC_SCALE, p.den * oracle * 1_000_000n];
}
