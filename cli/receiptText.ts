/** Receipts in a trader's words (sizes in contracts, prices and fees in USDC): what `strike tx …` and `strike receipt watch` print. */
import type { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { Market } from "../chain/codec/generated/strike/orderbook/v1/market.js";
import { signedReceiptFromJson, type ReceiptJson } from "../chain/sequencer/receiptJson.js";
import { Receipt } from "../chain/sequencer/receipt.js";
import { placedOrders } from "../chain/sequencer/receiptResult.js";
import { makerFees } from "../chain/sequencer/receiptTrades.js";
import type { PositionTierJson } from "../chain/sequencer/softPositions.js";
import { formatPrice, formatQuote, formatSize } from "../modules/orderbook/units.js";
import { cliQueries } from "./abciQuery.js";

export interface ReceiptFillJson {
  side: string;
  size: string;
  market: string;
  price: string;
  liquidity: string;
  fee: string;
}

/** The markets a receipt's fills traded in (their size decimals), when it has fills; none when they cannot be read. */
export async function fillMarkets(comet: Comet38Client, r: ReceiptJson): Promise<ReadonlyMap<string, Market>> {
  if ((r.receipt as { fills: unknown[] }).fills.length === 0) return new Map();
  return marketsById(comet);
}

/** Every market by id (for their size decimals); none when they cannot be read. */
export async function marketsById(comet: Comet38Client): Promise<ReadonlyMap<string, Market>> {
  try {
    const { markets } = await cliQueries(comet).orderbook.Markets({});
    return new Map(markets.map((m) => [m.id, m]));
  } catch {
    return new Map();
  }
}

/** A fill in contracts and USDC, as the rest of the CLI prints them; in the chain's integer units when its market is unknown. */
export function fillText(f: ReceiptFillJson, markets: ReadonlyMap<string, Market>): string {
  const m = markets.get(f.market);
  const integers = [f.size, f.price, f.fee].every((x) => /^-?[0-9]+$/.test(x));
  if (m === undefined || !integers)
    return `${f.side} ${f.size} ${f.market} @ ${f.price} (${f.liquidity}, fee ${f.fee} uusdc; size and price in chain units)`;
  const fee = `fee ${formatQuote(BigInt(f.fee))} USDC`;
  return `${f.side} ${formatSize(m, BigInt(f.size))} ${f.market} @ ${formatPrice(BigInt(f.price))} (${f.liquidity}, ${fee})`;
}

/** A fill as `decodedReceiptJson` gives it, both owners included. */
export interface ReceiptFillDetailJson extends ReceiptFillJson {
  order_id: string;
  counterparty_order_id: string;
  account?: string;
  subaccount?: number;
  counterparty?: string;
  counterparty_subaccount?: number;
}

/** A Receipt event's value: the receipt, the stage it reached, and the positions it moves. */
export interface ReceiptEventJson extends ReceiptJson {
  accounts?: string[];
  positions?: PositionTierJson[];
  checkpointed_height?: string;
}

const opposite: Record<string, string> = { buy: "sell", sell: "buy", maker: "taker", taker: "maker" };

/** A size in contracts; in chain units, labelled, when the market is unknown. */
function sizeText(size: string, m: Market | undefined): string {
  if (m === undefined || !/^-?[0-9]+$/.test(size)) return `${size} (chain units)`;
  return formatSize(m, BigInt(size));
}

/**
 * A receipt as it streams to a watcher, a few lines: its stage and place, each fill (from
 * the side of `viewer` when the viewer's resting order is the one hit), and the positions it
 * moves by finality tier.
 */
export function receiptEventText(e: ReceiptEventJson, markets: ReadonlyMap<string, Market>, viewer?: string): string {
  const d = e.receipt as {
    height: string;
    index: number;
    tx_hash: string;
    status: string;
    code: number;
    codespace: string;
    log: string;
    sequencer_address: string;
    epoch: string;
    fills: ReceiptFillDetailJson[];
  };
  const stage = e.stage ?? d.status;
  const lines = [
    `${stage}: height ${d.height} index ${d.index}, tx ${d.tx_hash}, by ${d.sequencer_address} (epoch ${d.epoch})` +
      (d.status === "rejected" ? `\n  rejected: code ${d.code} (${d.codespace || "-"}): ${d.log}` : ""),
  ];
  const fees = viewer === undefined ? undefined : makerFeesOf(e);
  for (const [i, f] of d.fills.entries()) {
    const m = markets.get(f.market);
    const price = /^[0-9]+$/.test(f.price) ? formatPrice(BigInt(f.price)) : f.price;
    const owner = `${f.account ?? "?"}/${f.subaccount ?? 0}`;
    const other = `${f.counterparty ?? "?"}/${f.counterparty_subaccount ?? 0}`;
    if (viewer !== undefined && f.counterparty === viewer && f.account !== viewer) {
      // The viewer's resting order was hit: its side is the other one. The fill carries the
      // taker's fee; the viewer's own is in the trade the promised result records.
      const fee = fees?.[i];
      const feeText = fee === undefined ? "" : `, your fee ${formatQuote(fee)} USDC`;
      lines.push(
        `  your fill: ${opposite[f.side] ?? f.side} ${sizeText(f.size, m)} ${f.market} @ ${price} (${opposite[f.liquidity] ?? f.liquidity}${feeText}, order ${f.counterparty_order_id}, subaccount ${f.counterparty_subaccount ?? 0}) against ${owner}`,
      );
    } else {
      lines.push(`  fill: ${owner} ${fillText(f, markets)} against order ${f.counterparty_order_id} of ${other}`);
    }
  }
  for (const p of e.positions ?? []) {
    const m = markets.get(p.market);
    const l1 =
      p.checkpointed_size === undefined
        ? ""
        : `, checkpointed ${sizeText(p.checkpointed_size, m)} (L1, height ${e.checkpointed_height ?? "?"})`;
    const committed = p.committed_size === "" ? "unknown" : sizeText(p.committed_size, m);
    lines.push(
      `  position ${p.account}/${p.subaccount} ${p.market}: committed ${committed}, soft ${sizeText(p.soft_size, m)}${l1}`,
    );
  }
  return lines.join("\n");
}

/** The maker's fee of each fill, from the receipt's promised result; undefined when that cannot be read. */
function makerFeesOf(r: ReceiptJson): bigint[] | undefined {
  try {
    return makerFees(Receipt.decode(signedReceiptFromJson(r).receipt));
  } catch {
    return undefined;
  }
}

const ORDER_STATUS: Record<string, (o: { filled: string; remaining: string }) => string> = {
  rests: (o) => `rests on the book with ${o.remaining}`,
  filled: (o) => `filled ${o.filled}`,
  cancelled_remainder: (o) => `filled ${o.filled}, the other ${o.remaining} not kept`,
  untriggered: () => "waits off the book for its trigger",
};

/**
 * The orders the receipt says the tx placed, a line each with the id a cancel takes, read
 * from the signed receipt's result (taken only when it hashes to the receipt's result_hash),
 * before the commit. `marketOf` names the market of the tx's message at an index.
 */
export function receiptOrderLines(r: ReceiptJson, marketOf: (msgIndex: number) => string | undefined): string[] {
  let receipt: ReturnType<typeof Receipt.decode>;
  try {
    receipt = Receipt.decode(signedReceiptFromJson(r).receipt);
  } catch {
    return [];
  }
  return placedOrders(receipt).map((o) => {
    const market = marketOf(o.msgIndex);
    const what = ORDER_STATUS[o.status]?.(o) ?? o.status;
    return `order ${o.orderId}${market === undefined ? "" : ` (${market})`}: ${what}`;
  });
}
