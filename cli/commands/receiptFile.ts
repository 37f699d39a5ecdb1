/** Reading a receipt file for `strike receipt verify | check | report`. */
import { readFileSync } from "node:fs";
import { cliErrors } from "../errors.js";

/**
 * The receipt JSON in `file`: what `strike tx … --wait sequenced --output json` prints (the
 * receipt under its `receipt` field) or the receipt itself. Unreadable or non-JSON files are
 * a clear argument error.
 */
export function readReceiptFile(file: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (e) {
    throw cliErrors.badArgument(`cannot read ${file} as JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return (json as { receipt?: { signed?: unknown } } | null)?.receipt?.signed !== undefined
    ? (json as { receipt: unknown }).receipt
    : json;
}
