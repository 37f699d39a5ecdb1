/** receipts genesis (`app_state.receipts`): params only (snake_case; integers and decimals as strings). */
import type { Context } from "../../chain/runtime/types.js";
import { DEC_ONE, decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { receiptsErrors } from "./errors.js";
import type { ReceiptsKeeper } from "./keeper.js";
import { defaultReceiptsParams, type ReceiptsParams } from "./state.js";

export interface ReceiptsGenesis {
  params: ReceiptsParams;
}

type Json = Record<string, unknown>;
const ROOT = "app_state.receipts";
const MAX_WINDOW = 100_000n;

function fail(field: string, message: string): never {
  throw receiptsErrors.invalidGenesis(`${field}: ${message}`, { field });
}
function obj(v: unknown, field: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(field, "must be an object");
  return v as Json;
}
function int(v: unknown, field: string, fallback: bigint): bigint {
  if (v === undefined) return fallback;
  if (typeof v !== "string" || !/^(0|[1-9][0-9]{0,18})$/.test(v))
    fail(field, `must be a non-negative integer string, got ${JSON.stringify(v)}`);
  return BigInt(v);
}
function bool(v: unknown, field: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") fail(field, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}
function fraction(v: unknown, field: string, fallback: Dec): Dec {
  if (v === undefined) return fallback;
  let d: Dec | undefined;
  try {
    d = typeof v === "string" ? decFromString(v) : undefined;
  } catch (e) {
    if (!isStrikeError(e)) throw e;
  }
  if (d === undefined) fail(field, `must be a decimal string, got ${JSON.stringify(v)}`);
  if (d < 0n || d > DEC_ONE) fail(field, "must be between 0 and 1");
  return d;
}

/** Parses and checks `app_state.receipts`; throws a StrikeError naming the first bad field. */
export function validateReceiptsGenesis(raw: unknown): ReceiptsGenesis {
  const d = defaultReceiptsParams();
  const g = obj(raw, ROOT);
  if (g.params === undefined) return { params: d };
  const p = obj(g.params, `${ROOT}.params`);
  const f = (k: string) => `${ROOT}.params.${k}`;
  const params: ReceiptsParams = {
    window: int(p.window, f("window"), d.window),
    slashFraction: fraction(p.slash_fraction, f("slash_fraction"), d.slashFraction),
    jail: bool(p.jail, f("jail"), d.jail),
    jailDurationSeconds: int(p.jail_duration_seconds, f("jail_duration_seconds"), d.jailDurationSeconds),
    tombstone: bool(p.tombstone, f("tombstone"), d.tombstone),
    reporterShare: fraction(p.reporter_share, f("reporter_share"), d.reporterShare),
  };
  if (params.window === 0n || params.window > MAX_WINDOW) fail(f("window"), `must be between 1 and ${MAX_WINDOW}`);
  return { params };
}

export function receiptsGenesisJson(p: ReceiptsParams): Json {
  return {
    params: {
      window: p.window.toString(),
      slash_fraction: decToString(p.slashFraction),
      jail: p.jail,
      jail_duration_seconds: p.jailDurationSeconds.toString(),
      tombstone: p.tombstone,
      reporter_share: decToString(p.reporterShare),
    },
  };
}

export function defaultReceiptsGenesis(): Json {
  return receiptsGenesisJson(defaultReceiptsParams());
}

/** Without the section (older genesis files) nothing is written: the defaults apply when read. */
export function initReceiptsGenesis(ctx: Context, keeper: ReceiptsKeeper, raw: unknown): void {
  if (raw === undefined) return;
  keeper.setParams(ctx, validateReceiptsGenesis(raw).params);
}
