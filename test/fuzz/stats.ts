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
