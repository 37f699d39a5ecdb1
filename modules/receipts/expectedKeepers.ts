/** What receipts needs from staking and slashing: find the sequencer and its stakeholders, slash, jail, pay the reporter. */
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import type { Dec } from "../../chain/types/fixed/index.js";

export interface ReceiptsValidator {
  operator: string;
  pubKey: Uint8Array;
  jailed: boolean;
  /** Its consensus power (tokens / power reduction). */
  power: bigint;
}

export interface ReceiptsStakingKeeper {
  validatorByConsAddress(src: StoreSource, consAddress: Uint8Array): ReceiptsValidator | undefined;
  /** Whether `account` has stake in the validator `operator` runs: a delegation, or an unbonding from it. */
  hasStakeIn(src: StoreSource, account: string, operator: string): boolean;
  /** Slashes `fraction` of the stake at `infractionHeight`; returns the tokens taken (bond denom). */
  slash(
    ctx: Context,
    consAddress: Uint8Array,
    infractionHeight: bigint,
    power: bigint,
    fraction: Dec,
    reason: string,
  ): bigint;
  jail(ctx: Context, consAddress: Uint8Array): void;
  /** Pays `amount` of the bond denom out of the community pool (where slashed tokens go). */
  payFromCommunityPool(ctx: Context, recipient: string, amount: bigint): void;
}

export interface ReceiptsSlashingKeeper {
  isTombstoned(src: StoreSource, consAddress: Uint8Array): boolean;
  /** Records the jail end in the validator's signing info (tombstoned: never). */
  jailUntil(ctx: Context, consAddress: Uint8Array, untilSeconds: bigint, tombstone: boolean): void;
}
