/**
 * Speculative execution for the sequencer: a branch of the committed state on which the
 * next block's begin-block has run, and on which each tx executes the moment it arrives,
 * in finalize mode, exactly as the validators will re-execute the block. Nothing here
 * reaches committed state: the branch is dropped once the height commits.
 */
import { branchStore, type Branch } from "../store/branch.js";
import type { KVStore } from "../store/types.js";
import type { AbciEvent, LastCommitInfo, Misbehavior, Timestamp, TxResult } from "../types/abci.js";
import { runBlockHook, type HookLogger } from "./blockHooks.js";
import { runTx, type RunTxEnv } from "./runTx.js";
import type { AppModule, BlockInfo, QueryRoute } from "./types.js";
import { createQueryContext } from "./context.js";
import { sdkErrors } from "../types/errors.js";

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
  /**
   * Executes `tx` after the ones already kept. Its effects are kept only when it is
   * included and `accept(result)` agrees (e.g. it fits the block's gas); otherwise the
   * state is as before.
   */
  execute(tx: Uint8Array, accept?: (result: TxResult) => boolean): SpeculativeOutcome & { kept: boolean };
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
   * (the commit of this block is not known yet); the caller re-executes on the real
   * opening and compares. The app hash of this block is not known either: the child's
   * begin-block sees none.
   */
  openNext(req: SpeculativeBlockRequest): SpeculativeBlock;
}

export function openSpeculativeBlock(
  o: {
    env: RunTxEnv;
    modules: readonly AppModule[];
    committed: KVStore;
    chainId: string;
    logger: HookLogger | undefined;
    queries?: ReadonlyMap<string, QueryRoute>;
    /** The committed root: the next header's app_hash. */
    lastAppHash?: Uint8Array;
  },
  req: SpeculativeBlockRequest,
): SpeculativeBlock {
  const state: Branch = branchStore(o.committed);
  const comet: NonNullable<BlockInfo["comet"]> = {
    lastCommit: req.decidedLastCommit,
    misbehavior: req.misbehavior,
    ...(req.proposerAddress === undefined ? {} : { proposerAddress: req.proposerAddress }),
    ...(req.lastResultsHash === undefined ? {} : { lastResultsHash: req.lastResultsHash }),
  };
  const block: BlockInfo = {
    chainId: o.chainId,
    height: req.height,
    time: req.time,
    comet,
    ...(o.lastAppHash === undefined ? {} : { lastAppHash: o.lastAppHash }),
    ...(req.lastBlockHash === undefined ? {} : { lastBlockHash: req.lastBlockHash }),
  };
  const events: AbciEvent[] = [];
  runBlockHook({ modules: o.modules, base: state, logger: o.logger }, block, "beginBlock", events);
  const kept: Uint8Array[] = [];
  let closed = false;
  return {
    height: req.height,
    execute(tx, accept) {
      if (closed) throw sdkErrors.invalidRequest(`speculative block ${req.height} is closed`);
      const attempt = branchStore(state);
      const outcome = runTx(o.env, "finalize", attempt, block, tx);
      const keep = outcome.charged && (accept?.(outcome.result) ?? true);
      if (keep) {
        attempt.write();
        kept.push(tx);
      }
      return { result: outcome.result, included: outcome.charged, kept: keep };
    },
    query(path, data) {
      const route = o.queries?.get(path);
      if (route === undefined) throw sdkErrors.unknownRequest(`unknown query path ${path}`);
      // A branch of the branch: a query never writes, and if one did it would be dropped here.
      return route.handle(createQueryContext(branchStore(state), req.height, req.time), data);
    },
    close() {
      if (closed) return;
      closed = true;
      const end: BlockInfo = { ...block, comet: { ...comet, txs: kept } };
      runBlockHook({ modules: o.modules, base: state, logger: o.logger }, end, "endBlock", []);
    },
    openNext(next) {
      if (!closed) throw sdkErrors.invalidRequest(`speculative block ${req.height} is still open`);
      const { lastAppHash: _unknown, ...rest } = o;
      return openSpeculativeBlock({ ...rest, committed: state }, next);
    },
  };
}
