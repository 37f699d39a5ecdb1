/** receipts genesis (`app_state.receipts`): params only (snake_case; integers and decimals as strings). */
import type { Context } from "../../chain/runtime/types.js";
import { fractionField, parseGenesisSection } from "../../chain/runtime/genesisFields.js";
import { decToString } from "../../chain/types/fixed/index.js";
import { u64String } from "../../chain/types/schema.js";
import { z } from "zod";
import { receiptsErrors } from "./errors.js";
import type { ReceiptsKeeper } from "./keeper.js";
import { defaultReceiptsParams, type ReceiptsParams } from "./state.js";

export interface ReceiptsGenesis {
  params: ReceiptsParams;
}

type Json = Record<string, unknown>;
const ROOT = "app_state.receipts";
const MAX_WINDOW = 100_000n;

function schema(d: ReceiptsParams) {
  return z.strictObject({
    params: z
      .strictObject({
        window: u64String(1n)
          .refine((v) => BigInt(v) <= MAX_WINDOW, { error: `must be at most ${MAX_WINDOW}` })
          .default(d.window.toString()),
        slash_fraction: fractionField.optional(),
        jail: z.boolean({ error: "must be true or false" }).default(d.jail),
        jail_duration_seconds: u64String().default(d.jailDurationSeconds.toString()),
        tombstone: z.boolean({ error: "must be true or false" }).default(d.tombstone),
        reporter_share: fractionField.optional(),
        reveal_delay: u64String(1n).default(d.revealDelay.toString()),
        commit_ttl: u64String(1n)
          .refine((v) => BigInt(v) <= MAX_WINDOW, { error: `must be at most ${MAX_WINDOW}` })
          .default(d.commitTtl.toString()),
        claim_window: u64String()
          .refine((v) => BigInt(v) <= MAX_WINDOW, { error: `must be at most ${MAX_WINDOW}` })
          .default(d.claimWindow.toString()),
      })
      .refine((p) => BigInt(p.commit_ttl) >= BigInt(p.reveal_delay), {
        error: "commit_ttl must be at least reveal_delay (else no commitment could ever be revealed)",
        path: ["commit_ttl"],
      })
      .optional(),
  });
}

/** Parses and checks `app_state.receipts`; throws `receipts/100` naming the first bad field. */
export function validateReceiptsGenesis(raw: unknown): ReceiptsGenesis {
  const d = defaultReceiptsParams();
  const g = parseGenesisSection(schema(d), raw, ROOT, receiptsErrors.invalidGenesis);
  const p = g.params;
  if (p === undefined) return { params: d };
  return {
    params: {
      window: BigInt(p.window),
      slashFraction: p.slash_fraction ?? d.slashFraction,
      jail: p.jail,
      jailDurationSeconds: BigInt(p.jail_duration_seconds),
      tombstone: p.tombstone,
      reporterShare: p.reporter_share ?? d.reporterShare,
      revealDelay: BigInt(p.reveal_delay),
      commitTtl: BigInt(p.commit_ttl),
      claimWindow: BigInt(p.claim_window),
    },
  };
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
      reveal_delay: p.revealDelay.toString(),
      commit_ttl: p.commitTtl.toString(),
      claim_window: p.claimWindow.toString(),
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
