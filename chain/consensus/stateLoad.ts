/**
 * Where the driver starts from, split from the driver: the chain state, validator sets and
 * proposer bookkeeping loaded from the block store (or genesis on an empty store), and the
 * vote a crash may have left signed but unlogged (restored from the sign state on replay).
 */
import type { Validator, Vote } from "../types/block.js";
import { equalBytes } from "../types/bytes.js";
import { emptyBlockId, decodeVoteSignBytes, resultsHash } from "./encoding.js";
import { emptyCommit, type ChainState } from "./blockFactory.js";
import { consensusErrors } from "./errors.js";
import { createValidatorSet, nextHeightValidatorSet, sameValidators, type ValidatorSet } from "./proposer.js";
import type { LastSignState } from "./signState.js";
import type { ConsensusDriverOptions } from "./types.js";

export interface LoadedChain {
  chain: ChainState;
  /** The set of the height to run (the stored height + 1). */
  set: ValidatorSet;
  /** The list of the height after it. */
  nextList: Validator[];
  lastBlockHadTxs: boolean;
}

type LoadOptions = Pick<
  ConsensusDriverOptions,
  "app" | "blockStore" | "chainId" | "initialHeight" | "consensusParams" | "validators" | "genesisTime"
>;

/** Loads the chain state; app and block store must be at the same height. */
export async function loadStoredChain(o: LoadOptions): Promise<LoadedChain> {
  const info = o.app.info();
  const stored = o.blockStore.height;
  if (info.lastBlockHeight !== stored) {
    throw consensusErrors.stateMismatch(`app at height ${info.lastBlockHeight}, block store at ${stored}`);
  }
  const base: Omit<
    ChainState,
    "lastHeight" | "lastBlockId" | "lastBlockTime" | "lastCommit" | "lastResultsHash" | "validators" | "lastValidators"
  > = {
    chainId: o.chainId,
    initialHeight: o.initialHeight,
    appVersion: info.appVersion,
    appHash: info.lastBlockAppHash,
    consensusParams: o.consensusParams,
  };
  if (stored === 0n) {
    const set = createValidatorSet(
      o.validators.map((v) => ({ address: v.address, pubKey: v.pubKey, votingPower: v.votingPower })),
    );
    const nextList = [...set.validators];
    const chain: ChainState = {
      ...base,
      lastHeight: o.initialHeight - 1n,
      lastBlockId: emptyBlockId(),
      lastBlockTime: o.genesisTime,
      lastCommit: emptyCommit(),
      lastResultsHash: new Uint8Array(0),
      validators: set.validators,
      nextValidators: nextList,
      lastValidators: [],
    };
    return { chain, set, nextList, lastBlockHadTxs: false };
  } else {
    const [meta, commit, results, lastSet] = await Promise.all([
      o.blockStore.loadBlockMeta(stored),
      o.blockStore.loadCommit(stored),
      o.blockStore.loadBlockResults(stored),
      o.blockStore.loadValidatorSet(stored),
    ]);
    if (meta === undefined || commit === undefined || results === undefined || lastSet === undefined) {
      throw consensusErrors.stateMismatch(`block store misses data of height ${stored}`);
    }
    const scheduledNext = (await o.blockStore.loadScheduledValidators(stored + 1n)) ?? [...lastSet.validators];
    const set = sameValidators(lastSet.validators, scheduledNext)
      ? nextHeightValidatorSet(lastSet)
      : createValidatorSet(scheduledNext);
    const nextList = (await o.blockStore.loadScheduledValidators(stored + 2n)) ?? [...set.validators];
    const chain: ChainState = {
      ...base,
      lastHeight: stored,
      lastBlockId: meta.blockId,
      lastBlockTime: meta.header.time,
      lastCommit: commit,
      lastResultsHash: resultsHash(results.txResults),
      validators: set.validators,
      nextValidators: nextList,
      lastValidators: lastSet.validators,
    };
    return { chain, set, nextList, lastBlockHadTxs: meta.numTxs > 0 };
  }
}

/**
 * The vote our sign state holds for `height` (prevote or precommit), as a vote of the set:
 * signed just before a crash, it may be missing from the WAL.
 */
export function lastSignedVote(
  last: LastSignState | undefined,
  height: bigint,
  validators: readonly Validator[],
  selfAddress: Uint8Array | undefined,
): Vote | undefined {
  if (last === undefined || last.height !== height || last.step < 2 || selfAddress === undefined) return undefined;
  const f = decodeVoteSignBytes(last.signBytes);
  const index = validators.findIndex((v) => equalBytes(v.address, selfAddress));
  if (index < 0) return undefined;
  return {
    type: f.type,
    height: f.height,
    round: f.round,
    blockId: f.blockId,
    timestamp: f.timestamp,
    validatorAddress: selfAddress,
    validatorIndex: index,
    signature: last.signature,
  };
}
