/** Cash settlement of an expired option market: every holder is paid (or pays) the payoff and the position closes. */
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Context } from "../../chain/runtime/types.js";
import { mul, type Dec } from "../../chain/types/fixed/index.js";
import type { MarginLedger } from "./ledger.js";
import { sizeToContracts, usdcToUusdcFloor } from "./risk.js";
import { marketHolders } from "./state.js";

/** Pays `payoff` USDC per contract to longs from shorts; returns how many positions closed. */
export function settleMarketPositions(ctx: Context, keeper: MarginLedger, market: Market, payoff: Dec): number {
  let closed = 0;
  let surplus = 0n;
  for (const id of [...marketHolders(ctx, market.id)]) {
    const p = keeper.getPosition(ctx, id, market.id);
    if (p === undefined) continue;
    const owed = mul(sizeToContracts(market, p.size), payoff);
    // Rounded down: longs receive a little less, shorts pay a little more, never the reverse.
    const amount = usdcToUusdcFloor(owed);
    keeper.adjustQuote(ctx, id, amount);
    surplus -= amount;
    keeper.setPosition(ctx, { ...p, size: 0n, entryCost: "0" });
    closed++;
  }
  keeper.sweepToInsurance(ctx, surplus);
  return closed;
}
