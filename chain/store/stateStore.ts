/**
 * The versioned, authenticated state store. The latest state lives in memory (values in
 * a MemoryKV, the tree's internal nodes in `tree/`); a commit turns the working changes
 * into one record per changed internal node (leaf keys and values inline), the root
 * record and pruning deletions inside the caller's WriteBatch, which the caller writes
 * atomically with the block. Disk layout: see tree/keys.ts and tree/record.ts.
 */

import type { Database, StateProof, StateStore, WriteBatch } from "./types.js";
import { storeErrors } from "./errors.js";
import { createMemoryKV } from "./memoryKv.js";
import type { MemoryKV } from "./memoryKv.js";
import { Branch } from "./branch.js";
import { EMPTY_ROOT, freeNode, freeTree, hashToBytes, leafHash, sha256, treeNodeHash } from "./tree/node.js";
import type { TreeNode } from "./tree/node.js";
import { persistNewNodes, updateTree } from "./tree/update.js";
import type { RecordArena } from "./tree/arena.js";
import type { TreeOp, TreeUpdate } from "./tree/update.js";
import { encodeProofSteps, proveInMemory } from "./tree/proof.js";
import type { ProofPath } from "./tree/proof.js";
import { loadTree, proveFromDb, readRoot } from "./tree/storage.js";
import { META_EARLIEST, META_LATEST, readVersion, rootKey, versionBytes } from "./tree/keys.js";
import { encodeRootRecord } from "./tree/record.js";
import { keyString } from "./sortedKeys.js";
import { Pruner } from "./pruning.js";

export { verifyProof } from "./tree/proof.js";
export { EMPTY_ROOT } from "./tree/node.js";

export interface StateStoreOptions {
  readonly db: Database;
  /** How many recent versions stay readable; 0 keeps all. */
  readonly keepRecent: number;
}

export type OpenStateStore = StateStore & {
  close(): Promise<void>;
  /** Resolves when background read-ahead for pruning is idle (tests, shutdown). */
  settled(): Promise<void>;
};

export async function openStateStore(options: StateStoreOptions): Promise<OpenStateStore> {
  const { db } = options;
  const latestBytes = await db.get(META_LATEST);
  const version = latestBytes === undefined ? 0 : readVersion(latestBytes);
  const earliestBytes = await db.get(META_EARLIEST);
  const earliest = earliestBytes === undefined ? 0 : readVersion(earliestBytes);

  const committed = createMemoryKV();
  const rootRecord = version === 0 ? null : await readRoot(db, version);
  const tree = await loadTree(db, rootRecord, committed);

  const pruner = new Pruner(db, Math.max(0, Math.floor(options.keepRecent)), earliest);
  await pruner.start(version);

  return new TreeStateStore(db, pruner, committed, tree, version);
}

/** A record arena at most this large is kept for the next block (a block of 10,000 updates at 1M keys fills ~10 MB). */
const SPARE_ARENA_MAX_BYTES = 32 << 20;

class TreeStateStore implements OpenStateStore {
  readonly working: Branch;
  private plan: { generation: number; update: TreeUpdate } | undefined;
  /** The arena of the last plan that was committed or dropped: refilling it spares a large allocation per block. */
  private spareArena: RecordArena | undefined;

  constructor(
    private readonly db: Database,
    private readonly pruner: Pruner,
    private readonly committed: MemoryKV,
    private tree: TreeNode | null,
    private currentVersion: number,
  ) {
    this.working = new Branch(committed);
  }

  get version(): number {
    return this.currentVersion;
  }

  get root(): Uint8Array {
    return rootHash(this.tree);
  }

  get earliestVersion(): number {
    return this.pruner.earliest;
  }

  workingRoot(): Uint8Array {
    return rootHash(this.workingUpdate().root);
  }

  /** Resolves when background read-ahead for pruning is idle (tests, shutdown). */
  async settled(): Promise<void> {
    await this.pruner.settled();
  }

  rollback(): void {
    this.working.clear();
    this.dropPlan(false);
  }

  commit(batch: WriteBatch, version: number): Uint8Array {
    if (!Number.isSafeInteger(version) || version <= this.currentVersion) {
      throw storeErrors.invalidVersion(`cannot commit version ${version} after ${this.currentVersion}`);
    }
    const update = this.workingUpdate();
    persistNewNodes(update, version, (k, v) => batch.put(k, v));
    for (const s of update.stale) this.pruner.retireNode(batch, s.version, s.depth, s.keyHash, version);
    batch.put(rootKey(version), encodeRootRecord(update.root));
    if (this.currentVersion > 0) this.pruner.retire(batch, rootKey(this.currentVersion), version);
    batch.put(META_LATEST, versionBytes(version));
    this.pruner.prune(batch, version);

    // The ops are the working changes (no-ops included, harmless here), with the value strings the leaves were made of: share them.
    for (const op of update.ops) {
      if (op.leaf === undefined) this.committed.rawDelete(op.key);
      else this.committed.rawSet(op.key, op.leaf.value);
    }
    this.working.markApplied();
    // The replaced nodes' blocks: nothing reads the old tree from here on (proofs of the latest version are made synchronously).
    for (const s of update.stale) freeNode(s.node, s.size);
    this.dropPlan(true);
    this.tree = update.root;
    this.currentVersion = version;
    this.pruner.readAhead(version);
    return this.root;
  }

  async getAt(
    key: Uint8Array,
    version: number,
  ): Promise<{ value: Uint8Array | undefined; proof: StateProof; root: Uint8Array }> {
    if (version > this.currentVersion) {
      throw storeErrors.versionNotCommitted(
        `version ${version} is above the last committed version ${this.currentVersion}`,
        { version },
      );
    }
    const earliest = this.pruner.earliest;
    if (version < earliest || version < 0) {
      throw storeErrors.versionPruned(`version ${version} is older than the earliest kept version ${earliest}`, {
        version,
        earliest,
      });
    }
    const keyHash = sha256(key);
    let path: ProofPath;
    let root: Uint8Array;
    let value: Uint8Array | undefined;
    if (version === this.currentVersion) {
      // The latest version is answered from memory, also before the caller has written its batch.
      path = proveInMemory(this.tree, keyHash);
      root = this.root;
      const current = this.committed.get(key);
      value = current === undefined ? undefined : new Uint8Array(current);
    } else {
      const record = version === 0 ? null : await readRoot(this.db, version);
      ({ path, value } = await proveFromDb(this.db, record, keyHash));
      root = record === null ? new Uint8Array(EMPTY_ROOT) : hashToBytes(record.hash);
    }
    const steps = encodeProofSteps(path);
    if (path.terminal.kind === "own") {
      if (value === undefined || sha256(value) !== path.terminal.valueHash) {
        throw storeErrors.corrupted(`value of a proven key is missing or wrong at version ${version}`);
      }
      return { value, root, proof: { kind: "exist", key: new Uint8Array(key), value, steps } };
    }
    return { value: undefined, root, proof: { kind: "nonexist", key: new Uint8Array(key), steps } };
  }

  /** Drops the in-memory state. The Database is shared (blocks, indexes): its owner closes it. */
  async close(): Promise<void> {
    this.dropPlan(false);
    this.spareArena = undefined;
    this.working.clear();
    freeTree(this.tree);
    this.tree = null;
  }

  /**
   * Forgets the plan; its records were handed to a batch (which copies them) or never will be.
   * The nodes it created are the tree's now (committed) or nobody's, and then freed.
   */
  private dropPlan(committed: boolean): void {
    const update = this.plan?.update;
    if (update === undefined) return;
    if (!committed) for (const n of update.created) freeNode(n.node);
    if (update.arena.buf.length <= SPARE_ARENA_MAX_BYTES) this.spareArena = update.arena;
    this.plan = undefined;
  }

  /** The tree update for the current working changes, cached until the next write. */
  private workingUpdate(): TreeUpdate {
    if (this.plan !== undefined && this.plan.generation === this.working.generation) return this.plan.update;
    // Writing a key's current value or deleting an absent key is left in: the tree finds that
    // it changes nothing (an equal leaf hash, no leaf) where the update walks anyway, and
    // looking each key up in the million-entry committed map first cost a cache miss or more.
    const ops: TreeOp[] = [];
    for (const [s, key, value] of this.working.pendingLatin1()) ops.push(opOf(s, sha256(key), value));
    // Nothing of a stale plan was handed to a batch: its arena serves this one.
    this.dropPlan(false);
    const update = updateTree(this.tree, ops, this.spareArena);
    this.spareArena = undefined;
    this.plan = { generation: this.working.generation, update };
    return update;
  }
}

function opOf(key: string, keyHash: string, value: Uint8Array | undefined): TreeOp {
  return {
    key,
    keyHash,
    leaf:
      value === undefined
        ? undefined
        : { key, value: keyString(value), keyHash, hash: leafHash(keyHash, sha256(value)) },
  };
}

/** Roots leave the store as plain Uint8Array copies. */
function rootHash(node: TreeNode | null): Uint8Array {
  return node === null ? new Uint8Array(EMPTY_ROOT) : hashToBytes(treeNodeHash(node));
}

/** The root of a state holding exactly these entries, computed from scratch (for checks and tests). */
export function computeStateRoot(entries: Iterable<[Uint8Array, Uint8Array]>): Uint8Array {
  const ops: TreeOp[] = [];
  const seen = new Set<string>();
  for (const [key, value] of entries) {
    const keyHash = sha256(key);
    if (seen.has(keyHash)) continue;
    seen.add(keyHash);
    ops.push(opOf(keyString(key), keyHash, value));
  }
  const { root } = updateTree(null, ops);
  const hash = rootHash(root);
  freeTree(root);
  return hash;
}
