/** A `--timeout`-style flag: a duration as tx commands take it ("30s", "1m30s", "500ms") or a bare number of seconds. */
import { parseDuration } from "../chain/node/duration.js";
import { cliErrors } from "./errors.js";

/** Node caps a timer's delay at 2^31 - 1 ms and fires a longer one after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds, > 0 and at most what a timer can wait; a clear error naming `flag` otherwise. */
export function timeoutFlagMs(flag: string, text: string): number {
  const ms = /^\d+(\.\d+)?$/.test(text.trim()) ? Math.round(Number(text) * 1000) : parseDuration(text);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0)
    throw cliErrors.badArgument(`${flag} must be a duration like 30s, 1m or 500ms (or seconds), got "${text}"`);
  if (ms > MAX_TIMER_MS)
    throw cliErrors.badArgument(`${flag} ${text} is too long: at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds`);
  return ms;
}
