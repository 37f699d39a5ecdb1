/**
 * Perpetual funding: every block samples the premium of the book's mid over the oracle
 * price; every `fundingIntervalBlocks` the average premium, capped, is the rate, and each
 * holder pays (longs when positive) or receives size × oracle price × rate.
 */
import { MarketType } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Context } from "../../chain/runtime/types.js";
import { DEC_SCALE, decFromString, decToString, max, min, mul, neg, type Dec } from "../../chain/types/fixed/index.js";
import type { BookReader, MarketReaderWithList } from "./expectedKeepers.js";
import type { MarginLedger } from "./ledger.js";
import { sizeToContracts, usdcToUusdcCeil } from "./risk.js";
import { getFundingSamples, getParams, marketHolders, setFundingSamples } from "./state.js";

export function runFunding(ctx: Context, keeper: MarginLedger, markets: MarketReaderWithList, book: BookReader): void {
  const params = getParams(ctx);
  const cap = decFromString(params.maxFundingRate);
  const due = params.fundingIntervalBlocks > 0n && ctx.block.height % params.fundingIntervalBlocks === 0n;
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
    const mid = book.midPrice(ctx, market.id);
    if (mid !== undefined) {
      // mid is uusdc per contract; the oracle Dec is USDC: premium = mid / (oracle × 1e6) − 1.
      const premium = (mid * DEC_SCALE * DEC_SCALE) / (oracle.price * 1_000_000n) - DEC_SCALE;
      samples.sum += max(neg(cap), min(cap, premium));
      samples.count += 1n;
    }
    if (!due) {
      setFundingSamples(ctx, market.id, samples);
      continue;
    }
    setFundingSamples(ctx, market.id, { sum: 0n, count: 0n });
    if (samples.count === 0n) continue;
    const rate: Dec = samples.sum / samples.count;
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
