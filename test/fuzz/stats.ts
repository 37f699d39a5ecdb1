import { toHex } from "../../chain/types/bytes.js";

/** What one fuzz target reports; `make fuzz` writes these to bench/results/fuzz.json. */
export interface FuzzStats {
  target: string;
  /** Inputs run (inputs byte-identical to a signed seed tx are not counted). */
  inputs: number;
  /** Inputs that made the code under test throw (or answer malformed JSON-RPC). */
  crashes: number;
  /** Inputs accepted where every input must be refused. */
  accepted: number;
  /** Blocks (or checks) after which the state differed from the reference. */
  stateChanges: number;
  blocks: number;
  /** A few failing inputs, hex or JSON, to reproduce with. */
  samples: string[];
  durationS?: number;
  /** p2p targets: inputs whose sender the node penalised. */
  penalised?: number;
  /** p2p targets: inputs the code must penalise (malformed, a block that does not verify) that went unpenalised (must be 0). */
  unpenalised?: number;
  /** Inputs taken because they are a valid message under another encoding (then undone). */
  equivalentApplied?: number;
}

/**
 * A p2p channel target's stats, all counts at zero (`extra` adds counters of its own), and a
 * recorder that keeps the first five failing inputs (what failed, and the input's first 2 KiB
 * in hex).
 */
export function p2pFuzzStats(
  target: string,
  extra: Partial<FuzzStats> = {},
): { stats: FuzzStats; sample(what: string, bytes: Uint8Array): void } {
  const stats: FuzzStats = {
    target,
    inputs: 0,
    crashes: 0,
    accepted: 0,
    stateChanges: 0,
    blocks: 0,
    samples: [],
    penalised: 0,
    unpenalised: 0,
    ...extra,
  };
  const sample = (what: string, bytes: Uint8Array) => {
    if (stats.samples.length < 5) stats.samples.push(`${what}: ${toHex(bytes.subarray(0, 2048))}`);
  };
  return { stats, sample };
}
