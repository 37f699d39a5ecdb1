/**
 * sha256 through node:crypto's one-shot `hash`, read back as latin1 ("binary"): unlike createHash it
 * makes no native Hash object (each one a weak handle the young-generation GC must visit)
 * and no external ArrayBuffer for the digest, so a 32-byte digest stays on the V8 heap.
 * ~0.4 µs against ~1.5 µs for createHash on a 120-byte input here; a saturated node spent
 * ~2.6 ms of every ~8.7 ms scavenge on weak handles.
 */
import { hash } from "node:crypto";
import { concatBytes, fromLatin1 } from "../types/bytes.js";

export function sha256(...parts: Uint8Array[]): Uint8Array {
  return fromLatin1(hash("sha256", parts.length === 1 ? parts[0]! : concatBytes(...parts), "binary"));
}
