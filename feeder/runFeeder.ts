/**
 * The feeder loop: every interval, ask the source for prices and submit them. A round that
 * fails (source down, node busy) is logged and skipped; the next one starts on schedule.
 * A reason that repeats round after round (the feeder's account not funded yet, or not
 * registered for a validator) is logged once a minute with the rounds it cost, not every round.
 */
import { type Dec } from "../chain/types/fixed/index.js";
import { decToString } from "../chain/types/fixed/index.js";
import type { PriceSource } from "./source.js";

export interface Submission {
  txhash: string;
  sequence: bigint;
}

export interface RunFeederOptions {
  source: PriceSource;
  assets: readonly string[];
  intervalMs: number;
  submit(prices: ReadonlyMap<string, Dec>): Promise<Submission>;
  /** Aborting stops the loop after the round in flight. */
  signal: AbortSignal;
  log(line: string): void;
  /** Stop after this many rounds (tests); unlimited by default. */
  maxRounds?: number;
}

export interface FeederStats {
  rounds: number;
  submitted: number;
  failed: number;
}

/** "3001.50000000" → "3001.5": readable prices in log lines. */
export function formatPrice(p: Dec): string {
  return decToString(p).replace(/\.?0+$/, "");
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/** How often a skip reason that keeps repeating is logged again. */
export const REPEATED_SKIP_LOG_MS = 60_000;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function runFeeder(o: RunFeederOptions): Promise<FeederStats> {
  const stats: FeederStats = { rounds: 0, submitted: 0, failed: 0 };
  /** The last reason logged, when, and the rounds skipped for it since without a line. */
  let lastSkip: { reason: string; atMs: number; unlogged: number } | undefined;
  while (!o.signal.aborted && (o.maxRounds === undefined || stats.rounds < o.maxRounds)) {
    const started = Date.now();
    stats.rounds++;
    try {
      const prices = await o.source.prices(o.assets);
      const r = await o.submit(prices);
      stats.submitted++;
      const shown = o.assets.map((a) => `${a}=${formatPrice(prices.get(a)!)}`).join(" ");
      o.log(`submitted ${shown} sequence=${r.sequence} tx=${r.txhash}`);
      lastSkip = undefined;
    } catch (e) {
      stats.failed++;
      const reason = describe(e);
      if (lastSkip?.reason === reason && started - lastSkip.atMs < REPEATED_SKIP_LOG_MS) lastSkip.unlogged++;
      else {
        const also =
          lastSkip?.reason === reason && lastSkip.unlogged > 0
            ? ` (and ${lastSkip.unlogged} rounds before, unlogged)`
            : "";
        o.log(`round ${stats.rounds} skipped: ${reason}${also}`);
        lastSkip = { reason, atMs: started, unlogged: 0 };
      }
    }
    if (o.maxRounds !== undefined && stats.rounds >= o.maxRounds) break;
    await sleep(Math.max(0, started + o.intervalMs - Date.now()), o.signal);
  }
  return stats;
}
