/** What `strike query candles|tape` do when they run (marketData.ts defines them). */
import type { Command } from "commander";
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Candle, TapeTrade } from "../../chain/indexer/marketData.js";
import { formatPrice, formatQuote, formatSize } from "../../modules/orderbook/units.js";
import { cliQueries, withComet } from "../abciQuery.js";
import { withNode } from "../client.js";
import { globalOptions, rpcHttpUrl, type GlobalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { print } from "../output.js";
import { table } from "../table.js";

/** Calls a Strike JSON-RPC method; an error answer becomes a CLI error with the node's message. */
async function callRpc<T>(node: string, method: string, params: Record<string, unknown>): Promise<T> {
  const body = await withNode(node, async () => {
    const res = await fetch(rpcHttpUrl(node), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    return (await res.json()) as { result?: T; error?: { message: string; data?: string } };
  });
  if (body.error !== undefined) throw cliErrors.badArgument(`${body.error.message}: ${body.error.data ?? ""}`);
  return body.result as T;
}

async function marketOf(g: GlobalOptions, id: string): Promise<Market> {
  const { markets } = await withComet(g, (c) => cliQueries(c).orderbook.Markets({}));
  const m = markets.find((x) => x.id === id);
  if (m === undefined) throw cliErrors.notFound(`market ${id} does not exist (see \`strike query markets\`)`);
  return m;
}

function limitOf(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1000)
    throw cliErrors.badArgument("--limit must be a whole number from 1 to 1000");
  return Number(text);
}

const isoTime = (seconds: string): string => new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");

export async function showCandles(
  o: { market: string; interval: string; limit: string },
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  if (!["1m", "5m", "1h", "1d"].includes(o.interval))
    throw cliErrors.badArgument(`--interval ${o.interval}: one of 1m, 5m, 1h, 1d`);
  const limit = limitOf(o.limit);
  const m = await marketOf(g, o.market);
  const r = await callRpc<{ candles: Candle[] }>(g.node, "strike_candles", {
    market: o.market,
    interval: o.interval,
    limit: String(limit),
  });
  const candles = r.candles.map((c) => ({
    open_time: isoTime(c.open_time),
    open: formatPrice(BigInt(c.open)),
    high: formatPrice(BigInt(c.high)),
    low: formatPrice(BigInt(c.low)),
    close: formatPrice(BigInt(c.close)),
    volume: formatSize(m, BigInt(c.volume)),
    trades: c.trades,
  }));
  print(g.output, { market: m.id, interval: o.interval, candles }, () =>
    candles.length === 0
      ? `${m.id}: no trades yet`
      : table(
          ["OPEN TIME", "OPEN", "HIGH", "LOW", "CLOSE", "VOLUME", "TRADES"],
          candles.map((c) => [c.open_time, c.open, c.high, c.low, c.close, c.volume, String(c.trades)]),
        ),
  );
}

export async function showTape(o: { market: string; limit: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const limit = limitOf(o.limit);
  const m = await marketOf(g, o.market);
  const r = await callRpc<{ trades: TapeTrade[] }>(g.node, "strike_trades", {
    market: o.market,
    limit: String(limit),
  });
  const trades = r.trades.map((t) => ({
    seq: t.seq,
    height: t.height,
    time: isoTime(t.time),
    price: formatPrice(BigInt(t.price)),
    size: formatSize(m, BigInt(t.size)),
    taker_side: t.taker_side,
    maker: t.maker,
    taker: t.taker,
    liquidation: t.liquidation,
    // USDC each side paid; absent for trades this node indexed before the events carried fees.
    ...(t.maker_fee === undefined || t.taker_fee === undefined
      ? {}
      : { maker_fee: formatQuote(BigInt(t.maker_fee)), taker_fee: formatQuote(BigInt(t.taker_fee)) }),
  }));
  print(g.output, { market: m.id, trades }, () =>
    trades.length === 0
      ? `${m.id}: no trades yet`
      : table(
          ["TIME", "HEIGHT", "SIDE", "PRICE", "SIZE", "LIQ"],
          trades.map((t) => [t.time, t.height, t.taker_side, t.price, t.size, t.liquidation ? "yes" : ""]),
        ),
  );
}
