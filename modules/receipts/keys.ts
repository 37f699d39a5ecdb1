/** receipts store layout (inside "receipts/"); heights are u64 big-endian so that keys sort by height. */
export const MODULE_NAME = "receipts";
export const STORE_KEY = "receipts";

export const PARAMS_KEY = Uint8Array.of(0x01);
/** u64 height → HeaderRoots: the window of recent committed heights. */
export const ROOTS_PREFIX = Uint8Array.of(0x11);
/** (u64 height, consensus address) → empty: a fault of that sequencer at that height was punished. */
export const PUNISHED_PREFIX = Uint8Array.of(0x12);
/** The next report commitment's sequence (u64): the chain-wide order in which commitments landed. */
export const COMMITMENT_SEQUENCE_KEY = Uint8Array.of(0x02);
/** (reporter, commitment) → ReportCommitment: reports committed and not yet expired. */
export const COMMITMENT_PREFIX = Uint8Array.of(0x13);
/** (u64 prune height, reporter, commitment) → empty: when each commitment is forgotten. */
export const COMMITMENT_EXPIRY_PREFIX = Uint8Array.of(0x14);
/** (u64 height, consensus address) → RewardClaim: the reporter owed the share of a punished fault. */
export const CLAIM_PREFIX = Uint8Array.of(0x15);
/** (u64 pay height, u64 height, consensus address) → empty: when each claim is paid. */
export const CLAIM_PAYOUT_PREFIX = Uint8Array.of(0x16);
