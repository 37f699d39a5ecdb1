/** slashing genesis (`app_state.slashing`): params (snake_case, integers and decimals as strings) and signing infos. */
import type { ValidatorSigningInfo } from "../../chain/codec/generated/strike/slashing/v1/slashing.js";
import type { Context } from "../../chain/runtime/types.js";
import { DEC_ONE, decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { slashingErrors } from "./errors.js";
import type { SlashingKeeper } from "./keeper.js";
import { defaultSlashingParams, type SlashingParams } from "./state.js";

export interface SlashingGenesis {
  params: SlashingParams;
  signingInfos: ValidatorSigningInfo[];
}

type Json = Record<string, unknown>;
const ROOT = "app_state.slashing";

function fail(field: string, message: string): never {
  throw slashingErrors.invalidGenesis(`${field}: ${message}`, { field });
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

function parseParams(raw: unknown): SlashingParams {
  const d = defaultSlashingParams();
  if (raw === undefined) return d;
  const p = obj(raw, `${ROOT}.params`);
  const f = (k: string) => `${ROOT}.params.${k}`;
  const params: SlashingParams = {
    signedBlocksWindow: int(p.signed_blocks_window, f("signed_blocks_window"), d.signedBlocksWindow),
    minSignedPerWindow: fraction(p.min_signed_per_window, f("min_signed_per_window"), d.minSignedPerWindow),
    downtimeJailDurationSeconds: int(
      p.downtime_jail_duration_seconds,
      f("downtime_jail_duration_seconds"),
      d.downtimeJailDurationSeconds,
    ),
    slashFractionDoubleSign: fraction(
      p.slash_fraction_double_sign,
      f("slash_fraction_double_sign"),
      d.slashFractionDoubleSign,
    ),
    slashFractionDowntime: fraction(p.slash_fraction_downtime, f("slash_fraction_downtime"), d.slashFractionDowntime),
    maxEvidenceAgeBlocks: int(p.max_evidence_age_blocks, f("max_evidence_age_blocks"), d.maxEvidenceAgeBlocks),
    maxEvidenceAgeSeconds: int(p.max_evidence_age_seconds, f("max_evidence_age_seconds"), d.maxEvidenceAgeSeconds),
  };
  if (params.signedBlocksWindow === 0n || params.signedBlocksWindow > 100_000n)
    fail(f("signed_blocks_window"), "must be between 1 and 100000");
  return params;
}

/** Parses and checks `app_state.slashing`; throws a StrikeError naming the first bad field. */
export function validateSlashingGenesis(raw: unknown): SlashingGenesis {
  const g = obj(raw, ROOT);
  const params = parseParams(g.params);
  const seen = new Set<string>();
  const infos = g.signing_infos ?? [];
  if (!Array.isArray(infos)) fail(`${ROOT}.signing_infos`, "must be a list");
  const signingInfos = infos.map((r: unknown, i): ValidatorSigningInfo => {
    const f = `${ROOT}.signing_infos[${i}]`;
    const s = obj(r, f);
    if (typeof s.address !== "string" || !/^[0-9A-Fa-f]{40}$/.test(s.address))
      fail(`${f}.address`, "must be 40 hex characters");
    const address = s.address.toUpperCase();
    if (seen.has(address)) fail(`${f}.address`, "duplicate signing info");
    seen.add(address);
    const tombstoned = s.tombstoned ?? false;
    if (typeof tombstoned !== "boolean") fail(`${f}.tombstoned`, "must be a boolean");
    return {
      address,
      startHeight: int(s.start_height, `${f}.start_height`, 0n),
      indexOffset: int(s.index_offset, `${f}.index_offset`, 0n),
      jailedUntil: int(s.jailed_until, `${f}.jailed_until`, 0n),
      tombstoned,
      missedBlocksCounter: int(s.missed_blocks_counter, `${f}.missed_blocks_counter`, 0n),
    };
  });
  return { params, signingInfos };
}

export function defaultSlashingGenesis(): Json {
  const p = defaultSlashingParams();
  return {
    params: {
      signed_blocks_window: p.signedBlocksWindow.toString(),
      min_signed_per_window: decToString(p.minSignedPerWindow),
      downtime_jail_duration_seconds: p.downtimeJailDurationSeconds.toString(),
      slash_fraction_double_sign: decToString(p.slashFractionDoubleSign),
      slash_fraction_downtime: decToString(p.slashFractionDowntime),
      max_evidence_age_blocks: p.maxEvidenceAgeBlocks.toString(),
      max_evidence_age_seconds: p.maxEvidenceAgeSeconds.toString(),
    },
    signing_infos: [],
  };
}

export function initSlashingGenesis(ctx: Context, keeper: SlashingKeeper, raw: unknown): void {
  const g = validateSlashingGenesis(raw ?? defaultSlashingGenesis());
  keeper.setParams(ctx, g.params);
  // Missed-block bitmaps start empty: a genesis counter without its bitmap would never count down.
  for (const info of g.signingInfos) keeper.setSigningInfo(ctx, { ...info, missedBlocksCounter: 0n, indexOffset: 0n });
}
