/**
 * How long a call may still wait. The calls of a batch run one after another, so a wait that
 * counted from the call's own start let a batch of 1,000 `strike_receipt` calls with wait_ms
 * 10,000 hold its connection ~10,000 s. In a batch a wait counts instead from when the batch
 * began to be answered: its waits run out together, as if they ran side by side, and a batch
 * holds its connection little longer than its longest single wait. A lone request waits in full.
 */
import type { CallContext } from "./context.js";

/** The longest a call may ask to wait (strike_receipt's wait_ms), and what a batch's relayed calls may take together. */
export const MAX_WAIT_MS = 10_000;

/** What is left of a wait of `waitMs` that began when the call's batch did; 0 once it has run out. */
export function waitLeft(ctx: Pick<CallContext, "waitsFrom">, waitMs: number): number {
  if (ctx.waitsFrom === undefined) return waitMs;
  return Math.max(0, Math.min(waitMs, Math.ceil(waitMs - (performance.now() - ctx.waitsFrom))));
}
