/**
 * Is a checkpoint that landed on L1 the chain's own? Pure: compares the landed fields with
 * the chain's record at that height, field by field, as the chain itself judges forged
 * evidence (modules/checkpoint/evidence.ts): a height at or below the newest checkpoint
 * with another record, or none, is forged; a height above it cannot be judged yet.
 */
import { ZeroHash, hexlify } from "ethers";
import type { Checkpoint } from "../chain/codec/generated/strike/checkpoint/v1/checkpoint.js";
import type { LandedFields } from "./landedCalldata.js";

export type LandedVerdict =
  | { kind: "ours" }
  /** `differs` names the fields that are not the chain's; empty when the chain recorded no checkpoint there. */
  | { kind: "forged"; differs: (keyof LandedFields)[]; recorded: boolean }
  /** Above the chain's newest checkpoint: the chain may yet record exactly this. */
  | { kind: "pending"; newest: bigint | undefined }
  /** Below the evidence horizon (pruned): no longer known, and the chain refuses such evidence. */
  | { kind: "expired"; horizon: bigint };

export interface ChainView {
  /** The chain's newest checkpoint height (undefined: none yet). */
  newest: bigint | undefined;
  /** Heights below this are pruned (0: nothing is). */
  horizon: bigint;
  /** The chain's checkpoint at the landed height, if it recorded one. */
  recorded: Checkpoint | undefined;
}

const word = (b: Uint8Array): string => (b.length === 0 ? ZeroHash : hexlify(b));

const FIELDS = ["appHash", "blockHash", "withdrawalRoot", "exitRoot", "nextValidatorSetHash"] as const;

export function judgeLanded(landed: LandedFields, chain: ChainView): LandedVerdict {
  const h = landed.height;
  if (chain.newest === undefined || h > chain.newest) return { kind: "pending", newest: chain.newest };
  const r = chain.recorded;
  if (r === undefined || r.height !== h) {
    if (h < chain.horizon) return { kind: "expired", horizon: chain.horizon };
    return { kind: "forged", differs: [], recorded: false };
  }
  const differs = FIELDS.filter((f) => landed[f].toLowerCase() !== word(r[f]).toLowerCase());
  return differs.length === 0 ? { kind: "ours" } : { kind: "forged", differs, recorded: true };
}

/** The chain's evidence horizon (evidence.ts evidenceHorizon), from its params and newest checkpoint. */
export function evidenceHorizonOf(newest: bigint | undefined, keepHeights: bigint): bigint {
  return newest !== undefined && keepHeights > 0n && newest > keepHeights ? newest - keepHeights : 0n;
}
