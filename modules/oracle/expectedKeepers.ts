/**
 * Who may vote and with what weight. A permissioned genesis list answers when it is not
 * empty; otherwise the bonded validators vote with their stake, through `ValidatorPowers`.
 */
import type { StoreSource } from "../../chain/runtime/collection.js";

export interface FeederWeights {
  /** 0 for an account that is not a feeder. */
  weightOf(src: StoreSource, feeder: string): bigint;
  totalWeight(src: StoreSource): bigint;
}

/** What the oracle needs from staking: the bonded set's power by operator address. */
export interface ValidatorPowers {
  /** Voting power of a bonded validator; undefined when the operator is not in the set. */
  powerOf(src: StoreSource, operator: string): bigint | undefined;
  totalPower(src: StoreSource): bigint;
}
