/**
 * staking store layout (inside "staking/"). Addresses in keys are length-prefixed bytes,
 * integers big-endian u64, so that byte order is the iteration order callers want.
 */
export const MODULE_NAME = "staking";
export const STORE_KEY = "staking";

/** Module account holding the tokens of validators in the consensus set. */
export const BONDED_POOL = "bonded_tokens_pool";
/** Module account holding the tokens of validators outside the set and of unbonding entries. */
export const NOT_BONDED_POOL = "not_bonded_tokens_pool";
/** Module account holding undistributed fee rewards, commission and the community pool. */
export const DISTRIBUTION_ACCOUNT = "distribution";

export const BOND_DENOM = "ustrike";
/** CometBFT applies the validator updates of block H at height H + 2. */
export const VALIDATOR_UPDATE_DELAY = 2n;

export const PARAMS_KEY = Uint8Array.of(0x01);
/** operator → Validator */
export const VALIDATORS_PREFIX = Uint8Array.of(0x21);
/** consensus address (20 bytes) → operator address bytes */
export const VALIDATORS_BY_CONS_PREFIX = Uint8Array.of(0x22);
/** (u64 max - power, operator) → empty: candidates for the set, strongest first, ties by address. */
export const POWER_INDEX_PREFIX = Uint8Array.of(0x23);
/** operator → u64 power in the last validator set sent to consensus */
export const LAST_POWER_PREFIX = Uint8Array.of(0x24);
/** (delegator, validator) → shares (Dec raw) */
export const DELEGATIONS_PREFIX = Uint8Array.of(0x31);
/** u64 id → UnbondingEntry */
export const UNBONDING_PREFIX = Uint8Array.of(0x41);
/** (u64 completion time, u64 id) → empty */
export const UNBONDING_QUEUE_PREFIX = Uint8Array.of(0x42);
/** (delegator, u64 id) → empty */
export const UNBONDING_BY_DELEGATOR_PREFIX = Uint8Array.of(0x43);
/** (validator, u64 id) → empty */
export const UNBONDING_BY_VALIDATOR_PREFIX = Uint8Array.of(0x44);
export const NEXT_UNBONDING_ID_KEY = Uint8Array.of(0x45);
/** (validator, denom) → cumulative reward per share, scaled by REWARD_SCALE */
export const REWARD_PER_SHARE_PREFIX = Uint8Array.of(0x51);
/** (delegator, validator, denom) → reward-per-share at the delegation's last settlement */
export const REWARD_SNAPSHOT_PREFIX = Uint8Array.of(0x52);
/** (validator, denom) → accumulated commission */
export const COMMISSION_PREFIX = Uint8Array.of(0x53);
/** (validator, denom) → delegator rewards allocated and not yet paid (covers every pending reward) */
export const OUTSTANDING_PREFIX = Uint8Array.of(0x54);
/** denom → community pool amount */
export const COMMUNITY_POOL_PREFIX = Uint8Array.of(0x55);
