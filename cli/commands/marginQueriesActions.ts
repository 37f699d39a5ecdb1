/** What the margin queries do when they run (marginQueries.ts defines them): params, and funding with its last payment. */
import type { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { Command } from "commander";
import type { MarginParams } from "../../chain/codec/generated/strike/margin/v1/margin.js";
import type { MarketFunding, QueryFundingResponse } from "../../chain/codec/generated/strike/margin/v1/query.js";
import { decFromString } from "../../chain/types/fixed/index.js";
import { isMarketId } from "../../modules/orderbook/markets.js";
import { unitsToDecimal } from "../../modules/orderbook/units.js";
import { cliQueries, withComet } from "../abciQuery.js";
import { globalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { print } from "../output.js";
import { table } from "../table.js";

/** A decimal fraction as an exact percentage ("0.005" → "0.5"). */
function percent(fraction: string): string {
  return unitsToDecimal(decFromString(fraction), 16);
}

/** An exact decimal without trailing zeros ("0.005000000000000000" → "0.005"). */
function trimmed(decimal: string): string {
  return unitsToDecimal(decFromString(decimal), 18);
}

/** Each param as genesis names it, its value with its unit, and what it does. */
const PARAM_DOCS: readonly { name: string; value: (p: MarginParams) => string; meaning: string }[] = [
  {
    name: "funding_interval_blocks",
    value: (p) => `${p.fundingIntervalBlocks} blocks`,
    meaning: "funding is paid at the end of every block whose height is a multiple of this (0: never)",
  },
  {
    name: "max_funding_rate",
    value: (p) => `${p.maxFundingRate} (${percent(p.maxFundingRate)}%) of the notional per interval`,
    meaning: "each block's premium sample is capped at ± this, and so is the funding rate",
  },
  {
    name: "funding_impact_notional",
    value: (p) => `${unitsToDecimal(p.fundingImpactNotional, 6)} USDC (${p.fundingImpactNotional} uusdc)`,
    meaning:
      "premiums are sampled at the average price of selling and of buying this much against the book; a side with less depth adds nothing",
  },
  {
    name: "liquidation_penalty",
    value: (p) => `${p.liquidationPenalty} (${percent(p.liquidationPenalty)}%) of the liquidated notional`,
    meaning: "paid by the liquidated account to the insurance fund, never more than its remaining equity",
  },
  {
    name: "option_otm_factor",
    value: (p) => `${p.optionOtmFactor} (${percent(p.optionOtmFactor)}%) of spot`,
    meaning:
      "short option margin per contract: the mark plus max(this × spot − out-of-the-money amount, option_min_factor × (spot for a call, strike for a put))",
  },
  {
    name: "option_min_factor",
    value: (p) => `${p.optionMinFactor} (${percent(p.optionMinFactor)}%) of spot (call) or strike (put)`,
    meaning: "the floor of a short option's margin beyond its mark, however far out of the money",
  },
  {
    name: "option_maintenance_ratio",
    value: (p) => `${p.optionMaintenanceRatio} (${percent(p.optionMaintenanceRatio)}%) of initial margin`,
    meaning: "maintenance margin of short options and of portfolio-margin subaccounts",
  },
  {
    name: "option_portfolio_short_minimum",
    value: (p) =>
      `${p.optionPortfolioShortMinimum} (${percent(p.optionPortfolioShortMinimum)}%) of spot per short option contract`,
    meaning: "portfolio margin is never less than this, whatever the short options' hedges",
  },
  {
    name: "settlement_twap_blocks",
    value: (p) => `${p.settlementTwapBlocks} blocks`,
    meaning: "an expired option series settles at the average oracle price of this many blocks",
  },
];

export async function showMarginParams(_o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const { params } = await withComet(g, (c) => cliQueries(c).margin.Params({}));
  const p = params!;
  print(
    g.output,
    {
      funding_interval_blocks: p.fundingIntervalBlocks.toString(),
      max_funding_rate: p.maxFundingRate,
      funding_impact_notional: p.fundingImpactNotional.toString(),
      liquidation_penalty: p.liquidationPenalty,
      option_otm_factor: p.optionOtmFactor,
      option_min_factor: p.optionMinFactor,
      option_maintenance_ratio: p.optionMaintenanceRatio,
      option_portfolio_short_minimum: p.optionPortfolioShortMinimum,
      settlement_twap_blocks: p.settlementTwapBlocks.toString(),
    },
    () => PARAM_DOCS.map((d) => `${d.name}: ${d.value(p)}\n    ${d.meaning}`).join("\n"),
  );
}

/** What happened to a market at the last payment height, from that block's end-block events. */
type LastPayment =
  | { height: string; time: string; rate: string; oracle_price: string }
  | { height: string; time: string; paused: string }
  | { height: string; unavailable: string };

interface BlockFacts {
  time: string;
  /** The block's end-block events of each kind, by market. */
  funding: Map<string, { rate: string; oracle_price: string }>;
  paused: Map<string, string>;
}

async function blockTime(comet: Comet38Client, height: number): Promise<{ getTime(): number; toISOString(): string }> {
  const meta = (await comet.blockchain(height, height)).blockMetas.find((m) => m.header.height === height);
  if (meta === undefined) throw cliErrors.notFound(`the node has no block ${height}`);
  return meta.header.time;
}

async function paymentBlock(comet: Comet38Client, height: number): Promise<BlockFacts | { unavailable: string }> {
  try {
    const [time, results] = await Promise.all([blockTime(comet, height), comet.blockResults(height)]);
    const facts: BlockFacts = { time: time.toISOString(), funding: new Map(), paused: new Map() };
    for (const e of results.finalizeBlockEvents) {
      const attr = (key: string) => e.attributes.find((a) => a.key === key)?.value ?? "";
      if (e.type === "funding")
        facts.funding.set(attr("market"), { rate: trimmed(attr("rate")), oracle_price: trimmed(attr("oracle_price")) });
      else if (e.type === "funding_paused") facts.paused.set(attr("market"), attr("reason"));
    }
    return facts;
  } catch (e) {
    return {
      unavailable: `block ${height} cannot be read on this node (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}

function lastPayment(
  m: MarketFunding,
  height: bigint,
  block: BlockFacts | { unavailable: string } | undefined,
): LastPayment | null {
  if (block === undefined) return null;
  const h = height.toString();
  if ("unavailable" in block) return { height: h, unavailable: block.unavailable };
  const paid = block.funding.get(m.market);
  if (paid !== undefined) return { height: h, time: block.time, ...paid };
  const paused = block.paused.get(m.market);
  if (paused !== undefined) return { height: h, time: block.time, paused };
  // No event: a zero rate moves nothing (or the market had no oracle price then).
  return { height: h, time: block.time, rate: "0", oracle_price: "" };
}

/** The next payment's time from the block rate over the last (up to) 100 blocks, in whole milliseconds. */
async function estimateTime(comet: Comet38Client, r: QueryFundingResponse): Promise<string> {
  const span = r.height - 1n < 100n ? r.height - 1n : 100n;
  if (span < 1n || r.nextPaymentHeight === 0n) return "";
  try {
    const [from, to] = await Promise.all([
      blockTime(comet, Number(r.height - span)),
      blockTime(comet, Number(r.height)),
    ]);
    const [t0, t1] = [BigInt(from.getTime()), BigInt(to.getTime())];
    return new Date(Number(t1 + ((t1 - t0) * (r.nextPaymentHeight - r.height)) / span)).toISOString();
  } catch {
    return "";
  }
}

function marketJson(m: MarketFunding, last: LastPayment | null) {
  return {
    market: m.market,
    underlying: m.underlying,
    oracle_price: m.oraclePrice,
    stale: m.stale,
    samples: m.samples.toString(),
    average_premium: m.averagePremium,
    rate: m.rate,
    book_premium: m.bookPremium,
    impact_bid: m.impactBid,
    impact_ask: m.impactAsk,
    last_payment: last,
  };
}

type FundingJson = ReturnType<typeof marketJson>;

function lastText(l: LastPayment | null): string {
  if (l === null) return "none yet";
  if ("unavailable" in l) return "unavailable";
  if ("paused" in l) return `paused (${l.paused})`;
  return l.rate;
}

function fundingText(
  r: QueryFundingResponse,
  next: { height: string; blocks_left: string; estimated_time: string } | null,
  block: BlockFacts | { unavailable: string } | undefined,
  markets: FundingJson[],
): string {
  const time = new Date(Number(r.time) * 1000).toISOString();
  const head = [
    `funding at height ${r.height} (${time}): paid every ${r.fundingIntervalBlocks} blocks, each block's premium capped at ±${r.maxFundingRate} (${percent(r.maxFundingRate)}%)`,
    next === null
      ? "next payment: never (funding_interval_blocks is 0)"
      : `next payment: height ${next.height}, in ${next.blocks_left} blocks${next.estimated_time === "" ? "" : ` (about ${next.estimated_time} at the recent block rate)`}`,
    block === undefined
      ? "last payment: none yet"
      : `last payment: height ${r.lastPaymentHeight}${"unavailable" in block ? `, ${block.unavailable}` : ` (${block.time})`}`,
  ];
  const rows = markets.map((m) => [
    m.market,
    m.stale ? `${m.oracle_price} STALE` : m.oracle_price || "no price",
    m.samples,
    m.average_premium,
    m.rate,
    m.rate === "0" ? "" : `${percent(m.rate)}%`,
    m.book_premium || "-",
    lastText(m.last_payment),
  ]);
  return [
    ...head,
    "",
    table(["MARKET", "ORACLE", "SAMPLES", "AVG PREMIUM", "RATE NOW", "RATE %", "BOOK PREMIUM", "LAST RATE"], rows),
    "",
    "RATE NOW: paid if the interval ended now, a fraction of the notional (> 0: longs pay shorts). `--help` explains each field.",
  ].join("\n");
}

export async function showFunding(market: string | undefined, _o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  if (market !== undefined && !isMarketId(market))
    throw cliErrors.badArgument(`"${market}" is not a market id: upper-case letters, digits and dashes, e.g. ETH-PERP`);
  const { r, block, estimated } = await withComet(g, async (c) => {
    const r = await cliQueries(c).margin.Funding({ market: market ?? "" });
    const block = r.lastPaymentHeight > 0n ? await paymentBlock(c, Number(r.lastPaymentHeight)) : undefined;
    return { r, block, estimated: await estimateTime(c, r) };
  });
  const next =
    r.nextPaymentHeight === 0n
      ? null
      : {
          height: r.nextPaymentHeight.toString(),
          blocks_left: (r.nextPaymentHeight - r.height).toString(),
          estimated_time: estimated,
        };
  const markets = r.markets.map((m) => marketJson(m, lastPayment(m, r.lastPaymentHeight, block)));
  const out = {
    height: r.height.toString(),
    time: new Date(Number(r.time) * 1000).toISOString(),
    funding_interval_blocks: r.fundingIntervalBlocks.toString(),
    max_funding_rate: r.maxFundingRate,
    next_payment: next,
    markets,
  };
  print(g.output, out, () => fundingText(r, next, block, markets));
}
