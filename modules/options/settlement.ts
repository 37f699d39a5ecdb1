/**
 * Expiry: in the first block at or after an option's expiry, its orders are cancelled, the
 * settlement price is the oracle's time-weighted average over the final blocks, every
 * position is paid its payoff in cash, and the market is closed. On a stale oracle price the
 * settlement waits (a `settlement_paused` event each block) until the price is fresh, and
 * then until the whole averaging window is past the height it became fresh at: an average
 * reaching back before it would weigh the stale price in (after a pause, a fresh 2,500 once
 * settled at 2,983.33 because 29 of the 30 blocks still held the stale 3,000).
 */
import { MarketStatus, MarketType } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Context } from "../../chain/runtime/types.js";
import { decToString } from "../../chain/types/fixed/index.js";
import type { OptionsMargin, OptionsMarketKeeper, OptionsOracle } from "./expectedKeepers.js";
import { payoffPerContract } from "./pricer.js";

export interface OptionsDeps {
  markets: OptionsMarketKeeper;
  oracle: OptionsOracle;
  margin: OptionsMargin;
}

const UUSDC_PER_DEC = 10n ** 12n;

export function settleExpiredOptions(ctx: Context, deps: OptionsDeps): void {
  const window = deps.margin.params(ctx).settlementTwapBlocks;
  for (const market of [...deps.markets.allMarkets(ctx)]) {
    if (market.type !== MarketType.MARKET_TYPE_OPTION || market.status !== MarketStatus.MARKET_STATUS_ACTIVE) continue;
    if (market.option === undefined || ctx.block.time.seconds < market.option.expiryTime) continue;
    const spot = deps.oracle.price(ctx, market.underlying);
    // A stale oracle means the final window's average is made of old prices: wait for a fresh one.
    if (spot?.stale === true) {
      ctx.events.emit("settlement_paused", [
        ["market", market.id],
        ["reason", "stale_oracle"],
      ]);
      continue;
    }
    if (spot !== undefined && spot.freshSince > 0n && spot.freshSince > ctx.block.height - window + 1n) {
      ctx.events.emit("settlement_paused", [
        ["market", market.id],
        ["reason", "oracle_fresh_again"],
        ["fresh_since", spot.freshSince.toString()],
      ]);
      continue;
    }
    const settlement = deps.oracle.twap(ctx, market.underlying, window) ?? spot?.price;
    // Without any price the market waits: settling at a made-up price would move real money.
    if (settlement === undefined) continue;
    deps.markets.closeMarket(ctx, market.id, "market_settled");
    const payoff = payoffPerContract(market, settlement);
    const closed = deps.margin.settleMarket(ctx, market, payoff);
    deps.markets.settleSeries(ctx, market.id, settlement / UUSDC_PER_DEC);
    ctx.events.emit("option_settled", [
      ["market", market.id],
      ["settlement_price", decToString(settlement)],
      ["payoff", decToString(payoff)],
      ["positions", String(closed)],
    ]);
  }
}
