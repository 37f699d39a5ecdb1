/**
 * Which marks the prices topic sends (chain/indexer/marketFeed.ts): after a block that moved an
 * oracle price or its staleness, or repriced a market, the marks read from the node's
 * `MarkSource` whose spot or staleness changed since last sent, and those of repriced markets.
 * A first follower starts from the marks as they are, so it is sent only what moves. Between
 * spot moves an option's mark is not sent again for the passing of time alone.
 */
import type { AbciEvent } from "../types/abci.js";

export interface MarketMark {
  market: string;
  /** Decimal USDC per contract; "" when the underlying has no oracle price. */
  mark: string;
  /** The underlying's oracle price the mark comes from (decimal USDC). */
  spot: string;
  stale: boolean;
}

export interface MarkPrices {
  /** The committed height the marks were read at. */
  height: bigint;
  marks: MarketMark[];
}

export interface MarkSource {
  /** Every market's mark: a perpetual's oracle price, an option's model price. */
  marks(): Promise<MarkPrices>;
}

/** Events after which every mark on an underlying may have moved: a new or stale oracle price. */
const SPOT_EVENTS = new Set(["oracle_price", "oracle_price_stale"]);
/** Events that reprice one market (its `market` attribute) whatever the spot did. */
const REPRICE_EVENTS = new Set(["option_settled", "implied_volatility_set", "market_created"]);

/** One mark to send: the height it was read at and the message's attributes. */
export interface MarkUpdate {
  height: string;
  attributes: { market: string; mark: string; spot: string; stale: string };
}

export interface MarkTracker {
  /** A follower arrived: remember the marks as they are now (once, while anyone follows). */
  start(): Promise<void>;
  /** Nobody follows any more: forget them. */
  stop(): void;
  /** The marks a committed block's events moved (reads the source only when one may have). */
  moved(events: Iterable<AbciEvent>): Promise<MarkUpdate[]>;
}

const basisOf = (m: MarketMark): string => `${m.spot}|${m.stale}`;

export function createMarkTracker(source: MarkSource): MarkTracker {
  /** "spot|stale" of each market's mark as last sent or started from; undefined while nobody follows. */
  let basis: Map<string, string> | undefined;
  return {
    async start() {
      if (basis !== undefined) return;
      try {
        basis = new Map((await source.marks()).marks.map((m) => [m.market, basisOf(m)]));
      } catch {
        // Not readable now (the node is stopping): the next block that moves a price sends every mark.
      }
    },
    stop() {
      basis = undefined;
    },
    async moved(events) {
      const repriced = new Set<string>();
      let spotMoved = false;
      for (const e of events) {
        if (SPOT_EVENTS.has(e.type)) spotMoved = true;
        else if (REPRICE_EVENTS.has(e.type)) repriced.add(e.attributes.find((a) => a.key === "market")?.value ?? "");
      }
      if (!spotMoved && repriced.size === 0) return [];
      const read = await source.marks();
      const before = basis ?? new Map<string, string>();
      const after = new Map<string, string>();
      const out: MarkUpdate[] = [];
      for (const m of read.marks) {
        if (m.mark === "") continue;
        after.set(m.market, basisOf(m));
        if (before.get(m.market) === basisOf(m) && !repriced.has(m.market)) continue;
        out.push({
          height: read.height.toString(),
          attributes: { market: m.market, mark: m.mark, spot: m.spot, stale: String(m.stale) },
        });
      }
      basis = after;
      return out;
    },
  };
}
