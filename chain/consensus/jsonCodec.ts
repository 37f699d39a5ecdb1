/**
 * JSON with bigint and byte arrays, for local files only (WAL, sign state). Never used for
 * anything that is hashed or signed.
 */
import { fromBase64, toBase64 } from "../types/bytes.js";

export function toJson(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (typeof v === "bigint") return { $n: v.toString() };
    if (v instanceof Uint8Array) return { $b: toBase64(v) };
    return v;
  });
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.$n === "string" && Object.keys(o).length === 1) return BigInt(o.$n);
      if (typeof o.$b === "string" && Object.keys(o).length === 1) return fromBase64(o.$b);
    }
    return v;
  }) as T;
}
