/**
 * Speculative execution for the sequencer: a branch of the committed state on which the
 * next block's begin-block has run, and on which each tx executes the moment it arrives,
 * in finalize mode, exactly as the validators will re-execute the block. Nothing here
 * reaches committed state unless the block that commits is exactly the one executed.
 *
 * Reuse. A block's execution is a function of its starting state, its header fields and
 * its txs: a tx sees only the chain id, height and time (runTx), the begin- and end-block
 * hooks see the header fields as well. So:
 * - when the block that commits is the one a branch executed (the same starting state,
 *   the same header fields, the same txs), the branch's changes are that block's changes,
 *   and the app applies them instead of executing the block again (`reuseForFinalize`);
 * - a pipelined block, opened on its parent's speculative state with a predicted
 *   begin-block, needs no second execution once its parent's changes were committed as
 *   they were (reused) and its txs read nothing the real begin-block writes differently
 *   from the predicted one: they ran on exactly the values they would read now
 *   (`rebaseOnCommitted`). The prediction misses often in small ways a trade never reads: a
 *   vote late for the last commit changes a validator's missed-block count, and the
 *   checkpoint interval's begin-block needs the app hash the prediction lacks. So every key
 *   and range the txs read or wrote below their own branches is logged (store/branch.ts);
 * - the same holds for a block opened on committed state when its begin-block changes
 *   before it is proposed: the proposal carries the precommits that arrived after the
 *   decision, so its last commit, and the missed-block counts it sets, grow.
 * Every condition is checked; where one fails, the block is executed again as before.
 */
import { Branch, branchStore } from "../store/branch.js";
import type { KVStore } from "../store/types.js";
import type { AbciEvent, LastCommitInfo, Misbehavior, Timestamp, TxResult, ValidatorUpdate } from "../types/abci.js";
import { compareBytes, equalBytes } from "../types/bytes.js";
import { keyString } from "../store/sortedKeys.js";
import { sdkErrors } from "../types/errors.js";
import { runBlockHook, type HookLogger } from "./blockHooks.js";
import { createQueryContext } from "./context.js";
import { runTx, type AnteObserver, type RunTxEnv } from "./runTx.js";
import type { AppModule, BlockInfo, QueryRoute } from "./types.js";

/** Everything a tx's execution can see of its block, fixed when the sequencer opens the height. */
export interface SpeculativeBlockRequest {
  height: bigint;
  time: Timestamp;
  misbehavior: Misbehavior[];
  decidedLastCommit: LastCommitInfo;
  /** As in finalizeBlock: what begin block may read of the header (the same values the block will carry). */
  proposerAddress?: Uint8Array;
  lastResultsHash?: Uint8Array;
  /** The previous block's hash (the header's last_block_id), as finalize will see it. */
  lastBlockHash?: Uint8Array;
}

export interface SpeculativeOutcome {
  result: TxResult;
  /** False when the tx failed before its fee was charged (decode, ante): it must not go into the block. */
  included: boolean;
}

export interface SpeculativeBlock {
  readonly height: bigint;
  /** No more txs execute here: closed (end-block ran), or replaced by its re-based or committed self. */
  readonly closed: boolean;
  /**
   * Executes `tx` after the ones already kept. Its effects are kept only when it is
   * included and `accept(result)` agrees (e.g. it fits the block's gas); otherwise the
   * state is as before. `onAnte` is told of the tx's ante (runTx.ts) before its writes are kept.
   */
  execute(
    tx: Uint8Array,
    accept?: (result: TxResult) => boolean,
    onAnte?: AnteObserver,
  ): SpeculativeOutcome & { kept: boolean };
  /**
   * A module query on the speculative state (committed + the txs kept so far), as at the
   * block's time: what a trader's receipted fills have done to its positions. Read only.
   */
  query(path: string, data: Uint8Array): Uint8Array;
  /**
   * Ends the block: its end-block runs on the speculative state with the kept txs, as
   * finalize will run it. Afterwards nothing more executes here (execute throws).
   */
  close(): void;
  /**
   * Pipelining: the next height, opened on this closed block's state (committed + this
   * block) while this one is still in consensus. Its begin-block sees `req`, a prediction
   * (the commit of this block is not known yet); the caller re-bases it on the real
   * opening. The app hash of this block is not known either: the child's begin-block sees none.
   */
  openNext(req: SpeculativeBlockRequest): SpeculativeBlock;
}

/** What the blocks of one app share. */
export interface SpeculativeEnv {
  env: RunTxEnv;
  modules: readonly AppModule[];
  chainId: string;
  logger: HookLogger | undefined;
  queries?: ReadonlyMap<string, QueryRoute>;
}

/** The state store as reuse needs it: the working branch blocks finalize on, and its committed version. */
export interface ReuseStore {
  readonly working: KVStore;
  readonly version: number;
}

type Change = readonly [Uint8Array, Uint8Array | undefined];

type Base =
  | { readonly kind: "committed"; readonly store: KVStore; readonly version: number }
  | { readonly kind: "parent"; readonly parent: SpecRecord };

interface SpecRecord {
  readonly shared: SpeculativeEnv;
  /** The header fields as the hooks see them; the txs are added for end-block at close. */
  readonly info: BlockInfo;
  readonly base: Base;
  /** Begin-block's changes, then every kept tx's, then end-block's. */
  readonly state: Branch;
  /** What begin-block changed, in key order: a re-base compares the real begin-block with it. */
  readonly beginChanges: readonly Change[];
  readonly beginEvents: AbciEvent[];
  readonly kept: Uint8Array[];
  readonly results: TxResult[];
  endEvents: AbciEvent[];
  updates: ValidatorUpdate[];
  closed: boolean;
  /** Replaced (re-based, or its changes committed): nothing executes here any more. */
  retired: boolean;
  /** The committed version whose changes are exactly this block's (set when finalize reused it). */
  committedAs: number | undefined;
}

const records = new WeakMap<SpeculativeBlock, SpecRecord>();

/** The header fields a block's hooks see, as finalize builds them from the same request. */
export function hookInfo(
  chainId: string,
  req: SpeculativeBlockRequest,
  lastAppHash: Uint8Array | undefined,
): BlockInfo {
  return {
    chainId,
    height: req.height,
    time: req.time,
    comet: {
      lastCommit: req.decidedLastCommit,
      misbehavior: req.misbehavior,
      ...(req.proposerAddress === undefined ? {} : { proposerAddress: req.proposerAddress }),
      ...(req.lastResultsHash === undefined ? {} : { lastResultsHash: req.lastResultsHash }),
    },
    ...(lastAppHash === undefined ? {} : { lastAppHash }),
    ...(req.lastBlockHash === undefined ? {} : { lastBlockHash: req.lastBlockHash }),
  };
}

/** End-block's view: the hooks' view plus the block's txs. */
export function withTxs(info: BlockInfo, txs: readonly Uint8Array[]): BlockInfo {
  return { ...info, comet: { ...(info.comet ?? { lastCommit: { votes: [] }, misbehavior: [] }), txs } };
}

export function openSpeculativeBlock(
  shared: SpeculativeEnv,
  committed: ReuseStore,
  req: SpeculativeBlockRequest,
  lastAppHash: Uint8Array | undefined,
): SpeculativeBlock {
  return openOn(shared, { kind: "committed", store: committed.working, version: committed.version }, req, lastAppHash);
}

function openOn(
  shared: SpeculativeEnv,
  base: Base,
  req: SpeculativeBlockRequest,
  lastAppHash: Uint8Array | undefined,
): SpeculativeBlock {
  const state = branchStore(base.kind === "committed" ? base.store : base.parent.state);
  const info = hookInfo(shared.chainId, req, lastAppHash);
  const beginEvents: AbciEvent[] = [];
  runBlockHook({ modules: shared.modules, base: state, logger: shared.logger }, info, "beginBlock", beginEvents);
  // A block may be re-based later (its parent committed, or its last commit grown by late
  // precommits): what its txs depend on decides whether they run again.
  state.trackAccess();
  return blockOf({
    shared,
    info,
    base,
    state,
    beginChanges: [...state.changes()],
    beginEvents,
    kept: [],
    results: [],
    endEvents: [],
    updates: [],
    closed: false,
    retired: false,
    committedAs: undefined,
  });
}

function close(r: SpecRecord): void {
  if (r.closed) return;
  r.closed = true;
  const events: AbciEvent[] = [];
  const updates: ValidatorUpdate[] = [];
  runBlockHook(
    { modules: r.shared.modules, base: r.state, logger: r.shared.logger },
    withTxs(r.info, r.kept),
    "endBlock",
    events,
    updates,
  );
  r.endEvents = events;
  r.updates = updates;
}

function blockOf(r: SpecRecord): SpeculativeBlock {
  const block: SpeculativeBlock = {
    height: r.info.height,
    get closed() {
      return r.closed || r.retired;
    },
    execute(tx, accept, onAnte) {
      if (r.closed || r.retired) throw sdkErrors.invalidRequest(`speculative block ${r.info.height} is closed`);
      const attempt = branchStore(r.state);
      const outcome = runTx(r.shared.env, "finalize", attempt, r.info, tx, onAnte);
      const keep = outcome.charged && (accept?.(outcome.result) ?? true);
      if (keep) {
        attempt.write();
        r.kept.push(tx);
        r.results.push(outcome.result);
      }
      return { result: outcome.result, included: outcome.charged, kept: keep };
    },
    query(path, data) {
      const route = r.shared.queries?.get(path);
      if (route === undefined) throw sdkErrors.unknownRequest(`unknown query path ${path}`);
      // A branch of the branch: a query never writes, and if one did it would be dropped here.
      return route.handle(createQueryContext(branchStore(r.state), r.info.height, r.info.time), data);
    },
    close() {
      close(r);
    },
    openNext(next) {
      if (!r.closed) throw sdkErrors.invalidRequest(`speculative block ${r.info.height} is still open`);
      return openOn(r.shared, { kind: "parent", parent: r }, next, undefined);
    },
  };
  records.set(block, r);
  return block;
}

/** What finalize answers for a reused block. */
export interface ReusedBlock {
  /** Begin-block's events, then end-block's (finalize's order). */
  events: AbciEvent[];
  txResults: TxResult[];
  validatorUpdates: ValidatorUpdate[];
}

/**
 * Finalize of `info` (the hooks' view, without txs) with `txs`, answered from `block` when it
 * executed exactly that block on exactly the state `store` holds now: its changes are written
 * into the working state and its results returned. Undefined (nothing changed) otherwise.
 */
export function reuseForFinalize(
  block: SpeculativeBlock,
  store: ReuseStore,
  info: BlockInfo,
  txs: readonly Uint8Array[],
): ReusedBlock | undefined {
  const r = records.get(block);
  if (r === undefined || r.retired || r.base.kind !== "committed") return undefined;
  if (r.base.store !== store.working || r.base.version !== store.version || !clean(store)) return undefined;
  if (r.kept.length !== txs.length || !r.kept.every((tx, i) => equalBytes(tx, txs[i]!))) return undefined;
  if (!sameValue(r.info, info)) return undefined;
  close(r);
  r.state.write();
  r.retired = true;
  r.committedAs = store.version + 1;
  return { events: [...r.beginEvents, ...r.endEvents], txResults: [...r.results], validatorUpdates: [...r.updates] };
}

/**
 * `block` moved onto committed state under the begin-block of `req` without executing its
 * txs again, when that is exact. Two cases: a pipelined block whose parent's changes are
 * what was committed (finalize reused them), its begin-block predicted; and a block opened
 * on the committed state as it still is, whose last commit has grown since (precommits
 * that arrived after the decision, which the proposal carries). Either way its txs must see
 * the same chain id, height and time under `req`, and no key on which the new begin-block
 * (`req`, `lastAppHash`) and the old one differ may have been read or written by them (nor
 * lie in a range they scanned). Then every value they read is what they would read now,
 * so they would do and answer exactly what they did; the re-based state is the new
 * begin-block's changes and then theirs. Undefined otherwise, and then the caller executes
 * the txs again or keeps the old begin-block. `block` is retired when this succeeds.
 */
export function rebaseOnCommitted(
  block: SpeculativeBlock,
  store: ReuseStore,
  req: SpeculativeBlockRequest,
  lastAppHash: Uint8Array,
): SpeculativeBlock | undefined {
  const r = records.get(block);
  if (r === undefined || r.retired || r.closed) return undefined;
  const onCommitted =
    r.base.kind === "parent"
      ? r.base.parent.committedAs === store.version
      : r.base.store === store.working && r.base.version === store.version;
  if (!onCommitted || BigInt(store.version) + 1n !== r.info.height || !clean(store)) return undefined;
  const info = hookInfo(r.shared.chainId, req, lastAppHash);
  if (info.height !== r.info.height || !sameValue(info.time, r.info.time)) return undefined;
  const state = branchStore(store.working);
  const beginEvents: AbciEvent[] = [];
  runBlockHook({ modules: r.shared.modules, base: state, logger: r.shared.logger }, info, "beginBlock", beginEvents);
  const beginChanges = [...state.changes()];
  const differing = differingKeys(beginChanges, r.beginChanges);
  const log = r.state.accessLog;
  if (differing.size > 0) {
    if (log === undefined) return undefined;
    for (const s of differing) if (log.touches(s)) return undefined;
  }
  // What the txs read stays known: the block may be re-based again (a pipelined block moved
  // on its real opening, then given its proposal's last commit).
  if (log !== undefined) state.trackAccess(log);
  // The txs ran on the values they would read now: replay their changes, and begin-block's
  // where the predicted one wrote what the real one did (a differing key keeps the real one's).
  for (const [key, value] of r.state.changes()) {
    if (differing.size > 0 && differing.has(keyString(key))) continue;
    if (value === undefined) state.delete(key);
    else state.set(key, value);
  }
  r.retired = true;
  return blockOf({
    shared: r.shared,
    info,
    base: { kind: "committed", store: store.working, version: store.version },
    state,
    beginChanges,
    beginEvents,
    kept: [...r.kept],
    results: [...r.results],
    endEvents: [],
    updates: [],
    closed: false,
    retired: false,
    committedAs: undefined,
  });
}

/** The working state holds exactly the committed version (no block half-executed on it). */
function clean(store: ReuseStore): boolean {
  return store.working instanceof Branch && store.working.dirtySize === 0;
}

/** The keys (latin1 form) that one list of changes sets or deletes and the other does not do alike; both in key order. */
export function differingKeys(a: readonly Change[], b: readonly Change[]): Set<string> {
  const out = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    const order = x === undefined ? 1 : y === undefined ? -1 : compareBytes(x[0], y[0]);
    if (order < 0) {
      out.add(keyString(x![0]));
      i++;
    } else if (order > 0) {
      out.add(keyString(y![0]));
      j++;
    } else {
      const [v, w] = [x![1], y![1]];
      if (v === undefined ? w !== undefined : w === undefined || !equalBytes(v, w)) out.add(keyString(x![0]));
      i++;
      j++;
    }
  }
  return out;
}

/** Deep equality of plain data (objects, arrays, byte arrays, bigints); an absent key equals an undefined one. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && equalBytes(a, b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k of Object.keys(x)) if (!sameValue(x[k], y[k])) return false;
  for (const k of Object.keys(y)) if (!(k in x) && y[k] !== undefined) return false;
  return true;
}
