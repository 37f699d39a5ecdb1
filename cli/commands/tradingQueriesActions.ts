/** What the trading queries do when they run (tradingQueries.ts defines them). */
import type { Command } from "commander";
import type { QuerySubaccountsResponse } from "../../chain/codec/generated/strike/margin/v1/query.js";
import { MarketType, OptionKind, type Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { Side, type Order, type Trade } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import type * as q from "../../chain/codec/generated/strike/orderbook/v1/query.js";
import { formatPrice, formatSize } from "../../modules/orderbook/units.js";
import { cliQueries, withComet } from "../abciQuery.js";
import { addressArg, globalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { print } from "../output.js";
import { decimalSub, l1CheckpointedHeight, speculativeQueries } from "../speculativeQuery.js";
import { table } from "../table.js";

function marketJson(m: Market) {
  return {
    id: m.id,
    type: m.type === MarketType.MARKET_TYPE_OPTION ? "option" : "perpetual",
    underlying: m.underlying,
    tick_size: formatPrice(m.tickSize),
    lot_size: formatSize(m, m.lotSize),
    min_notional: formatPrice(m.minNotional),
    maker_fee_rate: m.makerFeeRate,
    taker_fee_rate: m.takerFeeRate,
    initial_margin_fraction: m.initialMarginFraction,
    maintenance_margin_fraction: m.maintenanceMarginFraction,
    status: m.status === 2 ? "settled" : "active",
    ...(m.option === undefined
      ? {}
      : {
          option: {
            kind: m.option.kind === OptionKind.OPTION_KIND_PUT ? "put" : "call",
            strike: formatPrice(m.option.strikePrice),
            expiry: new Date(Number(m.option.expiryTime) * 1000).toISOString(),
            implied_volatility: m.option.impliedVolatility,
            settlement_price: m.option.settlementPrice === 0n ? "" : formatPrice(m.option.settlementPrice),
          },
        }),
  };
}

type Subaccounts = ReturnType<typeof QuerySubaccountsResponse.decode>;

/** Position sizes by "subaccount/market". */
function sizesOf(r: Subaccounts): Map<string, string> {
  const sizes = new Map<string, string>();
  for (const s of r.subaccounts)
    for (const p of s.positions) sizes.set(`${s.subaccount?.number ?? 0}/${p.market}`, p.size);
  return sizes;
}

interface Tier {
  committed_size: string;
  soft_size: string;
  /** The size in the state last checkpointed on L1, when this node knows it. */
  checkpointed_size?: string;
}

/**
 * Per subaccount/market: the committed size, what rests on receipts only (speculative −
 * committed) and, when known, the size in the state last checkpointed on L1.
 */
function finalityTiers(committed: Subaccounts, speculative: Subaccounts, l1: ReadonlyMap<string, string> | undefined) {
  const sizes = sizesOf(committed);
  const tiers = new Map<string, Tier>();
  for (const s of speculative.subaccounts)
    for (const p of s.positions) {
      const key = `${s.subaccount?.number ?? 0}/${p.market}`;
      const c = sizes.get(key) ?? "0";
      tiers.set(key, {
        committed_size: c,
        soft_size: decimalSub(p.size, c),
        ...(l1 === undefined ? {} : { checkpointed_size: l1.get(key) ?? "0" }),
      });
    }
  return tiers;
}

function closedSoftly(
  committed: Subaccounts,
  speculative: Subaccounts,
  l1: ReadonlyMap<string, string> | undefined,
  number: number,
) {
  const open = new Set(
    speculative.subaccounts
      .filter((s) => (s.subaccount?.number ?? 0) === number)
      .flatMap((s) => s.positions.map((p) => p.market)),
  );
  return committed.subaccounts
    .filter((s) => (s.subaccount?.number ?? 0) === number)
    .flatMap((s) => s.positions.filter((p) => !open.has(p.market)))
    .map((p) => ({
      market: p.market,
      committed_size: p.size,
      soft_size: decimalSub("0", p.size),
      ...(l1 === undefined ? {} : { checkpointed_size: l1.get(`${number}/${p.market}`) ?? "0" }),
    }));
}

/** Per market held in the L1 state but in neither the committed nor the speculative one: closed since the checkpoint. */
function closedSinceCheckpoint(
  committed: Subaccounts,
  speculative: Subaccounts,
  l1: ReadonlyMap<string, string>,
  number: number,
) {
  const open = new Set([...sizesOf(committed).keys(), ...sizesOf(speculative).keys()]);
  return [...l1]
    .filter(([key, size]) => key.startsWith(`${number}/`) && !open.has(key) && !/^-?0(\.0*)?$/.test(size))
    .map(([key, size]) => ({
      market: key.slice(key.indexOf("/") + 1),
      checkpointed_size: size,
      committed_size: "0",
      soft_size: "0",
    }));
}

/** The owner's subaccount numbers, in either state. */
function subaccountNumbers(committed: Subaccounts, speculative: Subaccounts): number[] {
  const numbers = [...committed.subaccounts, ...speculative.subaccounts].map((s) => s.subaccount?.number ?? 0);
  return [...new Set(numbers)];
}

export async function showMarkets(_o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const { markets } = await withComet(g, (c) => cliQueries(c).orderbook.Markets({}));
  const rows = markets.map(marketJson);
  print(g.output, { markets: rows }, () =>
    table(
      ["MARKET", "TYPE", "TICK", "LOT", "MAKER", "TAKER", "STATUS", "EXPIRY", "IV"],
      rows.map((m) => [
        m.id,
        m.type,
        m.tick_size,
        m.lot_size,
        m.maker_fee_rate,
        m.taker_fee_rate,
        m.status,
        m.option?.expiry.slice(0, 16) ?? "",
        m.option?.implied_volatility ?? "",
      ]),
    ),
  );
}

export async function showMarks(market: string | undefined, _o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const r = await withComet(g, (c) => cliQueries(c).margin.Marks({ market: market ?? "" }));
  const marks = r.marks.map((m) => ({
    market: m.market,
    type: m.type === MarketType.MARKET_TYPE_OPTION ? "option" : "perpetual",
    underlying: m.underlying,
    mark: m.mark,
    spot: m.spot,
    stale: m.stale,
    settled: m.settled,
  }));
  print(g.output, { height: r.height.toString(), marks }, () =>
    [
      `marks at height ${r.height}`,
      table(
        ["MARKET", "TYPE", "MARK", "SPOT", "STATUS"],
        marks.map((m) => [
          m.market,
          m.type,
          m.mark || "-",
          m.spot || "-",
          m.settled ? "settled" : m.mark === "" ? "no price" : m.stale ? "STALE" : "",
        ]),
      ),
    ].join("\n"),
  );
}

/** A query's count (the field is a uint32). */
function uint32(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw cliErrors.badArgument(`${flag} must be a whole number`);
  const n = Number(text);
  if (n > 0xffffffff) throw cliErrors.badArgument(`${flag} ${text} is too large (at most 4294967295)`);
  return n;
}

export async function showBook(market: string, o: { levels: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const levels = uint32(o.levels, "--levels");
  const r = await withComet(g, (c) => cliQueries(c).orderbook.Book({ market, levels }));
  const m = r.market!;
  const level = (l: q.BookLevel) => ({
    price: formatPrice(l.price),
    size: formatSize(m, l.size),
    orders: l.orders,
  });
  const out = { market: m.id, bids: r.bids.map(level), asks: r.asks.map(level) };
  print(g.output, out, () => {
    const asks = [...out.asks].reverse().map((l) => ["ask", l.price, l.size, String(l.orders)]);
    const bids = out.bids.map((l) => ["bid", l.price, l.size, String(l.orders)]);
    if (asks.length + bids.length === 0) return `${m.id}: the book is empty`;
    return `${m.id}\n${table(["SIDE", "PRICE", "SIZE", "ORDERS"], [...asks, ...bids])}`;
  });
}

export async function showTrades(o: { market: string; limit: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const limit = uint32(o.limit, "--limit");
  const { r, markets } = await withComet(g, async (c) => ({
    r: await cliQueries(c).orderbook.Trades({ market: o.market, limit }),
    markets: await cliQueries(c).orderbook.Markets({}),
  }));
  const m = markets.markets.find((x) => x.id === o.market)!;
  const trades = r.trades.map((t: Trade) => ({
    seq: t.seq.toString(),
    height: t.height.toString(),
    time: new Date(Number(t.time) * 1000).toISOString(),
    price: formatPrice(t.price),
    size: formatSize(m, t.size),
    taker_side: t.takerSide === Side.SIDE_BUY ? "buy" : "sell",
    maker: t.maker,
    taker: t.taker,
    liquidation: t.liquidation,
  }));
  print(g.output, { market: o.market, trades }, () =>
    trades.length === 0
      ? `no trades in ${o.market}`
      : table(
          ["HEIGHT", "TIME", "SIDE", "PRICE", "SIZE", "LIQ"],
          trades.map((t) => [
            t.height,
            t.time.slice(11, 19),
            t.taker_side,
            t.price,
            t.size,
            t.liquidation ? "yes" : "",
          ]),
        ),
  );
}

export async function showPositions(addr: string, o: { state: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const owner = addressArg(g, addr);
  if (o.state !== "committed" && o.state !== "speculative")
    throw cliErrors.badArgument(`--state must be committed or speculative, got "${o.state}"`);
  const committedState = await withComet(g, (c) => cliQueries(c).margin.Subaccounts({ owner }));
  const speculative = o.state === "speculative" ? speculativeQueries(g) : undefined;
  const spec =
    speculative === undefined
      ? undefined
      : { value: await speculative.queries.margin.Subaccounts({ owner }), height: speculative.height() ?? "" };
  const r = spec?.value ?? committedState;
  // The L1 tier: each position's size in the state of the height last checkpointed on L1.
  const l1 =
    spec === undefined ? undefined : await checkpointedSizes(g, owner, subaccountNumbers(committedState, spec.value));
  const l1Sizes = l1 !== undefined && "sizes" in l1 ? l1.sizes : undefined;
  const tiers = spec === undefined ? undefined : finalityTiers(committedState, spec.value, l1Sizes);
  const out = r.subaccounts.map((s) => ({
    subaccount: s.subaccount?.number ?? 0,
    portfolio_margin: s.subaccount?.portfolioMargin ?? false,
    collateral: s.collateral,
    equity: s.equity,
    initial_margin: s.initialMargin,
    maintenance_margin: s.maintenanceMargin,
    free_collateral: s.freeCollateral,
    liquidatable: s.liquidatable,
    greeks: { delta: s.delta, gamma: s.gamma, vega: s.vega, theta: s.theta },
    positions: s.positions.map((p) => ({
      market: p.market,
      size: p.size,
      entry_price: p.entryPrice,
      mark_price: p.markPrice,
      unrealized_pnl: p.unrealizedPnl,
      initial_margin: p.initialMargin,
      maintenance_margin: p.maintenanceMargin,
      liquidation_price: p.liquidationPrice,
      delta: p.delta,
      gamma: p.gamma,
      vega: p.vega,
      theta: p.theta,
      ...(tiers === undefined ? {} : tiers.get(`${s.subaccount?.number ?? 0}/${p.market}`)),
    })),
    // Positions the receipted txs closed: committed, gone in the speculative state.
    ...(tiers === undefined
      ? {}
      : { closed_softly: closedSoftly(committedState, r, l1Sizes, s.subaccount?.number ?? 0) }),
    // Positions closed since the last checkpoint: still open in the state L1 holds, gone in both others.
    ...(l1Sizes === undefined
      ? {}
      : { closed_since_checkpoint: closedSinceCheckpoint(committedState, r, l1Sizes, s.subaccount?.number ?? 0) }),
  }));
  const l1Json =
    l1 === undefined
      ? {}
      : {
          checkpointed_on_l1:
            "sizes" in l1 ? { height: l1.height.toString() } : { available: false, reason: l1.unavailable },
        };
  const state = spec === undefined ? {} : { state: "speculative", sequencing_height: spec.height, ...l1Json };
  print(g.output, { owner, ...state, subaccounts: out }, () => {
    if (out.length === 0) return `${owner} has no subaccounts (deposit with \`strike tx margin deposit\`)`;
    return out
      .map((s) => {
        const l1Line =
          l1 === undefined
            ? ""
            : "sizes" in l1
              ? `\n  checkpointed on L1: the state after height ${l1.height}`
              : `\n  checkpointed on L1: not available (${l1.unavailable})`;
        const head = `subaccount ${s.subaccount}${s.portfolio_margin ? " (portfolio margin)" : ""}: equity ${s.equity} USDC, collateral ${s.collateral}, initial margin ${s.initial_margin}, maintenance ${s.maintenance_margin}, free ${s.free_collateral}${s.liquidatable ? "  LIQUIDATABLE" : ""}${spec === undefined ? "" : `\n  speculative: the sequencer's state at height ${spec.height}, receipted fills included`}${l1Line}`;
        if (tiers !== undefined) {
          const withL1 = l1Sizes !== undefined;
          const rows = s.positions.map((p) => {
            const t = tiers.get(`${s.subaccount}/${p.market}`);
            return [
              p.market,
              p.size,
              ...(withL1 ? [t?.checkpointed_size ?? "0"] : []),
              t?.committed_size ?? "0",
              t?.soft_size ?? p.size,
              p.entry_price,
              p.mark_price,
              p.unrealized_pnl,
            ];
          });
          // Closed, softly or since the checkpoint: size 0 now, the other tiers say what is still to settle.
          for (const c of [...(s.closed_softly ?? []), ...(s.closed_since_checkpoint ?? [])])
            rows.push([
              c.market,
              "0",
              ...(withL1 ? [c.checkpointed_size ?? "0"] : []),
              c.committed_size,
              c.soft_size,
              "-",
              "-",
              "-",
            ]);
          const columns = [
            "MARKET",
            "SIZE",
            ...(withL1 ? ["CHECKPOINTED"] : []),
            "COMMITTED",
            "SOFT",
            "ENTRY",
            "MARK",
            "PNL",
          ];
          return `${head}\n${table(columns, rows)}`;
        }
        if (s.positions.length === 0) return `${head}\n  no positions`;
        const rows = s.positions.map((p) => [
          p.market,
          p.size,
          p.entry_price,
          p.mark_price,
          p.unrealized_pnl,
          p.initial_margin,
          p.liquidation_price || "-",
          p.delta,
          p.gamma,
          p.vega,
          p.theta,
        ]);
        return `${head}\n${table(["MARKET", "SIZE", "ENTRY", "MARK", "PNL", "IM", "LIQ PRICE", "DELTA", "GAMMA", "VEGA", "THETA"], rows)}`;
      })
      .join("\n\n");
  });
}

export async function showOrders(addr: string, o: { market: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const owner = addressArg(g, addr);
  const { r, markets } = await withComet(g, async (c) => ({
    r: await cliQueries(c).orderbook.Orders({ owner, market: o.market }),
    markets: await cliQueries(c).orderbook.Markets({}),
  }));
  const byId = new Map(markets.markets.map((m) => [m.id, m]));
  const orders = r.orders.map((x: Order) => {
    const m = byId.get(x.market)!;
    return {
      order_id: x.id.toString(),
      client_id: x.clientId.toString(),
      market: x.market,
      subaccount: x.subaccount,
      side: x.side === Side.SIDE_BUY ? "buy" : "sell",
      price: formatPrice(x.price),
      size: formatSize(m, x.size),
      remaining: formatSize(m, x.remaining),
      trigger_price: x.triggerPrice === 0n ? "" : formatPrice(x.triggerPrice),
    };
  });
  print(g.output, { owner, orders }, () =>
    orders.length === 0
      ? `${owner} has no open orders`
      : table(
          ["ID", "CLIENT", "MARKET", "SIDE", "PRICE", "REMAINING", "TRIGGER"],
          orders.map((x) => [x.order_id, x.client_id, x.market, x.side, x.price, x.remaining, x.trigger_price]),
        ),
  );
}

/**
 * The sizes of the owner's positions in the state last checkpointed on L1, in every market
 * for each of its subaccounts (keys "subaccount/market"; a position closed since then is
 * found too), read one by one with the margin module's Position query (point reads, which a
 * node serves at past heights; listing a past state is not), or why they cannot be read.
 */
async function checkpointedSizes(
  g: ReturnType<typeof globalOptions>,
  owner: string,
  subaccounts: readonly number[],
): Promise<{ height: bigint; sizes: Map<string, string> } | { unavailable: string }> {
  const at = await l1CheckpointedHeight(g);
  if ("unavailable" in at) return at;
  try {
    return await withComet(g, async (c) => {
      const { markets } = await cliQueries(c).orderbook.Markets({});
      const past = cliQueries(c, at.height);
      const sizes = new Map<string, string>();
      for (const subaccount of subaccounts) {
        const found = await Promise.all(markets.map((m) => past.margin.Position({ owner, subaccount, market: m.id })));
        markets.forEach((m, i) => sizes.set(`${subaccount}/${m.id}`, formatSize(m, found[i]!.position?.size ?? 0n)));
      }
      return { height: at.height, sizes };
    });
  } catch (e) {
    return {
      unavailable: `the state at height ${at.height} cannot be read on this node (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}
