/** Bech32 account addresses. */
import { fromBech32 } from "@cosmjs/encoding";
import { BECH32_PREFIX } from "./constants.js";

/**
 * BIP-173's length limit. Passed explicitly because @cosmjs/encoding 0.39 defaults to
 * Infinity, which @scure/base 2.x rejects ("limit: expected safe integer").
 */
export const BECH32_MAX_LENGTH = 90;

/** Decodes any bech32 string, or returns undefined if it is not one. */
export function decodeBech32(s: string): { prefix: string; data: Uint8Array } | undefined {
  try {
    return fromBech32(s, BECH32_MAX_LENGTH);
  } catch {
    return undefined;
  }
}

/** Undefined if `addr` is a bech32 account address with this prefix, else the reason. */
export function checkBech32Address(addr: unknown, prefix = BECH32_PREFIX): string | undefined {
  if (typeof addr !== "string") return "must be a bech32 string";
  const d = decodeBech32(addr);
  if (d === undefined) return `"${addr}" is not valid bech32`;
  if (d.prefix !== prefix) return `has prefix "${d.prefix}", expected "${prefix}"`;
  if (d.data.length !== 20 && d.data.length !== 32) return `must encode 20 or 32 bytes, got ${d.data.length}`;
  return undefined;
}
