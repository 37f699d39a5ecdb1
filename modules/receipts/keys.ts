/** receipts store layout (inside "receipts/"); heights are u64 big-endian so that keys sort by height. */
export const MODULE_NAME = "receipts";
export const STORE_KEY = "receipts";

export const PARAMS_KEY = Uint8Array.of(0x01);
/** u64 height → HeaderRoots: the window of recent committed heights. */
export const ROOTS_PREFIX = Uint8Array.of(0x11);
/** (u64 height, consensus address) → empty: a fault of that sequencer at that height was punished. */
export const PUNISHED_PREFIX = Uint8Array.of(0x12);
