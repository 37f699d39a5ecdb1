/**
 * The exit tree kept in state, updated in place at each checkpoint instead of rebuilt.
 *
 * Each account gets a slot the first time it has something to claim, and keeps it for good
 * (slots are never reused or moved). The tree is `merkleRootOf` over the slots' leaves in slot
 * order: the same sorted-pair, odd-node-promoted tree the contract's MerkleProof checks. A
 * checkpoint rewrites only the leaves whose recipient or equity changed and the nodes above
 * them; an account that has nothing left keeps its slot with equity zero.
 *
 * Everything a proof needs is a point read (slot, leaf records, stored nodes), so a proof
 * against the tree of checkpoint H is served at any height from H + 1 (where begin block
 * wrote it) until the next checkpoint, including past heights.
 *
 *   0x09 | account               its slot (u64)
 *   0x0a | slot                  leaf record: account, recipient, equity
 *   0x0b | level | index         tree node at level >= 1 (level 0 is hashed from the record)
 *   0x0c                         header: slot count, checkpoint height, root
 */
import { lengthPrefixed, type StoreSource } from "../../chain/runtime/collection.js";
import { concatBytes, equalBytes, readU64be, u64be } from "../../chain/types/bytes.js";
import { STORE_KEY } from "./keys.js";
import { exitLeafHash, hashPair, ZERO_ROOT } from "./merkleTree.js";

export const EXIT_SLOTS_PREFIX = Uint8Array.of(0x09);
export const EXIT_LEAVES_PREFIX = Uint8Array.of(0x0a);
export const EXIT_NODES_PREFIX = Uint8Array.of(0x0b);
export const EXIT_HEADER_KEY = Uint8Array.of(0x0c);

export interface ExitTreeHeader {
  slots: bigint;
  /** The checkpoint height whose state the tree holds (0 before the first checkpoint). */
  height: bigint;
  root: Uint8Array;
}

export interface ExitLeafRecord {
  /** 20 address bytes. */
  account: Uint8Array;
  recipient: Uint8Array;
  equity: bigint;
}

/** An account's claim as it should stand after this checkpoint (address bytes, not bech32). */
export interface ExitTarget {
  account: Uint8Array;
  /** Absent: the account keeps the recipient of its leaf (and gets none if it has no leaf). */
  recipient?: Uint8Array;
  equity: bigint;
}

const kv = (src: StoreSource) => src.kv(STORE_KEY);

/** A non-negative amount as 32 big-endian bytes (as the contract's uint256). */
export function uint256(n: bigint): Uint8Array {
  if (n < 0n || n >= 1n << 256n) throw new RangeError(`not a uint256: ${n}`);
  const out = new Uint8Array(32);
  let v = n;
  for (let i = 31; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
export function readUint256(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function getExitHeader(src: StoreSource): ExitTreeHeader {
  const raw = kv(src).get(EXIT_HEADER_KEY);
  if (raw === undefined) return { slots: 0n, height: 0n, root: ZERO_ROOT };
  return { slots: readU64be(raw, 0), height: readU64be(raw, 8), root: raw.slice(16, 48) };
}
function setHeader(src: StoreSource, h: ExitTreeHeader): void {
  kv(src).set(EXIT_HEADER_KEY, concatBytes(u64be(h.slots), u64be(h.height), h.root));
}

export function exitSlotOf(src: StoreSource, account: Uint8Array): bigint | undefined {
  const raw = kv(src).get(concatBytes(EXIT_SLOTS_PREFIX, lengthPrefixed(account)));
  return raw === undefined ? undefined : readU64be(raw);
}

export function exitLeafAt(src: StoreSource, slot: bigint): ExitLeafRecord | undefined {
  const raw = kv(src).get(concatBytes(EXIT_LEAVES_PREFIX, u64be(slot)));
  if (raw === undefined) return undefined;
  const n = raw[0]!;
  return {
    account: raw.slice(1, 1 + n),
    recipient: raw.slice(1 + n, 21 + n),
    equity: readUint256(raw.subarray(21 + n, 53 + n)),
  };
}
function setLeaf(src: StoreSource, slot: bigint, r: ExitLeafRecord): void {
  kv(src).set(
    concatBytes(EXIT_LEAVES_PREFIX, u64be(slot)),
    concatBytes(Uint8Array.of(r.account.length), r.account, r.recipient, uint256(r.equity)),
  );
}

const leafHashOf = (r: ExitLeafRecord) => exitLeafHash(r.account, r.recipient, r.equity);
const nodeKey = (level: number, index: bigint) => concatBytes(EXIT_NODES_PREFIX, Uint8Array.of(level), u64be(index));

/** Node `index` of `level` (level 0: the leaf of that slot). */
function nodeAt(src: StoreSource, level: number, index: bigint): Uint8Array {
  if (level === 0) return leafHashOf(exitLeafAt(src, index)!);
  return kv(src).get(nodeKey(level, index))!;
}

/**
 * Brings the tree to `targets` (one per account, in the order new slots are given) as of
 * checkpoint `height`; returns the root. With `complete`, the targets are every account with
 * a claim now, and accounts with a slot that are not among them drop to equity zero;
 * without, they are the accounts whose claim may have changed, and every other leaf stays.
 * Point reads per target (and per slot when complete); writes only for what changed.
 */
export function updateExitTree(
  src: StoreSource,
  targets: readonly ExitTarget[],
  height: bigint,
  complete = true,
): Uint8Array {
  const header = getExitHeader(src);
  let slots = header.slots;
  // Level-0 changes, keyed by slot; a slot's leaf hash is computed once here.
  let changed = new Map<bigint, Uint8Array>();
  const present = new Set<bigint>();
  const write = (slot: bigint, r: ExitLeafRecord) => {
    setLeaf(src, slot, r);
    changed.set(slot, leafHashOf(r));
  };
  for (const t of targets) {
    let slot = exitSlotOf(src, t.account);
    if (slot === undefined) {
      // Nothing to claim, or no L1 address to pay it to (the equity stays in the contract): no slot.
      if (t.equity === 0n || t.recipient === undefined) continue;
      slot = slots++;
      kv(src).set(concatBytes(EXIT_SLOTS_PREFIX, lengthPrefixed(t.account)), u64be(slot));
      write(slot, { account: t.account, recipient: t.recipient, equity: t.equity });
    } else {
      const r = exitLeafAt(src, slot)!;
      const recipient = t.recipient ?? r.recipient;
      if (r.equity !== t.equity || !equalBytes(r.recipient, recipient))
        write(slot, { account: r.account, recipient, equity: t.equity });
    }
    present.add(slot);
  }
  // Slots that are not targets any more: their claim is zero now.
  for (let s = 0n; complete && s < header.slots; s++) {
    if (present.has(s)) continue;
    const r = exitLeafAt(src, s)!;
    if (r.equity !== 0n) write(s, { ...r, equity: 0n });
  }

  let root = header.root;
  if (changed.size > 0) {
    let size = slots;
    let level = 0;
    while (size > 1n) {
      const next = new Map<bigint, Uint8Array>();
      const read = (i: bigint) => changed.get(i) ?? nodeAt(src, level, i);
      const parents = [...new Set([...changed.keys()].map((i) => i >> 1n))].sort((a, b) => (a < b ? -1 : 1));
      for (const p of parents) {
        const right = 2n * p + 1n;
        const node = right < size ? hashPair(read(2n * p), read(right)) : read(2n * p);
        kv(src).set(nodeKey(level + 1, p), node);
        next.set(p, node);
      }
      changed = next;
      size = (size + 1n) >> 1n;
      level++;
    }
    root = changed.get(0n)!;
  }
  setHeader(src, { slots, height, root });
  return root;
}

export interface ExitProof {
  record: ExitLeafRecord;
  slot: bigint;
  leaf: Uint8Array;
  proof: Uint8Array[];
  header: ExitTreeHeader;
}

/** The account's leaf and its siblings up to the root (the contract's MerkleProof order): point reads only. */
export function exitProofFor(src: StoreSource, account: Uint8Array): ExitProof | undefined {
  const slot = exitSlotOf(src, account);
  if (slot === undefined) return undefined;
  const header = getExitHeader(src);
  const record = exitLeafAt(src, slot)!;
  const proof: Uint8Array[] = [];
  let size = header.slots;
  let i = slot;
  for (let level = 0; size > 1n; level++) {
    const sibling = i ^ 1n;
    if (sibling < size) proof.push(nodeAt(src, level, sibling));
    i >>= 1n;
    size = (size + 1n) >> 1n;
  }
  return { record, slot, leaf: leafHashOf(record), proof, header };
}

/** Every slot's record in slot order (tests, and a from-scratch check of the stored root). */
export function* exitLeafRecords(src: StoreSource): IterableIterator<ExitLeafRecord> {
  const { slots } = getExitHeader(src);
  for (let s = 0n; s < slots; s++) yield exitLeafAt(src, s)!;
}
