/** The flags every tx command takes (addTxOptions in txSend.ts). */
import type { FeeFlags } from "./fees.js";

export interface TxFlags extends FeeFlags {
  memo: string;
  broadcastMode: "block" | "sync";
  timeout: string;
  /** Unset: print the receipt as soon as it arrives, then wait for the commit. */
  wait?: "sequenced" | "committed" | "none";
}
