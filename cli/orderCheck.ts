/**
 * An order's market-shape checks before it is signed: the market exists and trades, and the
 * price, trigger price and size are decimals on its tick and lot within range, with the
 * orderbook module's own parsing (modules/orderbook/units.ts). The chain would refuse such
 * an order too, but only in its block, after charging the tx's fee; here the trader gets
 * the reason at once and nothing is sent. So is an order that is not reduce-only while its
 * underlying's oracle price is stale (as of the latest block), and one from a subaccount that
 * has no collateral at all, read on the sequencer's speculative state. The rest of what
 * depends on the account (margin, reduce-only, client ids) is left to the sequencer, whose
 * state is newer than anything this command could read.
 */
import { MarketStatus, MarketType, type Market } from "../chain/codec/generated/strike/orderbook/v1/market.js";
import { StrikeError } from "../chain/types/errors.js";
import { formatQuote, notional, parsePrice, parseSize } from "../modules/orderbook/units.js";
import { cliQueries, withComet } from "./abciQuery.js";
import type { GlobalOptions } from "./context.js";
import { cliErrors } from "./errors.js";
import { speculativeQueries } from "./speculativeQuery.js";

export interface OrderShape {
  market: string;
  price: string;
  size: string;
  /** "" when none. */
  triggerPrice?: string;
  /** "worst price" for a market order. */
  priceName?: string;
  /** What an error calls this order ("leg 2 (…)"); nothing when the message has one order. */
  label?: string;
  /** 0 or absent: none. */
  goodTilBlock?: bigint;
  /** Unix seconds; 0 or absent: none. */
  goodTilTime?: bigint;
  /** A reduce-only order is taken on a stale oracle price; nothing else is (bundle legs never are). */
  reduceOnly?: boolean;
}

/** The oracle's view of an asset as the order check needs it: unknown, stale, or fresh. */
export type OracleState = ReadonlyMap<string, { stale: boolean; height: bigint }>;

/** The first problem with `o` in `market`, as the chain would word it; undefined when none. */
export function orderShapeProblem(
  market: Market | undefined,
  o: OrderShape,
  nowSeconds?: bigint,
  latestHeight?: bigint,
  oracle?: OracleState,
): string | undefined {
  if (market === undefined) return `unknown market "${o.market}" (see \`strike query markets\`)`;
  if (market.status !== MarketStatus.MARKET_STATUS_ACTIVE) return `${market.id} is settled: it takes no orders`;
  if (oracle !== undefined) {
    const p = oracle.get(market.underlying);
    if (p === undefined) return `the oracle has no ${market.underlying} price: ${market.id} takes no orders`;
    if (p.stale && o.reduceOnly !== true)
      return `the ${market.underlying} oracle price is stale (last at height ${p.height}): ${market.id} takes only reduce-only orders until a fresh one (strike query oracle ${market.underlying})`;
  }
  // The order lands in a block above the latest, no earlier than it: these have expired already.
  if (
    latestHeight !== undefined &&
    o.goodTilBlock !== undefined &&
    o.goodTilBlock !== 0n &&
    o.goodTilBlock <= latestHeight
  )
    return `good-til-block ${o.goodTilBlock} is not above the latest height ${latestHeight}: the order would already be expired`;
  if (nowSeconds !== undefined && o.goodTilTime !== undefined && o.goodTilTime !== 0n && o.goodTilTime <= nowSeconds)
    return `good-til-time ${o.goodTilTime} is not after the latest block time ${nowSeconds}: the order would already be expired`;
  if (
    nowSeconds !== undefined &&
    market.type === MarketType.MARKET_TYPE_OPTION &&
    market.option !== undefined &&
    nowSeconds >= market.option.expiryTime
  )
    return `${market.id} has expired: it takes no orders`;
  try {
    const price = parsePrice(market, o.price, o.priceName ?? "price");
    const size = parseSize(market, o.size);
    if (o.triggerPrice !== undefined && o.triggerPrice !== "") parsePrice(market, o.triggerPrice, "trigger price");
    const value = notional(market, price, size);
    if (value < market.minNotional)
      return `${formatQuote(value)} USDC is below ${market.id}'s minimum order value of ${formatQuote(market.minNotional)} USDC`;
  } catch (e) {
    if (e instanceof StrikeError) return e.message;
    throw e;
  }
  return undefined;
}

/** Reads the markets and refuses, before anything is signed, an order the chain would refuse for its shape. */
export async function checkOrderShapes(g: GlobalOptions, orders: readonly OrderShape[]): Promise<void> {
  const { markets, time, height, oracle } = await withComet(g, async (c) => {
    const q = cliQueries(c);
    const [{ markets }, { prices }, status] = await Promise.all([
      q.orderbook.Markets({}),
      q.oracle.Prices({}),
      c.status(),
    ]);
    return {
      markets,
      oracle: new Map(prices.map((p) => [p.asset, { stale: p.stale, height: p.height }])),
      time: BigInt(Math.floor(status.syncInfo.latestBlockTime.getTime() / 1000)),
      height: BigInt(status.syncInfo.latestBlockHeight),
    };
  });
  const byId = new Map(markets.map((m) => [m.id, m]));
  for (const o of orders) {
    const problem = orderShapeProblem(byId.get(o.market), o, time, height, oracle);
    if (problem !== undefined)
      throw cliErrors.badArgument(`${o.label === undefined ? "" : `${o.label}: `}${problem}; nothing was sent`);
  }
}

/**
 * Refuses, before anything is signed, a cancel in a market that does not exist: the chain
 * refuses it only in its block, after charging the fee.
 */
export async function checkMarketsExist(g: GlobalOptions, ids: readonly string[]): Promise<void> {
  const { markets } = await withComet(g, (c) => cliQueries(c).orderbook.Markets({}));
  const known = new Set(markets.map((m) => m.id));
  for (const id of ids)
    if (!known.has(id))
      throw cliErrors.badArgument(`unknown market "${id}" (see \`strike query markets\`); nothing was sent`);
}

/**
 * Refuses, before anything is signed, an order from a subaccount that has no collateral record
 * (never deposited to): the chain refuses it in the block (orderbook code 24), after charging
 * the fee. Read on the sequencer's speculative state, so that a deposit receipted a moment ago
 * counts; when that state cannot be read the check is skipped and the chain decides.
 */
export async function checkSubaccountExists(g: GlobalOptions, owner: string, subaccount: number): Promise<void> {
  let subaccounts: readonly { subaccount: { number: number } | undefined }[];
  try {
    subaccounts = (await speculativeQueries(g).queries.margin.Subaccounts({ owner })).subaccounts;
  } catch {
    return;
  }
  if (subaccounts.some((v) => v.subaccount?.number === subaccount)) return;
  throw cliErrors.badArgument(
    `subaccount ${subaccount} of ${owner} has no collateral: deposit first (strike tx margin deposit <amount>uusdc${subaccount === 0 ? "" : ` --subaccount ${subaccount}`} --from <key>); nothing was sent`,
  );
}
