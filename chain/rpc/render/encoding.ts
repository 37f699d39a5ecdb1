/** CometBFT's JSON conventions: int64 as strings, HexBytes as uppercase hex, []byte as base64, RFC3339Nano times. */
import type { Timestamp } from "../../types/abci.js";
import { toBase64, toHex } from "../../types/bytes.js";

export function hexUpper(b: Uint8Array): string {
  return toHex(b).toUpperCase();
}

/** Go's []byte: base64, and null when empty (a nil slice). */
export function base64OrNull(b: Uint8Array): string | null {
  return b.length === 0 ? null : toBase64(b);
}

export function int64(n: bigint | number): string {
  return n.toString();
}

/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction are dropped. */
export function rfc3339Nano(t: Timestamp): string {
  const iso = new Date(Number(t.seconds) * 1000).toISOString();
  const base = iso.slice(0, iso.indexOf("."));
  const fraction = t.nanos === 0 ? "" : `.${t.nanos.toString().padStart(9, "0").replace(/0+$/, "")}`;
  return `${base}${fraction}Z`;
}

/** Go's zero time, which CometBFT prints for absent commit signatures. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

/** Amino JSON of an ed25519 key, as `status` and `validators` print it. */
export function ed25519PubKeyJson(pubKey: Uint8Array): { type: string; value: string } {
  return { type: "tendermint/PubKeyEd25519", value: toBase64(pubKey) };
}
