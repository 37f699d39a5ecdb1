/**
 * An ordered set of byte keys, held as latin1 strings: one char per byte, so JS string
 * comparison is exactly unsigned byte order and a string doubles as a Map key.
 * Stored as a list of sorted chunks (the shape of Python's SortedList): inserts and
 * deletes touch one small array, seeks are two binary searches.
 */

import { fromLatin1, latin1 } from "../types/bytes.js";

const MAX_CHUNK = 512;

/** Byte key to its order-preserving string form. */
export function keyString(key: Uint8Array): string {
  return latin1(key);
}

/**
 * A store entry with its key's latin1 form. Store layers (MemoryKV, nested Branches) hand
 * these to each other while iterating, so that a key is converted once per scan, not once
 * per layer (a tx's branch sits four layers above the committed state).
 */
export interface Latin1Entry {
  readonly s: string;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** A store that can iterate with the latin1 form of its bounds and keys. */
export interface Latin1Iterable {
  latin1Entries(startS: string | undefined, endS: string | undefined, reverse: boolean): Iterator<Latin1Entry>;
}

export function isLatin1Iterable(store: object): store is Latin1Iterable {
  return typeof (store as Partial<Latin1Iterable>).latin1Entries === "function";
}

/** The inverse of `keyString`, as a plain Uint8Array (not a Buffer) so equality checks compare like for like. */
export function stringKey(s: string): Uint8Array {
  return fromLatin1(s);
}

/** Position of a key: chunk index and index inside the chunk. */
interface Cursor {
  chunk: number;
  index: number;
}

export class SortedKeys {
  private chunks: string[][] = [];
  private count = 0;
  /** Bumped on every structural change so that iterators know to re-seek. */
  generation = 0;

  get size(): number {
    return this.count;
  }

  /** Inserts `s`; returns false if it was already present. */
  insert(s: string): boolean {
    if (this.chunks.length === 0) {
      this.chunks.push([s]);
      this.count = 1;
      this.generation++;
      return true;
    }
    let c = this.chunkFor(s);
    if (c === this.chunks.length) c--;
    const chunk = this.chunks[c]!;
    const i = lowerBound(chunk, s);
    if (chunk[i] === s) return false;
    chunk.splice(i, 0, s);
    this.count++;
    this.generation++;
    if (chunk.length > MAX_CHUNK) {
      this.chunks.splice(c + 1, 0, chunk.splice(MAX_CHUNK >> 1));
    }
    return true;
  }

  /** Removes `s`; returns false if it was absent. */
  remove(s: string): boolean {
    const c = this.chunkFor(s);
    const chunk = this.chunks[c];
    if (chunk === undefined) return false;
    const i = lowerBound(chunk, s);
    if (chunk[i] !== s) return false;
    chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
    this.count--;
    this.generation++;
    return true;
  }

  clear(): void {
    this.chunks = [];
    this.count = 0;
    this.generation++;
  }

  /**
   * Keys in [start, end) ascending, or descending with `reverse`. Safe against inserts
   * and deletes between steps: when the set changes, the next step seeks again from the
   * last key it returned.
   */
  *range(start: string | undefined, end: string | undefined, reverse: boolean): Generator<string> {
    let last: string | undefined;
    let gen = this.generation;
    let cur = reverse ? this.seekBefore(end, false) : this.seekFrom(start, false);
    for (;;) {
      if (gen !== this.generation) {
        gen = this.generation;
        cur =
          last === undefined
            ? reverse
              ? this.seekBefore(end, false)
              : this.seekFrom(start, false)
            : reverse
              ? this.seekBefore(last, false)
              : this.seekFrom(last, true);
      }
      const s = this.at(cur);
      if (s === undefined) return;
      if (reverse ? start !== undefined && s < start : end !== undefined && s >= end) return;
      last = s;
      yield s;
      if (reverse) this.stepBack(cur);
      else this.stepForward(cur);
    }
  }

  /** The first key >= s (or > s when `strict`), or undefined. */
  ceiling(s: string | undefined, strict: boolean): string | undefined {
    return this.at(this.seekFrom(s, strict));
  }

  /** The last key < s (or <= s when `inclusive`), or undefined; an undefined s means the greatest key. */
  floor(s: string | undefined, inclusive: boolean): string | undefined {
    return this.at(this.seekBefore(s, inclusive));
  }

  private at(cur: Cursor): string | undefined {
    return this.chunks[cur.chunk]?.[cur.index];
  }

  private stepForward(cur: Cursor): void {
    cur.index++;
    if (cur.index >= (this.chunks[cur.chunk]?.length ?? 0)) {
      cur.chunk++;
      cur.index = 0;
    }
  }

  private stepBack(cur: Cursor): void {
    cur.index--;
    if (cur.index < 0) {
      cur.chunk--;
      cur.index = (this.chunks[cur.chunk]?.length ?? 0) - 1;
    }
  }

  /** Index of the first chunk whose last key is >= s (chunks.length if none). */
  private chunkFor(s: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid]!;
      if (chunk[chunk.length - 1]! < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private seekFrom(s: string | undefined, strict: boolean): Cursor {
    if (s === undefined) return { chunk: 0, index: 0 };
    let c = this.chunkFor(s);
    const chunk = this.chunks[c];
    if (chunk === undefined) return { chunk: c, index: 0 };
    let i = lowerBound(chunk, s);
    if (strict && chunk[i] === s) i++;
    if (i >= chunk.length) {
      c++;
      i = 0;
    }
    return { chunk: c, index: i };
  }

  private seekBefore(s: string | undefined, inclusive: boolean): Cursor {
    if (s === undefined) {
      const c = this.chunks.length - 1;
      return { chunk: c, index: (this.chunks[c]?.length ?? 0) - 1 };
    }
    const after = this.seekFrom(s, inclusive);
    this.stepBack(after);
    return after;
  }
}

function lowerBound(arr: string[], s: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
