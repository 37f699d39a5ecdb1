/**
 * The commit path, split from the driver: a decided (or block-synced) block is executed by
 * the application and written with its commit, app state, validator schedule, evidence and
 * indexes in ONE batch, then the chain state and validator sets of the next height are
 * derived from it. The driver owns when this runs and what follows (WAL, timers, sequencer).
 */
import type { LastCommitInfo } from "../types/abci.js";
import type { Block, BlockId, Commit, Validator } from "../types/block.js";
import { addressFromPubKey, resultsHash } from "./encoding.js";
import type { ChainState } from "./blockFactory.js";
import { toMisbehavior } from "./evidence.js";
import type { EvidencePool } from "./evidencePool.js";
import {
  applyValidatorUpdates,
  createValidatorSet,
  nextHeightValidatorSet,
  sameValidators,
  type ValidatorSet,
} from "./proposer.js";
import type { CommittedBlock, ConsensusDriverOptions } from "./types.js";

/** Who signed the previous block, by the previous height's set (FinalizeBlock's decided_last_commit). */
export function lastCommitInfo(validators: readonly Validator[], commit: Commit): LastCommitInfo {
  return {
    votes: validators.map((v, i) => ({
      validatorAddress: v.address,
      power: v.votingPower,
      signed: commit.signatures[i]?.blockIdFlag === 2,
    })),
  };
}

export interface HeightState {
  chain: ChainState;
  /** The set of the height being committed. */
  set: ValidatorSet;
  /** The list of the height after it (end-block updates of height h take effect at h+2). */
  nextList: Validator[];
}

type CommitOptions = Pick<ConsensusDriverOptions, "app" | "db" | "blockStore" | "onBlockCommitting" | "logger">;

/**
 * Resolves after a turn of the event loop in which I/O that arrived meanwhile is handled: an
 * immediate set from another immediate runs after the loop's next poll phase.
 */
function turnOfEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Executes and writes `block`; returns what was committed and the state of the next height. */
export async function executeAndPersist(
  o: CommitOptions,
  evidence: Pick<EvidencePool, "committed">,
  { chain, set, nextList }: HeightState,
  block: Block,
  blockId: BlockId,
  commit: Commit,
): Promise<HeightState & { committed: CommittedBlock }> {
  const h = block.header.height;
  const results = o.app.finalizeBlock({
    txs: block.txs,
    height: h,
    time: block.header.time,
    hash: blockId.hash,
    proposerAddress: block.header.proposerAddress,
    misbehavior: block.evidence.map(toMisbehavior),
    decidedLastCommit: lastCommitInfo(chain.lastValidators, block.lastCommit),
    lastResultsHash: block.header.lastResultsHash,
    lastBlockHash: block.header.lastBlockId.hash,
  });
  // Served between finalize and Commit: a sequencer's orders (on the next height, pipelined on
  // this block's speculative state), CheckTx on the check state (re-checked after the Commit,
  // as ever), and queries, which the app holds until the Commit. Consensus events wait in the
  // driver's queue, as they do during the batch's write.
  await turnOfEventLoop();
  const batch = o.db.batch();
  const { retainHeight } = o.app.commit(batch);
  const committed: CommittedBlock = { block, blockId, commit, results, validators: [...set.validators] };
  // In the same synchronous step as the app's Commit: the mempool's re-check follows it there.
  o.onBlockCommitting?.(committed, batch);
  // What follows only fills the batch (the block store makes nothing visible before
  // markSaved): the requests that arrived meanwhile are served first. On a sequencer at 500
  // orders/s this one step was ~100 µs per tx of the block, a quarter of it encoding the results.
  await turnOfEventLoop();
  o.blockStore.save(batch, committed, set);
  evidence.committed(batch, block.evidence);
  const afterNext = applyValidatorUpdates(
    nextList,
    results.validatorUpdates.map((u) => ({
      pubKey: u.pubKey,
      address: addressFromPubKey(u.pubKey),
      votingPower: u.power,
    })),
  );
  if (results.validatorUpdates.length > 0) {
    o.blockStore.saveScheduledValidators(batch, h + 2n, afterNext);
    o.logger?.info("validator set changes", { at_height: String(h + 2n), updates: results.validatorUpdates.length });
  }
  await batch.write();
  o.blockStore.markSaved(h);
  // Old heights go after the commit, in batches of their own (blockStore.ts): the block's
  // write never waits for them, and the tx index follows the block store's base.
  if (retainHeight > 0n)
    o.blockStore.pruneBelow(retainHeight).catch((e: unknown) => {
      o.logger?.error("pruning old blocks failed", { below: String(retainHeight), error: String(e) });
    });
  const next: ChainState = {
    ...chain,
    lastHeight: h,
    lastBlockId: blockId,
    lastBlockTime: block.header.time,
    lastCommit: commit,
    lastResultsHash: resultsHash(results.txResults),
    appHash: results.appHash,
    lastValidators: set.validators,
  };
  const nextSet = sameValidators(set.validators, nextList) ? nextHeightValidatorSet(set) : createValidatorSet(nextList);
  next.validators = nextSet.validators;
  next.nextValidators = afterNext;
  return { committed, chain: next, set: nextSet, nextList: afterNext };
}
