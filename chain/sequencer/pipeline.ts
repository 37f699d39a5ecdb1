/**
 * The heights a sequencer fills, and pipelining's two steps: opening the next height on a
 * sealed one with a predicted begin-block, and re-basing it on the real opening once the
 * sealed one has committed — re-executing its txs in receipt order and keeping it only if
 * every receipt already signed comes out exactly the same (tx, result, fills).
 */
import { timestampFromMs, timestampToNs } from "../consensus/blockFactory.js";
import { resultsHash } from "../consensus/encoding.js";
import type { HeightPlan } from "../consensus/types.js";
import { sameValue, type SpeculativeBlock, type SpeculativeBlockRequest } from "../runtime/speculative.js";
import type { LastCommitInfo, Timestamp, TxResult } from "../types/abci.js";
import { blockTxBytes, type DuplicateVoteEvidence } from "../types/block.js";
import { toHex } from "../types/bytes.js";
import { txHash } from "../crypto/txHash.js";
import type { Receipt } from "./receipt.js";
import { honours } from "./receiptStore.js";

export interface SequencedHeight {
  height: bigint;
  epoch: bigint;
  /** What its execution sees (time, votes, proposer), fixed at opening. */
  req: SpeculativeBlockRequest;
  evidence: DuplicateVoteEvidence[];
  spec: SpeculativeBlock;
  txs: Uint8Array[];
  results: TxResult[];
  /** The receipt signed for each tx, in order. */
  promises: Receipt[];
  hashes: Set<string>;
  bytes: number;
  gas: bigint;
  /** No more txs: proposed, or the block is full (later txs keep their arrival order in the next height). */
  sealed: boolean;
  full: boolean;
  /** Opened on a block still in consensus, with a predicted begin-block: not proposable until re-based. */
  pipelined: boolean;
  /** The block under it committed: no more txs until it is re-based. */
  paused: boolean;
  /** The txs proposed, fixed at the first seal. */
  proposal?: Uint8Array[];
}

export function openSequencedHeight(o: {
  spec: SpeculativeBlock;
  req: SpeculativeBlockRequest;
  epoch: bigint;
  evidence: DuplicateVoteEvidence[];
  pipelined: boolean;
}): SequencedHeight {
  return {
    height: o.req.height,
    epoch: o.epoch,
    req: o.req,
    evidence: o.evidence,
    spec: o.spec,
    txs: [],
    results: [],
    promises: [],
    hashes: new Set(),
    bytes: 0,
    gas: 0n,
    sealed: false,
    full: false,
    pipelined: o.pipelined,
    paused: false,
  };
}

/** The speculative request of a height as consensus plans it. */
export function requestOf(plan: HeightPlan): SpeculativeBlockRequest {
  return {
    height: plan.height,
    time: plan.time,
    misbehavior: plan.misbehavior,
    decidedLastCommit: plan.decidedLastCommit,
    proposerAddress: plan.proposerAddress,
    ...(plan.lastResultsHash === undefined ? {} : { lastResultsHash: plan.lastResultsHash }),
    ...(plan.lastBlockHash === undefined ? {} : { lastBlockHash: plan.lastBlockHash }),
  };
}

/** As the driver's nextBlockTime: now, but at least 1 ms after the previous block. */
function nextTime(previous: Timestamp, nowMs: number): Timestamp {
  const min = timestampToNs(previous) + 1_000_000n;
  const now = timestampToNs(timestampFromMs(nowMs));
  const ns = now > min ? now : min;
  return { seconds: ns / 1_000_000_000n, nanos: Number(ns % 1_000_000_000n) };
}

/**
 * The next height's request, predicted while `h` is in consensus: `h` commits as proposed
 * with the same votes as the commit before it, and brings no evidence. Its time is final
 * (the proposer's to choose); the rest is checked by re-basing.
 */
export function pipelinedRequest(h: SequencedHeight, nowMs: number): SpeculativeBlockRequest {
  return {
    height: h.height + 1n,
    time: nextTime(h.req.time, nowMs),
    misbehavior: [],
    decidedLastCommit: h.req.decidedLastCommit,
    ...(h.req.proposerAddress === undefined ? {} : { proposerAddress: h.req.proposerAddress }),
    lastResultsHash: resultsHash(h.results),
  };
}

/** An opened height this old with nothing receipted under it is re-timed before it is used (see `retimedRequest`). */
export const RETIME_AFTER_MS = 1_000;

/**
 * `h`'s request at the current time, when `h` opened at least RETIME_AFTER_MS ago and
 * nothing has been promised under its time yet: no tx receipted (a signed rejection promises
 * nothing), not sealed, and opened on committed state (a pipelined height's state is the
 * block in flight's). With create_empty_blocks off a height opens at the commit before it
 * and may sit empty for an hour: its first tx would otherwise get a block that old. Undefined
 * when `h` keeps its time. The new time is later, so still after the previous block's.
 */
export function retimedRequest(h: SequencedHeight, nowMs: number): SpeculativeBlockRequest | undefined {
  if (h.pipelined || h.paused || h.sealed || h.promises.length > 0) return undefined;
  const time = timestampFromMs(nowMs);
  if (timestampToNs(time) - timestampToNs(h.req.time) < BigInt(RETIME_AFTER_MS) * 1_000_000n) return undefined;
  return { ...h.req, time };
}

/** Records a kept tx and its result in `h`. */
export function keep(h: SequencedHeight, tx: Uint8Array, result: TxResult): void {
  h.txs.push(tx);
  h.hashes.add(toHex(txHash(tx)));
  h.bytes += blockTxBytes(tx.length);
  h.gas += result.gasWanted;
  h.results.push(result);
}

/** What re-basing needs of the app. */
export interface RebaseApp {
  openSpeculativeBlock(req: SpeculativeBlockRequest): SpeculativeBlock;
  /** Moves a pipelined block onto committed state without executing again, when that is exact. */
  rebaseSpeculativeBlock?(block: SpeculativeBlock, req: SpeculativeBlockRequest): SpeculativeBlock | undefined;
}

/**
 * The pipelined height `p` on the real opening `plan` (under `p`'s time, already final): the
 * re-based height when every receipt comes out the same, undefined when one would not. When
 * the app can show that its txs ran on exactly the state and block they would now, they are
 * not executed again (speculative.ts); otherwise they are, in receipt order, and each
 * result is compared with its receipt (tx, result, fills). Its later receipts name `epoch`
 * (the height may open a new epoch).
 */
export function rebaseHeight(
  p: SequencedHeight,
  plan: HeightPlan,
  epoch: bigint,
  app: RebaseApp,
  fitsGas: (h: SequencedHeight) => (r: TxResult) => boolean,
): SequencedHeight | undefined {
  const req = { ...requestOf(plan), time: p.req.time };
  const moved = app.rebaseSpeculativeBlock?.(p.spec, req);
  if (moved !== undefined) {
    return { ...p, req, epoch, evidence: plan.evidence, spec: moved, pipelined: false, paused: false };
  }
  const h = openSequencedHeight({
    spec: app.openSpeculativeBlock(req),
    req,
    epoch,
    evidence: plan.evidence,
    pipelined: false,
  });
  for (const [i, tx] of p.txs.entries()) {
    const promise = p.promises[i]!;
    const outcome = h.spec.execute(tx, fitsGas(h));
    if (!outcome.kept || !honours(promise, tx, outcome.result)) return undefined;
    keep(h, tx, outcome.result);
    h.promises.push(promise);
  }
  return h;
}

/**
 * `h` (open on committed state, not sealed) under the begin-block of `lastCommit` instead of
 * the one it opened with. The decision of the height before is made on the first +2/3
 * precommits; the rest arrive during the commit timeout, and the proposal carries them all:
 * without them the slowest validator would be counted as missing nearly every block it
 * signed, and be jailed for it. Its txs are not executed again: the app moves them when
 * nothing they read or wrote differs between the two begin-blocks (speculative.ts), which is
 * the case unless one of them touched a signer's liveness record. `h` itself, keeping its
 * last commit, when the app cannot move them (the caller proposes that last commit then).
 */
export function withLastCommit(h: SequencedHeight, lastCommit: LastCommitInfo, app: RebaseApp): SequencedHeight {
  if (sameValue(h.req.decidedLastCommit, lastCommit)) return h;
  const req = { ...h.req, decidedLastCommit: lastCommit };
  const spec = h.txs.length === 0 ? app.openSpeculativeBlock(req) : app.rebaseSpeculativeBlock?.(h.spec, req);
  return spec === undefined ? h : { ...h, req, spec };
}
