/** slashing store layout (inside "slashing/"); consensus addresses are the 20-byte sha256(pubkey)[:20]. */
export const MODULE_NAME = "slashing";
export const STORE_KEY = "slashing";

export const PARAMS_KEY = Uint8Array.of(0x01);
/** consensus address → ValidatorSigningInfo */
export const SIGNING_INFO_PREFIX = Uint8Array.of(0x11);
/** consensus address → missed-blocks bitmap (bit i = the vote at index i of the window was missed) */
export const MISSED_BITMAP_PREFIX = Uint8Array.of(0x12);
/** (consensus address, u64 infraction height) → empty: evidence already handled */
export const HANDLED_EVIDENCE_PREFIX = Uint8Array.of(0x13);

/** CometBFT applies validator updates two blocks later: infractions are dated back by this much. */
export const VALIDATOR_UPDATE_DELAY = 2n;
/** Jailed-until time of a tombstoned validator: 9999-12-31T23:59:59Z, i.e. never. */
export const DOUBLE_SIGN_JAIL_END_SECONDS = 253_402_300_799n;
