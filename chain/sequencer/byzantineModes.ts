/**
 * TESTS ONLY: the names of the Byzantine sequencer's modes (byzantine.ts), apart so that
 * `strike start --help` can list them without loading the receipt codecs.
 */
export const BYZANTINE_MODES = ["drop", "reorder", "equivocate", "false_fills"] as const;
export type ByzantineMode = (typeof BYZANTINE_MODES)[number];
