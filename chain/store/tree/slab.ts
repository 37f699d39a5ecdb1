/**
 * The memory the in-memory tree's nodes live in: large Buffers (off the V8 heap) carved
 * into blocks, one block per node, addressed by a number (a handle). At 1M keys the tree
 * is ~330,000 nodes, and a block of 10,000 updates replaces ~19,000 of them: held as heap
 * objects (a node, its strings and arrays), every replacement survived two scavenges
 * (copied twice, ~15 MB a block) and the old ones waited for a full mark-compact of the
 * whole tree. Here a replaced node's block is freed explicitly when the commit that
 * replaces it is made (or when an uncommitted update is dropped), and the collector sees
 * a few hundred Buffers.
 *
 * Blocks come in size classes (multiples of 32 bytes up to 8 KiB, powers of two up to
 * half a slab), each with a free list; a node larger than that gets a slab of its own.
 * handle = slab index * SLAB_BYTES + offset in the slab.
 */

const SLAB_BITS = 22;
export const SLAB_BYTES = 1 << SLAB_BITS;
const OFFSET_MASK = SLAB_BYTES - 1;
const GRAIN = 32;
const SMALL_MAX = 8192;
const LARGE_MAX = SLAB_BYTES >> 1;
const SMALL_CLASSES = SMALL_MAX / GRAIN;

/** The slabs by index (undefined: a freed slab of its own, its index reusable). */
export const slabs: (Buffer | undefined)[] = [];
/** Each slab as float64s (blocks are 8-byte aligned): versions and child handles. */
export const slabF64: (Float64Array | undefined)[] = [];

const freeLists: number[][] = [];
/** Blocks allocated and not freed. */
let live = 0;
const freeSlabIds: number[] = [];
/** The slab being carved, and where its unused tail starts. */
let current = -1;
let top = SLAB_BYTES;

/** The slab that holds block `h`. */
export function slabOf(h: number): Buffer {
  return slabs[(h / SLAB_BYTES) | 0]!;
}

/** The float64 view of the slab that holds block `h`. */
export function f64Of(h: number): Float64Array {
  return slabF64[(h / SLAB_BYTES) | 0]!;
}

/** Offset of block `h` in its slab (the low bits survive `&` for any handle below 2^53). */
export function offsetOf(h: number): number {
  return h & OFFSET_MASK;
}

/** Bytes a block of `size` takes, and its class (-1: a slab of its own). */
function classOf(size: number): number {
  if (size <= SMALL_MAX) return (size + GRAIN - 1) >> 5;
  if (size <= LARGE_MAX) return SMALL_CLASSES + 32 - Math.clz32(size - 1);
  return -1;
}

function classBytes(cls: number): number {
  return cls <= SMALL_CLASSES ? cls * GRAIN : 1 << (cls - SMALL_CLASSES);
}

function newSlab(bytes: number): number {
  const buf = Buffer.allocUnsafeSlow(bytes);
  const id = freeSlabIds.pop() ?? slabs.length;
  slabs[id] = buf;
  slabF64[id] = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength >> 3);
  return id;
}

/** A block of at least `size` bytes. */
export function allocBlock(size: number): number {
  live++;
  const cls = classOf(size);
  if (cls < 0) return newSlab((size + 7) & ~7) * SLAB_BYTES;
  const h = freeLists[cls]?.pop();
  if (h !== undefined) return h;
  const bytes = classBytes(cls);
  if (top + bytes > SLAB_BYTES) {
    current = newSlab(SLAB_BYTES);
    top = 0;
  }
  const at = current * SLAB_BYTES + top;
  top += bytes;
  return at;
}

/** Frees block `h`, allocated with `size` bytes. */
export function freeBlock(h: number, size: number): void {
  live--;
  const cls = classOf(size);
  if (cls < 0) {
    const id = (h / SLAB_BYTES) | 0;
    slabs[id] = undefined;
    slabF64[id] = undefined;
    freeSlabIds.push(id);
    return;
  }
  (freeLists[cls] ??= []).push(h);
}

/** Blocks allocated and not freed (for tests: a tree's nodes are all there is). */
export function liveBlocks(): number {
  return live;
}

/** Bytes held in slabs (for tests and diagnostics). */
export function slabBytes(): number {
  let n = 0;
  for (const s of slabs) n += s?.length ?? 0;
  return n;
}
