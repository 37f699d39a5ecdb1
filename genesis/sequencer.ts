/**
 * `app_state.sequencer`: how long a sequencer keeps the job. It is read by every node
 * (the schedule must agree everywhere) but written to no module's state.
 */
import { genesisErrors } from "./errors.js";

export interface SequencerGenesis {
  params: { epoch_length: string };
}

export interface SequencerParams {
  /** Consecutive heights one sequencer proposes at round 0 (an epoch ends early on a round > 0 decision). */
  epochLength: bigint;
}

/** Chosen for new chains: at ~200 ms blocks an epoch lasts a few seconds, so receipts rarely hand over. */
export const DEFAULT_EPOCH_LENGTH = 16n;
/** Without the section (older genesis files), every height is its own epoch: plain round robin. */
const ABSENT_EPOCH_LENGTH = 1n;
const MAX_EPOCH_LENGTH = 1_000_000n;

export function defaultSequencerGenesis(): SequencerGenesis {
  return { params: { epoch_length: DEFAULT_EPOCH_LENGTH.toString() } };
}

export function parseSequencerGenesis(json: unknown): SequencerParams {
  if (json === undefined) return { epochLength: ABSENT_EPOCH_LENGTH };
  const params = typeof json === "object" && json !== null ? (json as Record<string, unknown>)["params"] : undefined;
  const text =
    typeof params === "object" && params !== null ? (params as Record<string, unknown>)["epoch_length"] : undefined;
  if (typeof text !== "string" || !/^[0-9]+$/.test(text) || BigInt(text) < 1n || BigInt(text) > MAX_EPOCH_LENGTH) {
    throw genesisErrors.invalidGenesis(
      `app_state.sequencer.params.epoch_length: must be an integer string from 1 to ${MAX_EPOCH_LENGTH}, got ${JSON.stringify(text)}`,
    );
  }
  return { epochLength: BigInt(text) };
}
