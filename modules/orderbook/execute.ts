/**
 * Running an accepted order against the book: plan with the pure engine, drop makers that
 * could no longer afford their fill, check the taker's margin, then write everything.
 * Any error before the writes leaves state untouched; after them nothing can fail.
 */
import { MarketStatus, type Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  type Order,
} from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { Context } from "../../chain/runtime/types.js";
import { abs, decFromString, DEC_SCALE } from "../../chain/types/fixed/index.js";
import { orderbookErrors } from "./errors.js";
import type { AccountId, OrderbookMarginKeeper, TradeDelta } from "./expectedKeepers.js";
import {
  matchOrder,
  type Fill,
  type MatchPlan,
  type TakerOrder,
  type TimeInForce as EngineTif,
} from "./matching/index.js";
import {
  addTrade,
  countOwnerOrders,
  deleteOrder,
  getOrder,
  nextTradeSeq,
  saveNewOrder,
  updateRemaining,
} from "./state.js";
import { accountKey, storeBookView, toEngineSide } from "./storeBook.js";
import { notional } from "./units.js";

export interface ExecutedFill {
  makerOrderId: bigint;
  price: bigint;
  size: bigint;
  takerFee: bigint;
  /** As the trade's event says: its sequence number, the resting order's owner and subaccount, the maker's fee. */
  tradeSeq: bigint;
  maker: string;
  makerSubaccount: number;
  makerFee: bigint;
}

export interface Execution {
  orderId: bigint;
  status: "filled" | "rests" | "cancelled_remainder";
  filled: bigint;
  remaining: bigint;
  fills: ExecutedFill[];
  /** Net uusdc the taker paid (+) or received (-), before fees. */
  cost: bigint;
}

export interface ExecuteOptions {
  /** Liquidation orders skip the taker's margin check and pay no trading fee. */
  liquidation?: boolean;
}

function engineTif(tif: TimeInForce): EngineTif {
  switch (tif) {
    case TimeInForce.TIME_IN_FORCE_IOC:
      return "ioc";
    case TimeInForce.TIME_IN_FORCE_FOK:
      return "fok";
    case TimeInForce.TIME_IN_FORCE_POST_ONLY:
      return "post_only";
    default:
      return "gtc";
  }
}

function engineStp(stp: SelfTradePrevention): TakerOrder["stp"] {
  if (stp === SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_TAKER) return "expire_taker";
  if (stp === SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_BOTH) return "expire_both";
  return "expire_maker";
}

/** Fee in uusdc, rounded up. */
export function feeOf(value: bigint, rate: string): bigint {
  const r = decFromString(rate);
  return (value * r + DEC_SCALE - 1n) / DEC_SCALE;
}

function parseAccount(key: string): AccountId {
  const slash = key.lastIndexOf("/");
  return { owner: key.slice(0, slash), number: Number(key.slice(slash + 1)) };
}

/** The maker's side of a fill. */
function makerDelta(market: Market, f: Fill, takerSide: Side): TradeDelta {
  const value = notional(market, f.price, f.size);
  const makerBuys = takerSide === Side.SIDE_SELL;
  return {
    market,
    sizeDelta: makerBuys ? f.size : -f.size,
    cost: makerBuys ? value : -value,
    fee: feeOf(value, market.makerFeeRate),
  };
}

/** The makers' deltas grouped by account, in the order met. */
function makerDeltas(
  market: Market,
  plan: MatchPlan,
  takerSide: Side,
): Map<string, { ids: bigint[]; deltas: TradeDelta[] }> {
  const out = new Map<string, { ids: bigint[]; deltas: TradeDelta[] }>();
  for (const f of plan.fills) {
    const entry = out.get(f.maker.owner) ?? { ids: [], deltas: [] };
    entry.ids.push(f.maker.id);
    entry.deltas.push(makerDelta(market, f, takerSide));
    out.set(f.maker.owner, entry);
  }
  return out;
}

type RemovalReason = "undercollateralized" | "reduce_only" | "expired";

/** Whether the market may trade in this block: active, and for an option series, before its expiry. */
export function tradable(ctx: Context, market: Market): boolean {
  if (market.status !== MarketStatus.MARKET_STATUS_ACTIVE) return false;
  return market.option === undefined || ctx.block.time.seconds < market.option.expiryTime;
}

/**
 * The maker's reduce-only orders among its fills (in the order met) that would increase or
 * flip its position as it stands now: a reduce-only order rests while the position can change.
 */
function reduceOnlyOverfills(
  ctx: Context,
  margin: OrderbookMarginKeeper,
  market: Market,
  account: AccountId,
  ids: readonly bigint[],
  deltas: readonly TradeDelta[],
): bigint[] {
  let position = margin.positionSize(ctx, account, market.id);
  const out: bigint[] = [];
  ids.forEach((id, i) => {
    const size = deltas[i]!.sizeDelta;
    const after = position + size;
    const reduces = position !== 0n && (after === 0n || after > 0n === position > 0n) && abs(after) < abs(position);
    if (!reduces && getOrder(ctx, market.id, id)?.reduceOnly === true) out.push(id);
    else position = after;
  });
  return out;
}

export interface PlannedExecution {
  market: Market;
  order: Order;
  plan: MatchPlan;
  /** Makers dropped because they could not afford their fill, or reduce-only ones that would no longer reduce. */
  removed: ReadonlyMap<bigint, RemovalReason>;
  takerDeltas: TradeDelta[];
  /** The fills plus the resting remainder as if filled: what the taker's margin must carry. */
  worstCaseDeltas: TradeDelta[];
  /** Each maker account's fills in this plan (account key → deltas), for a bundle's later legs. */
  makerDeltas: ReadonlyMap<string, readonly TradeDelta[]>;
}

/** Maker fills already planned in earlier legs of the same bundle, by account key. */
export type PriorMakerDeltas = ReadonlyMap<string, readonly TradeDelta[]>;

/** The defaults, shared rather than made at every call (read only). */
const NO_OPTIONS: ExecuteOptions = {};
const NO_PRIOR: PriorMakerDeltas = new Map();

/**
 * Plans an order's matching without writing anything. Makers that cannot afford all their
 * fills (with `prior` fills from earlier bundle legs) are set aside and matching goes on:
 * however many there are, they never fail the taker. The work is bounded by the tx's gas
 * (each set-aside order is a metered delete) and each pass sets aside every failing maker
 * met, so an order that was paid for once can cost a taker at most one pass.
 */
export function planExecution(
  ctx: Context,
  margin: OrderbookMarginKeeper,
  market: Market,
  order: Order,
  options: ExecuteOptions = NO_OPTIONS,
  prior: PriorMakerDeltas = NO_PRIOR,
): PlannedExecution {
  const taker: TakerOrder = {
    id: order.id,
    owner: accountKey(order.owner, order.subaccount),
    side: toEngineSide(order.side),
    price: order.price,
    size: order.remaining,
    tif:
      order.orderType === OrderType.ORDER_TYPE_MARKET && order.timeInForce !== TimeInForce.TIME_IN_FORCE_FOK
        ? "ioc"
        : engineTif(order.timeInForce),
    stp: engineStp(order.selfTrade),
    stpScope: order.selfTradeAllSubaccounts ? "owner" : "account",
  };
  // Checked at every fill, not only at placement: triggered and liquidation orders never reach a series at or after expiry.
  if (!tradable(ctx, market)) throw orderbookErrors.marketNotActive(`${market.id} has expired or settled`);
  const removed = new Map<bigint, RemovalReason>();
  const clock = { height: ctx.block.height, seconds: ctx.block.time.seconds };
  const onExpired = (id: bigint) => removed.set(id, "expired");
  let plan: MatchPlan;
  let byMaker: Map<string, { ids: bigint[]; deltas: TradeDelta[] }>;
  for (;;) {
    plan = matchOrder(storeBookView(ctx, market.id, removed, clock, onExpired), taker);
    if (plan.outcome === "rejected_post_only") throw orderbookErrors.postOnlyWouldCross(`in ${market.id}`);
    if (plan.outcome === "rejected_fok") throw orderbookErrors.fillOrKillNotFilled(`in ${market.id}`);
    let dropped = false;
    byMaker = makerDeltas(market, plan, order.side);
    for (const [owner, { ids, deltas }] of byMaker) {
      const account = parseAccount(owner);
      const overfilling = reduceOnlyOverfills(ctx, margin, market, account, ids, deltas);
      for (const id of overfilling) removed.set(id, "reduce_only");
      const earlier = prior.get(owner);
      if (overfilling.length > 0) dropped = true;
      else if (!margin.meetsInitialMargin(ctx, account, earlier === undefined ? deltas : [...earlier, ...deltas])) {
        for (const id of ids) removed.set(id, "undercollateralized");
        dropped = true;
      }
    }
    if (!dropped) break;
  }
  const takerDelta = (price: bigint, size: bigint, rate: string): TradeDelta => {
    const value = notional(market, price, size);
    const buy = order.side === Side.SIDE_BUY;
    return {
      market,
      sizeDelta: buy ? size : -size,
      cost: buy ? value : -value,
      fee: options.liquidation === true ? 0n : feeOf(value, rate),
    };
  };
  const takerDeltas = plan.fills.map((f) => takerDelta(f.price, f.size, market.takerFeeRate));
  const worstCaseDeltas = [...takerDeltas];
  if (plan.rest !== undefined)
    worstCaseDeltas.push(takerDelta(plan.rest.price, plan.rest.remaining, market.makerFeeRate));
  const planned = new Map<string, readonly TradeDelta[]>();
  for (const [owner, { deltas }] of byMaker) planned.set(owner, deltas);
  return { market, order, plan, removed, takerDeltas, worstCaseDeltas, makerDeltas: planned };
}

/** Checks what only the taker's state decides: open-order count for a resting remainder. */
export function checkRestingLimit(ctx: Context, p: PlannedExecution): void {
  const { market, order } = p;
  if (
    p.plan.rest !== undefined &&
    countOwnerOrders(ctx, order.owner, order.subaccount, market.id) >= market.maxOpenOrders
  )
    throw orderbookErrors.tooManyOpenOrders(`at most ${market.maxOpenOrders} in ${market.id}`);
}

/** Writes a planned execution: cancellations, fills on both sides, trades, the resting remainder. */
export function applyExecution(
  ctx: Context,
  margin: OrderbookMarginKeeper,
  p: PlannedExecution,
  options: ExecuteOptions = NO_OPTIONS,
): Execution {
  const { market, order, plan } = p;
  const account = { owner: order.owner, number: order.subaccount };
  for (const [id, reason] of p.removed) cancelById(ctx, market.id, id, reason);
  for (const e of plan.expired) cancelById(ctx, market.id, e.id, "self_trade");
  const status = plan.outcome === "filled" ? "filled" : plan.outcome === "rests" ? "rests" : "cancelled_remainder";
  // Every accepted order is an event, whether it rests, fills at once or expires.
  ctx.events.emit("order_placed", [
    ["market", market.id],
    ["order_id", order.id.toString()],
    ["owner", order.owner],
    ["subaccount", String(order.subaccount)],
    ["side", order.side === Side.SIDE_BUY ? "buy" : "sell"],
    ["price", order.price.toString()],
    ["size", order.remaining.toString()],
    ["status", status],
    ["remaining", plan.remaining.toString()],
  ]);
  const fills: ExecutedFill[] = [];
  let cost = 0n;
  plan.fills.forEach((f, i) => {
    const maker = getOrder(ctx, market.id, f.maker.id)!;
    const makerSide = makerDelta(market, f, order.side);
    margin.applyTrade(ctx, { owner: maker.owner, number: maker.subaccount }, makerSide);
    margin.applyTrade(ctx, account, p.takerDeltas[i]!);
    if (f.makerRemaining === 0n) deleteOrder(ctx, maker);
    else updateRemaining(ctx, maker, f.makerRemaining);
    cost += p.takerDeltas[i]!.cost;
    const tradeSeq = recordTrade(ctx, market, maker, order, f, options.liquidation === true, {
      maker: makerSide.fee,
      taker: p.takerDeltas[i]!.fee,
    });
    fills.push({
      makerOrderId: maker.id,
      price: f.price,
      size: f.size,
      takerFee: p.takerDeltas[i]!.fee,
      tradeSeq,
      maker: maker.owner,
      makerSubaccount: maker.subaccount,
      makerFee: makerSide.fee,
    });
  });
  if (plan.rest !== undefined) {
    saveNewOrder(ctx, { ...order, remaining: plan.rest.remaining }, true);
  } else if (plan.remaining > 0n) {
    ctx.events.emit("order_expired", [
      ["market", market.id],
      ["order_id", order.id.toString()],
      ["owner", order.owner],
      ["remaining", plan.remaining.toString()],
      ["reason", plan.cancelReason ?? "ioc"],
    ]);
  }
  return { orderId: order.id, status, filled: plan.filled, remaining: plan.remaining, fills, cost };
}

/** Plan, check the taker's margin (unless liquidating), apply. */
export function executeOrder(
  ctx: Context,
  margin: OrderbookMarginKeeper,
  market: Market,
  order: Order,
  options: ExecuteOptions = NO_OPTIONS,
): Execution {
  const planned = planExecution(ctx, margin, market, order, options);
  if (options.liquidation !== true) {
    if (!margin.meetsInitialMargin(ctx, { owner: order.owner, number: order.subaccount }, planned.worstCaseDeltas))
      throw orderbookErrors.insufficientMargin(`${order.owner}/${order.subaccount} in ${market.id}`);
    checkRestingLimit(ctx, planned);
  }
  return applyExecution(ctx, margin, planned, options);
}

/** Stores the trade and emits its event, with the fee each side paid (uusdc; what a receipt's fills report); returns its sequence number. */
function recordTrade(
  ctx: Context,
  market: Market,
  maker: Order,
  taker: Order,
  { price, size }: Pick<Fill, "price" | "size">,
  liquidation: boolean,
  fees: { maker: bigint; taker: bigint },
): bigint {
  const seq = nextTradeSeq(ctx);
  addTrade(ctx, {
    seq,
    market: market.id,
    height: ctx.block.height,
    time: ctx.block.time.seconds,
    price,
    size,
    takerSide: taker.side,
    makerOrderId: maker.id,
    takerOrderId: taker.id,
    maker: accountKey(maker.owner, maker.subaccount),
    taker: accountKey(taker.owner, taker.subaccount),
    liquidation,
  });
  ctx.events.emit("trade", [
    ["market", market.id],
    ["seq", seq.toString()],
    ["price", price.toString()],
    ["size", size.toString()],
    ["taker_side", taker.side === Side.SIDE_BUY ? "buy" : "sell"],
    ["maker", maker.owner],
    ["taker", taker.owner],
    ["maker_order_id", maker.id.toString()],
    ["taker_order_id", taker.id.toString()],
    ["liquidation", String(liquidation)],
    ["maker_fee", fees.maker.toString()],
    ["taker_fee", fees.taker.toString()],
    // Last, so that readers of the attributes above by position see them unchanged.
    ["maker_subaccount", String(maker.subaccount)],
    ["taker_subaccount", String(taker.subaccount)],
  ]);
  return seq;
}

/** Deletes an order and says why; unknown ids are ignored. */
export function cancelById(ctx: Context, market: string, id: bigint, reason: string): Order | undefined {
  const o = getOrder(ctx, market, id);
  if (o === undefined) return undefined;
  deleteOrder(ctx, o);
  ctx.events.emit("order_cancelled", [
    ["market", market],
    ["order_id", id.toString()],
    ["owner", o.owner],
    ["subaccount", String(o.subaccount)],
    ["remaining", o.remaining.toString()],
    ["reason", reason],
  ]);
  return o;
}
