/** What slashing needs from staking: find validators, slash, jail and unjail them. */
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import type { Dec } from "../../chain/types/fixed/index.js";

export interface SlashingValidator {
  operator: string;
  pubKey: Uint8Array;
  jailed: boolean;
}

export interface SlashingStakingKeeper {
  validator(src: StoreSource, operator: string): SlashingValidator | undefined;
  validatorByConsAddress(src: StoreSource, consAddress: Uint8Array): SlashingValidator | undefined;
  /** Delegator shares (0 when none). */
  delegation(src: StoreSource, delegator: string, validator: string): bigint;
  slash(
    ctx: Context,
    consAddress: Uint8Array,
    infractionHeight: bigint,
    power: bigint,
    fraction: Dec,
    reason: string,
  ): bigint;
  jail(ctx: Context, consAddress: Uint8Array): void;
  unjail(ctx: Context, operator: string): void;
}
