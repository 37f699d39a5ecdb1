/**
 * The node's dashboard, served at /ui: markets with mark, oracle, funding (the rate the
 * current interval would pay, from the margin Funding query) and 24 h change;
 * the chosen market's depth chart, ladder, trade tape and candles; an address's margin and
 * positions; recent blocks and validators. One websocket carries every call and topic.
 */
import { MarketType, type Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { showAccount } from "./account.js";
import { BlocksView } from "./blocks.js";
import { BookView, type BookMessage } from "./book.js";
import { CandleChart, type CandleJson } from "./chart.js";
import { fill, row } from "./format.js";
import { dec, percent, price, time, units } from "./numbers.js";
import { ReceiptsView } from "./receipts.js";
import { NodeSocket, nodeQueries } from "./rpc.js";

interface TradeJson {
  seq: string;
  time: string;
  price: string;
  size: string;
  taker_side: string;
}

const node = new NodeSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/websocket`);
const queries = nodeQueries(node);
const book = new BookView();
let chart: CandleChart;
let markets: Market[] = [];
const oracle = new Map<string, string>();
/** Each market's mark (the price margin values positions at), the height it is from, and whether it is stale. */
const marks = new Map<string, { mark: string; height: bigint; stale: boolean }>();

/** Each perpetual's funding rate if its interval ended now, and a line on when it is paid. */
const funding = new Map<string, { rate: string; about: string }>();
/** How often the funding column is read again: its average moves by one sample a block. */
const FUNDING_REFRESH_MS = 5_000;
const change = new Map<string, string>();
let selected = "";
let interval = "1m";
let tape: TradeJson[] = [];
/** Subscription ids of the chosen market, dropped when another is chosen. */
let marketSubs: { id: number; params: Record<string, string> }[] = [];

/** Keeps the newer of a queried and a pushed mark, whichever arrives last. */
function setMark(market: string, mark: string, height: bigint, stale: boolean): void {
  if ((marks.get(market)?.height ?? -1n) <= height) marks.set(market, { mark, height, stale });
}

function renderMarkets(): void {
  const rows = markets.map((m) => {
    const spot = oracle.get(m.underlying);
    const mark = marks.get(m.id);
    const ch = change.get(m.id) ?? "–";
    const f = funding.get(m.id);
    const tr = row([
      m.id,
      mark === undefined ? "–" : [dec(mark.mark), mark.stale ? "stale" : ""],
      spot === undefined ? "–" : dec(spot),
      f === undefined ? "–" : [`${percent(f.rate, 4)}%`, f.rate.startsWith("-") ? "sell" : ""],
      [ch, ch.startsWith("-") ? "sell" : ch === "–" ? "" : "buy"],
    ]);
    if (f !== undefined) tr.cells[3]!.title = f.about;
    tr.dataset["market"] = m.id;
    if (m.id === selected) tr.className = "sel";
    tr.onclick = () => void choose(m.id);
    return tr;
  });
  fill(document.querySelector("#markets tbody")!, rows);
}

function renderTape(): void {
  const m = markets.find((x) => x.id === selected);
  fill(
    document.querySelector("#tape tbody")!,
    tape
      .slice(0, 30)
      .map((t) =>
        row([time(t.time), [t.taker_side, t.taker_side], price(t.price), units(t.size, m?.sizeDecimals ?? 0)]),
      ),
  );
}

async function loadChange(m: Market): Promise<void> {
  const r = await node.call<{ candles: CandleJson[] }>("strike_candles", { market: m.id, interval: "1h", limit: "24" });
  const first = r.candles[0];
  const last = r.candles[r.candles.length - 1];
  if (first === undefined || last === undefined) return;
  const bp = ((BigInt(last.close) - BigInt(first.open)) * 10000n) / BigInt(first.open);
  change.set(m.id, `${units(bp, 2)}%`);
}

async function subscribeMarket(params: Record<string, string>, push: (r: unknown) => void): Promise<unknown> {
  const { id, answer } = await node.subscribe("strike_subscribe", params, push);
  marketSubs.push({ id, params });
  return answer;
}

async function subscribeBook(market: string): Promise<void> {
  const params = { topic: "book", market };
  const answer = (await subscribeMarket(params, (r) => {
    // A gap in sequence numbers: start again from a fresh snapshot.
    if (!book.apply(r as BookMessage)) void resubscribeBook(market);
  })) as { snapshot: BookMessage };
  book.apply(answer.snapshot);
}

async function resubscribeBook(market: string): Promise<void> {
  const sub = marketSubs.find((s) => s.params["topic"] === "book");
  marketSubs = marketSubs.filter((s) => s !== sub);
  if (sub !== undefined) await node.unsubscribe(sub.id, "strike_unsubscribe", sub.params);
  await subscribeBook(market);
}

async function choose(market: string): Promise<void> {
  for (const s of marketSubs) await node.unsubscribe(s.id, "strike_unsubscribe", s.params);
  marketSubs = [];
  selected = market;
  renderMarkets();
  book.sizeDecimals = markets.find((m) => m.id === market)?.sizeDecimals ?? 0;
  await subscribeBook(market);
  tape = (await node.call<{ trades: TradeJson[] }>("strike_trades", { market, limit: "30" })).trades;
  renderTape();
  await subscribeMarket({ topic: "trades", market }, (r) => {
    tape.unshift((r as { trade: TradeJson }).trade);
    renderTape();
    const m = markets.find((x) => x.id === market);
    if (m !== undefined) void loadChange(m).then(renderMarkets);
  });
  await loadCandles();
}

async function loadCandles(): Promise<void> {
  const old = marketSubs.find((s) => s.params["topic"] === "candles");
  if (old !== undefined) {
    marketSubs = marketSubs.filter((s) => s !== old);
    await node.unsubscribe(old.id, "strike_unsubscribe", old.params);
  }
  const r = await node.call<{ candles: CandleJson[] }>("strike_candles", { market: selected, interval, limit: "300" });
  chart.set(r.candles);
  await subscribeMarket({ topic: "candles", market: selected, interval }, (m) =>
    chart.update((m as { candle: CandleJson }).candle),
  );
}

async function loadPrices(): Promise<void> {
  for (const p of (await queries.oracle.Prices({})).prices) oracle.set(p.asset, p.price);
  const r = await queries.margin.Marks({ market: "" });
  for (const m of r.marks) if (m.mark !== "") setMark(m.market, m.mark, r.height, m.stale);
}

/**
 * Every perpetual's funding: the rate its interval would pay if it ended at the latest height
 * (positive: longs pay shorts), with when it is next paid; options pay none and show "–".
 */
async function loadFunding(): Promise<void> {
  const r = await queries.margin.Funding({ market: "" });
  for (const m of r.markets) {
    const paid = r.nextPaymentHeight === 0n ? "never paid (interval 0)" : `paid at height ${r.nextPaymentHeight}`;
    const state = m.stale ? "; oracle stale: no samples" : "";
    funding.set(m.market, {
      rate: m.rate,
      about: `if the interval ended at height ${r.height}: ${m.samples} samples, ${paid}${state}`,
    });
  }
}

/** The prices topic: oracle prices, marks that moved, and funding paid (the column is read again). */
function onPrice(message: unknown): void {
  const {
    kind,
    height,
    attributes: a,
  } = message as { kind: string; height: string; attributes: Record<string, string> };
  if (kind === "oracle" && a["asset"] !== undefined) oracle.set(a["asset"], a["price"] ?? "");
  if (kind === "mark" && a["market"] !== undefined)
    setMark(a["market"], a["mark"] ?? "", BigInt(height), a["stale"] === "true");
  if (kind === "funding") void loadFunding().then(renderMarkets, () => undefined);
  renderMarkets();
}

async function main(): Promise<void> {
  const conn = document.getElementById("conn")!;
  node.onStatus = (up) => {
    conn.textContent = up ? "live" : "disconnected";
    conn.className = `conn ${up ? "ok" : "bad"}`;
  };
  await node.open();
  chart = new CandleChart(document.getElementById("chart")!);
  const status = await node.call<{ node_info: { network: string; moniker: string } }>("status");
  document.getElementById("chain")!.textContent = `${status.node_info.network} · ${status.node_info.moniker}`;
  const res = await queries.orderbook.Markets({});
  // Perpetuals first, then options by id.
  markets = [...res.markets].sort(
    (a, b) => Number(a.type === MarketType.MARKET_TYPE_OPTION) - Number(b.type === MarketType.MARKET_TYPE_OPTION),
  );
  // Subscribed before the first read, so no price that moves in between is missed.
  await node.subscribe("strike_subscribe", { topic: "prices" }, onPrice);
  await loadPrices();
  await Promise.all([...markets.map(loadChange), loadFunding()]);
  renderMarkets();
  setInterval(() => void loadFunding().then(renderMarkets, () => undefined), FUNDING_REFRESH_MS);
  const first = markets[0];
  if (first !== undefined) await choose(first.id);
  document.getElementById("interval")!.onchange = (e) => {
    interval = (e.target as HTMLSelectElement).value;
    void loadCandles();
  };
  let accountSub: number | undefined;
  const receipts = new ReceiptsView(node);
  document.getElementById("account-form")!.onsubmit = (e) => {
    e.preventDefault();
    const address = (document.getElementById("address") as HTMLInputElement).value.trim();
    receipts.onlyAccount(address);
    void (async () => {
      if (accountSub !== undefined)
        await node.unsubscribe(accountSub, "strike_unsubscribe", { topic: "account", address });
      await showAccount(queries, address);
      // Fills and order events of this address refresh its positions.
      accountSub = (
        await node.subscribe(
          "strike_subscribe",
          { topic: "account", address },
          () => void showAccount(queries, address),
        )
      ).id;
    })().catch((err: unknown) => {
      document.getElementById("account")!.textContent = String(err);
    });
  };
  await new BlocksView(node, receipts).start();
}

main().catch((e: unknown) => {
  document.getElementById("conn")!.textContent = `error: ${String(e)}`;
  console.error(e);
});
