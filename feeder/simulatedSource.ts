/**
 * A seeded random walk for localnets: each call moves every requested asset one step,
 * price × exp(volatility × z), z ≈ N(0, 1) from twelve uniforms (Irwin–Hall). The
 * uniforms come from sha256(seed, asset, step) and all arithmetic is fixed-point, so a
 * seed gives the same prices on every machine.
 */
import { sha256 } from "../chain/crypto/hash.js";
import { DEC_SCALE, decFromInt, divRoundHalfEven, exp, mul, type Dec } from "../chain/types/fixed/index.js";
import { feederErrors } from "./errors.js";
import type { PriceSource } from "./source.js";

export interface SimulatedSourceOptions {
  seed: bigint | number | string;
  /** Starting price of each asset the source can price. */
  start: ReadonlyMap<string, Dec>;
  /** Standard deviation of one step's log-return, e.g. 0.01 (1%) as a Dec. */
  volatility: Dec;
}

/** Prices are rounded to this many decimal places (and never below one unit of it). */
const PRICE_DECIMALS = 8n;
const PRICE_UNIT = 10n ** (18n - PRICE_DECIMALS);
const TWO_POW_32 = 1n << 32n;
const SIX = decFromInt(6);

function uniforms(seed: string, asset: string, step: bigint): Dec[] {
  const bytes = new Uint8Array(64);
  for (const half of [0, 1]) {
    bytes.set(sha256(new TextEncoder().encode(`strike-sim/${seed}/${asset}/${step}/${half}`)), half * 32);
  }
  const view = new DataView(bytes.buffer);
  const out: Dec[] = [];
  for (let i = 0; i < 12; i++) out.push((BigInt(view.getUint32(i * 4)) * DEC_SCALE) / TWO_POW_32);
  return out;
}

/** One step's standard-normal-ish draw: the sum of twelve U[0,1) minus 6. */
export function simulatedShock(seed: string, asset: string, step: bigint): Dec {
  return uniforms(seed, asset, step).reduce((s, u) => s + u, 0n) - SIX;
}

function roundPrice(p: Dec): Dec {
  const rounded = divRoundHalfEven(p, PRICE_UNIT) * PRICE_UNIT;
  return rounded > 0n ? rounded : PRICE_UNIT;
}

export function createSimulatedSource(options: SimulatedSourceOptions): PriceSource {
  const seed = String(options.seed);
  if (options.volatility < 0n) throw feederErrors.badOption("volatility must not be negative");
  const current = new Map(options.start);
  const steps = new Map<string, bigint>();
  return {
    prices(assets) {
      const missing = assets.find((a) => !current.has(a));
      if (missing !== undefined)
        return Promise.reject(feederErrors.unknownAsset(`${missing} has no starting price`, { asset: missing }));
      const out = new Map<string, Dec>();
      for (const asset of assets) {
        const price = current.get(asset)!;
        const step = steps.get(asset) ?? 0n;
        const next = roundPrice(mul(price, exp(mul(options.volatility, simulatedShock(seed, asset, step)))));
        current.set(asset, next);
        steps.set(asset, step + 1n);
        out.set(asset, next);
      }
      return Promise.resolve(out);
    },
  };
}
