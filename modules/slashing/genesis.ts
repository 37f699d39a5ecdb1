/** slashing genesis (`app_state.slashing`): params (snake_case, integers and decimals as strings) and signing infos. */
import type { ValidatorSigningInfo } from "../../chain/codec/generated/strike/slashing/v1/slashing.js";
import type { Context } from "../../chain/runtime/types.js";
import { fractionField, genesisFail, listField, parseGenesisSection } from "../../chain/runtime/genesisFields.js";
import { decToString } from "../../chain/types/fixed/index.js";
import { u64String } from "../../chain/types/schema.js";
import { z } from "zod";
import { slashingErrors } from "./errors.js";
import type { SlashingKeeper } from "./keeper.js";
import { defaultSlashingParams, type SlashingParams } from "./state.js";

export interface SlashingGenesis {
  params: SlashingParams;
  signingInfos: ValidatorSigningInfo[];
}

type Json = Record<string, unknown>;
const ROOT = "app_state.slashing";
const MAX_WINDOW = 100_000n;

function schema(d: SlashingParams) {
  const u64 = (fallback: bigint) => u64String().default(fallback.toString());
  return z.strictObject({
    params: z
      .strictObject({
        signed_blocks_window: u64String(1n)
          .refine((v) => BigInt(v) <= MAX_WINDOW, { error: `must be between 1 and ${MAX_WINDOW}` })
          .default(d.signedBlocksWindow.toString()),
        min_signed_per_window: fractionField.optional(),
        downtime_jail_duration_seconds: u64(d.downtimeJailDurationSeconds),
        slash_fraction_double_sign: fractionField.optional(),
        slash_fraction_downtime: fractionField.optional(),
        max_evidence_age_blocks: u64(d.maxEvidenceAgeBlocks),
        max_evidence_age_seconds: u64(d.maxEvidenceAgeSeconds),
      })
      .optional(),
    signing_infos: listField(
      z.strictObject({
        address: z
          .string({ error: "must be 40 hex characters" })
          .regex(/^[0-9A-Fa-f]{40}$/, { error: "must be 40 hex characters" })
          .transform((v) => v.toUpperCase()),
        start_height: u64(0n),
        index_offset: u64(0n),
        jailed_until: u64(0n),
        tombstoned: z.boolean({ error: "must be a boolean" }).default(false),
        missed_blocks_counter: u64(0n),
      }),
    ),
  });
}

/** Parses and checks `app_state.slashing`; throws `slashing/100` naming the first bad field. */
export function validateSlashingGenesis(raw: unknown): SlashingGenesis {
  const d = defaultSlashingParams();
  const g = parseGenesisSection(schema(d), raw, ROOT, slashingErrors.invalidGenesis);
  const p = g.params;
  const params: SlashingParams =
    p === undefined
      ? d
      : {
          signedBlocksWindow: BigInt(p.signed_blocks_window),
          minSignedPerWindow: p.min_signed_per_window ?? d.minSignedPerWindow,
          downtimeJailDurationSeconds: BigInt(p.downtime_jail_duration_seconds),
          slashFractionDoubleSign: p.slash_fraction_double_sign ?? d.slashFractionDoubleSign,
          slashFractionDowntime: p.slash_fraction_downtime ?? d.slashFractionDowntime,
          maxEvidenceAgeBlocks: BigInt(p.max_evidence_age_blocks),
          maxEvidenceAgeSeconds: BigInt(p.max_evidence_age_seconds),
        };
  const seen = new Set<string>();
  const signingInfos = g.signing_infos.map((s, i): ValidatorSigningInfo => {
    if (seen.has(s.address))
      genesisFail(slashingErrors.invalidGenesis, `${ROOT}.signing_infos[${i}].address`, "duplicate signing info");
    seen.add(s.address);
    return {
      address: s.address,
      startHeight: BigInt(s.start_height),
      indexOffset: BigInt(s.index_offset),
      jailedUntil: BigInt(s.jailed_until),
      tombstoned: s.tombstoned,
      missedBlocksCounter: BigInt(s.missed_blocks_counter),
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
