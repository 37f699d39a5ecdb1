/**
 * Who may vote and with what weight. Today the oracle's own genesis list answers this;
 * the staking module will supply validator power through the same two methods.
 */
import type { StoreSource } from "../../chain/runtime/collection.js";

export interface FeederWeights {
  /** 0 for an account that is not a feeder. */
  weightOf(src: StoreSource, feeder: string): bigint;
  totalWeight(src: StoreSource): bigint;
}
