/** What checkpoint needs from other modules, as small interfaces (wired in app/strikeApp.ts). */
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import type { Dec } from "../../chain/types/fixed/index.js";

/** The bridge's roots at this block (32 bytes each); app/strikeApp.ts supplies zeros until modules/bridge provides them. */
export interface BridgeRoots {
  withdrawalRoot(ctx: Context): Uint8Array;
  exitRoot(ctx: Context): Uint8Array;
  /** The highest L1 deposit nonce credited, every lower one credited too (0: none). */
  creditedDepositNonce(ctx: Context): bigint;
}

export interface CheckpointValidator {
  operator: string;
  pubKey: Uint8Array;
  jailed: boolean;
}

/** The staking keeper as checkpoint sees it: the bonded set, one validator, slash and jail. */
export interface CheckpointStakingKeeper {
  /** The last set sent to consensus: operator and power. */
  bondedValidators(src: StoreSource): readonly { operator: string; power: bigint }[];
  validator(src: StoreSource, operator: string): CheckpointValidator | undefined;
  slash(
    ctx: Context,
    consAddress: Uint8Array,
    infractionHeight: bigint,
    power: bigint,
    fraction: Dec,
    reason: string,
  ): bigint;
  jail(ctx: Context, consAddress: Uint8Array): void;
}
