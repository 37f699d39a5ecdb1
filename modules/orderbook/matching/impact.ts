/**
 * Impact price (dYdX v4, Binance): the average price a market order of a fixed notional
 * would fill at against one side of the resting book. Funding samples it instead of the top
 * of the book, so that the premium is set by depth someone can trade against, not by the
 * best order however small. Pure integer arithmetic; the answer is an exact fraction.
 */

/** A price in uusdc per contract as the exact fraction num / den (den > 0). */
export interface ImpactPrice {
  num: bigint;
  den: bigint;
}

/** What the walk reads of a resting order: uusdc per contract and size units left. */
export interface ImpactLevel {
  price: bigint;
  remaining: bigint;
}

/**
 * The most resting orders one impact read visits on one side. The read runs every block for
 * every perpetual, so its work must not follow the number of orders anyone chooses to rest:
 * past this many the side counts as lacking depth, which can only take that side's term out of
 * the premium (the sample moves toward 0), never let the orders walked set it. At the default
 * 10,000 USDC impact notional a real book needs orders of 50 USDC on average to fill within it.
 */
export const IMPACT_MAX_ORDERS = 200;

/**
 * The average fill price of `notional` uusdc taken from `orders` (best first, as a taker
 * would fill them), or undefined when they hold less than `notional` or it takes more than
 * `maxOrders` of them. An order's notional is price × size / 10^sizeDecimals (whole uusdc:
 * ticks are multiples of 10^sizeDecimals). The last order is taken in part, by notional, so
 * the size bought there is rest × 10^sizeDecimals / price; the average is
 * notional × 10^sizeDecimals / (whole sizes + that part), kept as a fraction so that nothing
 * is rounded before the premium's one division.
 */
export function impactPrice(
  orders: Iterable<ImpactLevel>,
  notional: bigint,
  sizeDecimals: number,
  maxOrders = IMPACT_MAX_ORDERS,
): ImpactPrice | undefined {
  if (notional <= 0n) return undefined;
  const scale = 10n ** BigInt(sizeDecimals);
  let filled = 0n;
  let size = 0n;
  let visited = 0;
  for (const o of orders) {
    if (visited === maxOrders) return undefined;
    visited++;
    const value = (o.price * o.remaining) / scale;
    if (filled + value >= notional) {
      const rest = notional - filled;
      return { num: notional * scale * o.price, den: size * o.price + rest * scale };
    }
    filled += value;
    size += o.remaining;
  }
  return undefined;
}
