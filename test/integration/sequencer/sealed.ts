/** The sequencer's sealed block in tests where it must propose (neither undefined nor an abstention). */
import assert from "node:assert/strict";
import type { SealedBlock } from "../../../chain/consensus/types.js";

export function proposed(s: SealedBlock | "abstain" | undefined): SealedBlock {
  assert(s !== undefined && s !== "abstain", `the sequencer did not propose (${String(s)})`);
  return s;
}
