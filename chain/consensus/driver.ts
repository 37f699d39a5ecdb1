/**
 * The shell around the pure reducer: it owns the clock, the timers, the WAL, the signer and
 * the network, executes the reducer's effects, and runs the commit path
 * (finalizeBlock → commit → block store → indexers → one atomic batch write).
 * Every event is handled in order through one promise queue.
 */
import type { LastCommitInfo } from "../types/abci.js";
import type { Block, BlockId, Commit, Proposal, Validator, Vote } from "../types/block.js";
import { equalBytes, toHex } from "../types/bytes.js";
import { addressFromPubKey, voteSignBytes } from "./encoding.js";
import {
  blockHeaderProblem,
  blockIdOf,
  commitFromPrecommits,
  commitProblem,
  makeBlock,
  nextBlockTime,
  timestampFromMs,
  timestampToNs,
  type ChainState,
} from "./blockFactory.js";
import { createEd25519Signer, type Ed25519Signer } from "../crypto/ed25519.js";
import { createRoundRobinSelection, type ProposerSelection, type ValidatorSet } from "./proposer.js";
import { createInitialState, step } from "./reducer.js";
import type { ConsensusEffect, ConsensusEvent, ConsensusState } from "./reducerTypes.js";
import { openSignState, type SignStateStore } from "./signState.js";
import type { ConsensusDriver, ConsensusDriverOptions, ConsensusMessage, ConsensusStatus } from "./types.js";
import { orderedVotes, toMisbehavior } from "./evidence.js";
import { createEvidencePool } from "./evidencePool.js";
import { FutureMessages, type MessageOrigin } from "./futureMessages.js";
import { openWal, type Wal, type WalEvent, type WalRecord } from "./wal.js";
import { admit, messageHeight } from "./admission.js";
import { lastSignedVote, loadStoredChain } from "./stateLoad.js";
import { executeAndPersist, lastCommitInfo } from "./blockCommit.js";
import { LatePrecommits } from "./lateCommit.js";
import { isSignRefusal, proposalStillWanted, signRetryDelayMs, voteStillWanted, voteTime } from "./signing.js";
import { heldMessages, RELAY_AFTER_MS } from "./relay.js";
import { createConsensusWatchdog, TASK_WARN_MS } from "./watchdog.js";
import { loadTimeFloor, timeFloorFor, untimelyProblem, type TimeFloor } from "./timeliness.js";

export { MAX_ROUNDS_AHEAD } from "./admission.js";
export { MAX_PROPOSAL_AHEAD_MS, MAX_PROPOSAL_BEHIND_MS } from "./timeliness.js";
const DEFAULT_GOSSIP_INTERVAL_MS = 1_000;
/** Rounds whose proposers a re-proposed or synced block's header proposer is compared with, one by one. */
const MAX_ROUNDS_SCANNED = 1_000;
const TX_POLL_MS = 20;

function eventHeight(e: WalEvent): bigint {
  switch (e.kind) {
    case "proposal":
      return e.proposal.height;
    case "vote":
      return e.vote.height;
    default:
      return e.height;
  }
}

/** Room a proposal message needs besides its block's txs: the proposal, header, last commit and evidence. */
const PROPOSAL_ENVELOPE_BYTES = 64 * 1024;

/**
 * Room for txs in a block of the consensus params' `maxBytes` (a sequencer fills its block
 * to the same limit). A proposal carries its whole block in one consensus message, so a
 * block is also never bigger than that message may be (`maxProposalMessageBytes`, the
 * consensus channel's limit): a proposer that built one its peers cannot receive would
 * fail every round it proposed in, and under a flood of txs every proposer would.
 */
export function maxBlockDataBytes(max: bigint, maxProposalMessageBytes?: number): number {
  // Room for the header, commit and framing, as CometBFT's MaxDataBytes does roughly.
  const byParams = max <= 0n ? 100 * 1024 * 1024 : Math.max(0, Number(max) - 16 * 1024);
  if (maxProposalMessageBytes === undefined) return byParams;
  return Math.min(byParams, Math.max(0, maxProposalMessageBytes - PROPOSAL_ENVELOPE_BYTES));
}

export function createConsensusDriver(o: ConsensusDriverOptions): ConsensusDriver {
  const now = o.now ?? Date.now;
  const log = o.logger;
  const signer: Ed25519Signer | undefined =
    o.privValidator === undefined ? undefined : createEd25519Signer(o.privValidator.privateKey);
  const selfAddress = signer === undefined ? undefined : addressFromPubKey(signer.publicKey);
  const timers = new Set<NodeJS.Timeout>();
  let queue: Promise<void> = Promise.resolve();
  let running = false;
  let replaying = false;
  let replayDecide: Extract<ConsensusEffect, { kind: "decide" }> | undefined;
  let wal: Wal | undefined;
  let signState: SignStateStore | undefined;
  let chain: ChainState;
  let set: ValidatorSet;
  /** The list of the next height: end-block updates of height h take effect at h+2, as in CometBFT. */
  let nextList: Validator[];
  let selection: ProposerSelection;
  let cs: ConsensusState;
  let lastBlockHadTxs = false;
  /**
   * Monotonic time of the last commit: the empty-block interval runs from here, not from header
   * time nor the wall clock, which a clock step (NTP, a skewed clock corrected) would stretch.
   */
  let lastCommitAtMs = 0;
  /** The lower bound on the next height's block time (timeliness.ts), from the commit two heights back. */
  let timeFloor: TimeFloor | undefined;
  const watchdog = createConsensusWatchdog(log);
  const future = new FutureMessages();
  /** Our own proposal and votes at the current height, re-sent until the height ends (peers may have missed them). */
  let ownMessages: ConsensusMessage[] = [];
  /** The precommits of the height we last decided, growing until our proposal of the next takes them (lateCommit.ts). */
  let late: LatePrecommits | undefined;
  const evidence = createEvidencePool({
    chainId: o.chainId,
    blockStore: o.blockStore,
    maxAgeBlocks: () => o.consensusParams.evidence.maxAgeNumBlocks,
    broadcast: (e) => o.network?.broadcast({ kind: "evidence", voteA: e.voteA, voteB: e.voteB }),
    current: () => ({ height: cs.height, validators: set.validators }),
  });

  const selectionFor = (height: bigint, s: ValidatorSet): ProposerSelection =>
    o.proposerSelection?.(height, s) ?? createRoundRobinSelection(s);

  function fatal(what: string, e: unknown): void {
    log?.error(`${what}: stopping the node`, { error: String(e) });
    // Consensus stops here in any case; the node decides how the process ends.
    running = false;
    o.onFatal?.(e);
  }

  /**
   * Runs consensus work one task at a time. Everything (peers' messages, timeouts, commits)
   * waits behind the running task, so a task that never finishes freezes the node: the
   * watchdog says so in the log, naming the task.
   */
  function enqueue(what: string, task: () => Promise<void> | void): void {
    watchdog.queued(1);
    queue = queue
      .then(async () => {
        watchdog.queued(-1);
        if (!running) return;
        watchdog.taskStarted(what);
        try {
          await task();
        } finally {
          watchdog.taskFinished();
        }
      })
      .catch((e: unknown) => log?.error("consensus task failed", { task: what, error: String(e) }));
  }

  function watch(): void {
    if (!running) return;
    watchdog.tick(cs);
    later(TASK_WARN_MS / 4, watch);
  }

  function later(ms: number, task: () => void): void {
    if (!running) return;
    const t = setTimeout(() => {
      timers.delete(t);
      task();
    }, ms);
    timers.add(t);
  }

  /**
   * Logs the event, then hands it to the reducer. Our own signed messages are fsynced and
   * sent (`release`) after the log write and before the reducer runs, so peers get them
   * without waiting for whatever the reducer does next (possibly a whole commit).
   */
  async function feed(event: ConsensusEvent, own?: { release(): void }): Promise<void> {
    if (
      wal !== undefined &&
      !replaying &&
      event.kind !== "start" &&
      event.kind !== "newHeight" &&
      eventHeight(event) === cs.height
    ) {
      try {
        wal.append({ height: cs.height, event });
        if (own !== undefined) await wal.sync();
      } catch (e) {
        // Our own message is not sent unlogged: the caller retries its signing.
        if (own !== undefined) throw e;
        // Anyone else's event (a peer's vote, our timeout) goes on unlogged: the WAL only
        // speeds up a restart, and an event dropped here (a timeout above all) would never
        // come again, a permanent stall once the disk recovers.
        log?.error("cannot write the consensus WAL: going on without this record", {
          error: String(e),
          event: event.kind,
          height: String(cs.height),
        });
      }
    }
    own?.release();
    const before = cs;
    const r = step(cs, event);
    cs = r.state;
    watchdog.observed(cs);
    if (event.kind === "timeout")
      log?.debug?.("timeout", { height: event.height, round: event.round, step: event.step });
    if (cs.round !== before.round || cs.step !== before.step || cs.height !== before.height)
      log?.debug?.("step", { height: cs.height, round: cs.round, step: cs.step });
    for (const fx of r.effects) await execute(fx);
  }

  async function execute(fx: ConsensusEffect): Promise<void> {
    if (replaying) {
      if (fx.kind === "decide") replayDecide = fx;
      return;
    }
    switch (fx.kind) {
      case "scheduleTimeout":
        later(fx.durationMs, () =>
          enqueue(`timeout ${fx.step}`, () =>
            feed({ kind: "timeout", height: fx.height, round: fx.round, step: fx.step }),
          ),
        );
        return;
      case "buildBlock":
        return buildBlock(fx.height, fx.round);
      case "signProposal":
        return signProposal(fx);
      case "signVote":
        return signVote(fx.type, fx.height, fx.round, fx.blockId);
      case "validateProposal":
        return feed({
          kind: "proposalValidated",
          height: fx.height,
          blockId: fx.blockId,
          valid: await validate(fx.block, fx.round),
        });
      case "decide":
        return commitBlock(fx);
      case "evidence": {
        const e = orderedVotes(fx.conflict.first, fx.conflict.second);
        log?.warn("conflicting votes from one validator: duplicate-vote evidence", {
          height: String(e.voteA.height),
          round: e.voteA.round,
          validator: Buffer.from(e.voteA.validatorAddress).toString("hex").toUpperCase(),
        });
        evidence.add(e);
        return;
      }
    }
  }

  const maxDataBytes = (): number => maxBlockDataBytes(o.consensusParams.block.maxBytes, o.maxProposalMessageBytes);

  async function buildBlock(height: bigint, round: number): Promise<void> {
    if (selfAddress === undefined || height !== chain.lastHeight + 1n) return;
    const maxBytes = maxDataBytes();
    // The previous height's precommits, those that came after its decision included.
    const grown = late?.height === chain.lastHeight ? late.seal() : chain.lastCommit;
    const grownVotes = lastCommitInfo(chain.lastValidators, grown);
    // A sequencer's block is what it receipted, with the time, evidence and last commit it executed them under.
    const sealed = o.blockBuilder.sealBlock?.(height, grownVotes);
    if (sealed === "abstain") {
      log?.warn("the sequencer abstains: not proposing this height", { height: String(height), round });
      return;
    }
    const lastCommit = sealed === undefined ? grown : commitFor(sealed.decidedLastCommit, [grown, chain.lastCommit]);
    if (lastCommit === undefined) {
      log?.error("the sequencer's block names a last commit we do not hold: not proposing", {
        height: String(height),
        round,
      });
      return;
    }
    const txs = sealed?.txs ?? o.app.prepareProposal(o.blockBuilder.reapTxs(maxBytes), maxBytes);
    const pieces = sealed?.evidence ?? (await evidence.forBlock(height));
    const time = sealed?.time ?? nextBlockTime(chain, now());
    const { block, blockId } = makeBlock({ ...chain, lastCommit }, txs, time, selfAddress, pieces);
    await feed({ kind: "blockBuilt", height, round, block, blockId });
  }

  /** The commit among `candidates` whose signers are exactly `votes`' (who signed the previous block). */
  function commitFor(votes: LastCommitInfo, candidates: readonly Commit[]): Commit | undefined {
    const same = (c: Commit) => {
      const info = lastCommitInfo(chain.lastValidators, c).votes;
      return info.length === votes.votes.length && info.every((v, i) => v.signed === votes.votes[i]!.signed);
    };
    return candidates.find(same);
  }

  /**
   * Retries a signature that failed for a reason other than a refusal, while the reducer
   * still wants it: a lost signature would otherwise stall this validator for good.
   */
  function retrySigning(
    what: string,
    attempt: number,
    e: unknown,
    stillWanted: () => boolean,
    again: () => Promise<void>,
  ) {
    const delay = signRetryDelayMs(attempt);
    log?.error(`cannot sign ${what}: retrying`, { error: String(e), attempt, retry_in_ms: delay });
    later(delay, () =>
      enqueue(`retry signing ${what}`, async () => {
        if (stillWanted()) await again();
      }),
    );
  }

  async function signProposal(fx: Extract<ConsensusEffect, { kind: "signProposal" }>, attempt = 0): Promise<void> {
    if (signer === undefined || signState === undefined) return;
    const unsigned: Omit<Proposal, "signature"> = {
      height: fx.height,
      round: fx.round,
      polRound: fx.polRound,
      blockId: fx.blockId,
      timestamp: timestampFromMs(now()),
    };
    let proposal: Proposal;
    try {
      const r = await signState.signProposal(o.chainId, unsigned, (b) => signer.sign(b));
      proposal = { ...unsigned, timestamp: r.timestamp, signature: r.signature };
      await feed(
        { kind: "proposal", proposal, block: fx.block },
        { release: () => send({ kind: "proposal", proposal, block: fx.block }) },
      );
    } catch (e) {
      if (isSignRefusal(e)) {
        log?.warn("not signing proposal", { error: String(e) });
        return;
      }
      const wanted = () => proposalStillWanted(cs, fx.height, fx.round);
      retrySigning("proposal", attempt, e, wanted, () => signProposal(fx, attempt + 1));
    }
  }

  function send(m: ConsensusMessage): void {
    if (messageHeight(m) === cs.height) ownMessages.push(m);
    o.network?.broadcast(m);
  }

  /** Re-sends our messages of the current height while it lasts: a peer that reconnects or lost one still gets it. */
  function gossipOwnMessages(): void {
    if (!running) return;
    for (const m of ownMessages) if (messageHeight(m) === cs.height) o.network?.broadcast(m);
    // A height that drags: pass on what we hold (relay.ts says what and why).
    if (cs.step !== "commit" && watchdog.heightAgeMs() >= RELAY_AFTER_MS)
      for (const m of heldMessages(cs, chain.lastCommit, selection, selfAddress)) o.network?.broadcast(m);
    later(o.gossipIntervalMs ?? DEFAULT_GOSSIP_INTERVAL_MS, gossipOwnMessages);
  }

  const ownVoteTime = () => voteTime(now(), chain.lastBlockTime);

  async function signVote(
    type: 1 | 2,
    height: bigint,
    round: number,
    blockId: BlockId | undefined,
    attempt = 0,
  ): Promise<void> {
    if (signer === undefined || signState === undefined || selfAddress === undefined) return;
    const index = set.validators.findIndex((v) => equalBytes(v.address, selfAddress));
    if (index < 0) return;
    let vote: Vote;
    try {
      const unsigned = { type, height, round, blockId, timestamp: ownVoteTime() };
      const r = await signState.signVote(o.chainId, unsigned, (b) => signer.sign(b));
      vote = {
        ...unsigned,
        timestamp: r.timestamp,
        signature: r.signature,
        validatorAddress: selfAddress,
        validatorIndex: index,
      };
      // Inside the try: a failed WAL write of our own vote is retried like a failed signature.
      await feed({ kind: "vote", vote }, { release: () => send({ kind: "vote", vote }) });
    } catch (e) {
      if (isSignRefusal(e)) {
        log?.warn("not signing vote", { error: String(e) });
        return;
      }
      const wanted = () => voteStillWanted(cs, type, height, round, blockId, index);
      retrySigning(type === 1 ? "prevote" : "precommit", attempt, e, wanted, () =>
        signVote(type, height, round, blockId, attempt + 1),
      );
      return;
    }
    if (o.doubleSignForTesting === true && type === 1 && blockId !== undefined) {
      // TESTS ONLY: a second, conflicting prevote signed around the sign state.
      const conflicting = { ...vote, blockId: undefined, timestamp: ownVoteTime() };
      const signature = signer.sign(voteSignBytes(o.chainId, conflicting));
      send({ kind: "vote", vote: { ...conflicting, signature } });
      log?.warn("double-signed a prevote (doubleSignForTesting)", { height: String(height), round });
    }
  }

  /**
   * A proposal whose time is too far ahead of our clock, or too far before the precommits of
   * two heights back, gets our nil prevote (timeliness.ts says why both ends). A re-proposal
   * (POL round) was found timely by +2/3 already. CometBFT's proposer-based timestamps check
   * the same.
   */
  function untimely(block: Block, round: number): string | undefined {
    if ((cs.proposals.get(round)?.polRound ?? -1) >= 0) return undefined;
    return untimelyProblem(block.header.height, timestampToNs(block.header.time), now(), timeFloor);
  }

  /**
   * The proposer a block's header must name when it was decided in, or re-proposed at,
   * round `round`: a re-proposed block (a locked or valid value proposed again) is the block
   * as first proposed, in some round up to this one, and names that round's proposer. So
   * the header's proposer is accepted when it is the proposer of any round up to `round`
   * (CometBFT only asks that it be in the set); otherwise the round's own is expected.
   */
  function headerProposer(block: Block, round: number): Uint8Array {
    const named = block.header.proposerAddress;
    for (let r = 0; r <= Math.min(round, MAX_ROUNDS_SCANNED); r++)
      if (equalBytes(selection.proposer(r).address, named)) return named;
    // Rounds past the scan (never reached in practice): membership in the set is CometBFT's rule.
    if (round > MAX_ROUNDS_SCANNED && set.validators.some((v) => equalBytes(v.address, named))) return named;
    return selection.proposer(round).address;
  }

  async function validate(block: Block, round: number): Promise<boolean> {
    // A fresh proposal (no proof-of-lock round) is built by this round's proposer.
    const reproposed = (cs.proposals.get(round)?.polRound ?? -1) >= 0;
    const proposer = reproposed ? headerProposer(block, round) : selection.proposer(round).address;
    const problem =
      blockHeaderProblem(chain, block, proposer) ?? untimely(block, round) ?? (await evidence.problemIn(block));
    if (problem !== undefined) {
      log?.warn("invalid proposed block", { height: String(block.header.height), problem });
      return false;
    }
    return o.app.processProposal(block.txs, block.header.height);
  }

  async function commitBlock(fx: Extract<ConsensusEffect, { kind: "decide" }>): Promise<void> {
    const h = fx.block.header.height;
    // Block sync may have committed this height while its votes were still arriving.
    if (h <= chain.lastHeight) return;
    const commit = commitFromPrecommits(h, fx.round, fx.blockId, fx.validators, fx.precommits);
    late = new LatePrecommits(h, fx.round, fx.blockId, fx.validators, fx.precommits);
    try {
      await persistBlock(fx.block, fx.blockId, fx.round, commit, true);
    } catch (e) {
      // The application has executed the block in memory: there is no safe retry in place.
      fatal(`cannot commit block ${h}`, e);
      return;
    }
    later(o.timeouts.commitMs, () => waitThenStartHeight(h + 1n));
  }

  /** Executes a decided block and writes it with its commit, app state and indexes in one batch. */
  async function persistBlock(
    block: Block,
    blockId: BlockId,
    round: number,
    commit: Commit,
    decidedHere: boolean,
  ): Promise<void> {
    // A block from block sync: the precommits of a height we decided before it are of no use now.
    if (!decidedHere) late = undefined;
    const done = await executeAndPersist(o, evidence, { chain, set, nextList }, block, blockId, commit);
    wal?.truncate();
    // The block's last commit was verified against the set of the height before it (blockHeaderProblem).
    timeFloor = timeFloorFor(block.header.height + 1n, block.lastCommit, chain.lastValidators);
    ({ chain, set, nextList } = done);
    selection = selectionFor(block.header.height + 1n, set);
    lastBlockHadTxs = block.txs.length > 0;
    lastCommitAtMs = performance.now();
    log?.info("committed block", { height: String(block.header.height), txs: block.txs.length, round });
    o.onBlockCommitted?.(done.committed);
    // Only a validator that took part in deciding this block is in step with the chain: one
    // catching up by block sync (or just restarted) would sign receipts on old state for a
    // height the others decided long ago. It sequences again from its next decision.
    if (decidedHere) await openForSequencer();
  }

  /** Hands the next height to the sequencer when we propose its round 0 (see BlockBuilder.openHeight). */
  async function openForSequencer(): Promise<void> {
    const height = chain.lastHeight + 1n;
    if (o.blockBuilder.openHeight === undefined || selfAddress === undefined) return;
    if (!equalBytes(selection.proposer(0).address, selfAddress)) return;
    const pieces = await evidence.forBlock(height);
    o.blockBuilder.openHeight({
      height,
      time: nextBlockTime(chain, now()),
      proposerAddress: selfAddress,
      evidence: pieces,
      misbehavior: pieces.map(toMisbehavior),
      decidedLastCommit: lastCommitInfo(chain.lastValidators, chain.lastCommit),
      lastResultsHash: chain.lastResultsHash,
      lastBlockHash: chain.lastBlockId.hash,
    });
  }

  /**
   * A block and its commit from block sync: applied when it is the next height, its commit
   * carries +2/3 of the current set's power, and its header is what we would have built.
   */
  async function applySyncedBlock(block: Block, commit: Commit): Promise<string | undefined> {
    const h = block.header.height;
    if (h !== chain.lastHeight + 1n) return `not the next height (have ${chain.lastHeight})`;
    const blockId = blockIdOf(block);
    const bad = commitProblem(o.chainId, set.validators, blockId, h, commit);
    if (bad !== undefined) return `commit: ${bad}`;
    // Decided in commit.round, possibly as a block first proposed in an earlier round.
    const header = blockHeaderProblem(chain, block, headerProposer(block, commit.round));
    if (header !== undefined) return `header: ${header}`;
    if (!o.app.processProposal(block.txs, h)) return "the application rejects its txs";
    await persistBlock(block, blockId, commit.round, commit, false);
    await startHeight(h + 1n);
    return undefined;
  }

  /**
   * With createEmptyBlocks off, a height starts when txs wait, after a block with txs (so
   * that its app hash is proven by a header, as CometBFT's needProofBlock), when a peer is
   * already in it, or once the interval has passed since the last block.
   */
  function waitThenStartHeight(height: bigint): void {
    const ready =
      o.createEmptyBlocks ||
      lastBlockHadTxs ||
      future.has(height) ||
      (o.blockBuilder.size?.() ?? 1) > 0 ||
      performance.now() - lastCommitAtMs >= o.createEmptyBlocksIntervalMs;
    if (!ready) {
      later(TX_POLL_MS, () => waitThenStartHeight(height));
      return;
    }
    enqueue("start height", () => startHeight(height));
  }

  async function startHeight(height: bigint): Promise<void> {
    if (height !== chain.lastHeight + 1n || cs.height >= height) return;
    ownMessages = [];
    await feed({ kind: "newHeight", height, validators: set.validators, selection });
    for (const { message, origin } of future.take(height)) await receive(message, origin);
  }

  function reject(origin: MessageOrigin | undefined, reason: string): void {
    log?.debug?.("dropping consensus message", { peer: origin?.peer, reason });
    if (origin !== undefined) o.network?.reportInvalid?.(origin.peer, reason);
  }

  /** Admits a peer's message (admission.ts decides; evidence and next-height messages are kept here). */
  async function receive(m: ConsensusMessage, origin?: MessageOrigin): Promise<void> {
    if (m.kind === "vote" && late !== undefined && m.vote.height === late.height) {
      const v = late.offer(o.chainId, m.vote);
      if (v.kind === "reject") reject(origin, v.reason);
      return;
    }
    const verdict = admit(m, { chainId: o.chainId, cs, set, selection });
    switch (verdict.kind) {
      case "ignore":
        return;
      case "reject":
        return reject(origin, verdict.reason);
      case "evidence":
        if (m.kind === "evidence") await evidence.receive({ voteA: m.voteA, voteB: m.voteB });
        return;
      case "future":
        if (future.add(m, origin) === "peer over quota") {
          reject(origin, `too many messages for height ${messageHeight(m)}`);
        }
        return;
      case "feed":
        return feed(verdict.event);
    }
  }

  async function loadChainState(): Promise<void> {
    const loaded = await loadStoredChain(o);
    ({ chain, set, nextList } = loaded);
    lastBlockHadTxs = loaded.lastBlockHadTxs;
    selection = selectionFor(chain.lastHeight + 1n, set);
    // After a restart the floor is read from the stored commit, the same as the blocks give.
    timeFloor = await loadTimeFloor(o.blockStore, chain.lastHeight, o.initialHeight);
  }

  /** Our own proposal and votes among the events of the current height, once each, as messages. */
  function ownRecords(events: readonly ConsensusEvent[]): ConsensusMessage[] {
    const mine = (address: Uint8Array) => selfAddress !== undefined && equalBytes(address, selfAddress);
    const out: ConsensusMessage[] = [];
    const seen = new Set<string>();
    for (const e of events) {
      let m: ConsensusMessage;
      if (e.kind === "vote" && e.vote.height === cs.height && mine(e.vote.validatorAddress))
        m = { kind: "vote", vote: e.vote };
      else if (
        e.kind === "proposal" &&
        e.proposal.height === cs.height &&
        mine(selection.proposer(e.proposal.round).address)
      )
        m = { kind: "proposal", proposal: e.proposal, block: e.block };
      else continue;
      const key = toHex(e.kind === "vote" ? e.vote.signature : e.proposal.signature);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(m);
    }
    return out;
  }

  /** Replays the WAL of the current height with effects muted, then resumes. */
  async function replay(): Promise<void> {
    const opened = (o.openWal ?? openWal)(o.walPath);
    let current: WalRecord[] = [];
    replaying = true;
    try {
      await feed({ kind: "start" });
      // The log may still hold committed heights' records (wal.ts): only this height's count.
      current = opened.records.filter((rec) => rec.height === cs.height);
      for (const rec of current) await feed(rec.event);
      // A vote signed just before a crash may be missing from the WAL: the sign state has it.
      const vote = lastSignedVote(signState?.last, cs.height, set.validators, selfAddress);
      if (vote !== undefined) await feed({ kind: "vote", vote });
      // What we signed before the crash is sent again like anything we sign now: the crash
      // may have come before it left, and the reducer, holding it, never asks for it again.
      // If every validator went down at once, each holds votes no other has: without this
      // none reaches +2/3 of anything, and no timeout ever fires to move them on.
      ownMessages = ownRecords(
        current.map((rec) => rec.event).concat(vote === undefined ? [] : [{ kind: "vote", vote }]),
      );
    } finally {
      replaying = false;
    }
    wal = opened.wal;
    if (current.length > 0) log?.info("replayed consensus WAL", { height: String(cs.height), records: current.length });
  }

  return {
    get height() {
      return chain?.lastHeight ?? 0n;
    },
    get validators() {
      return set === undefined ? [] : [...set.validators];
    },
    applySyncedBlock(block: Block, commit: Commit): Promise<string | undefined> {
      if (!running) return Promise.resolve("consensus is not running");
      return new Promise((resolve) =>
        enqueue("apply synced block", async () => resolve(await applySyncedBlock(block, commit))),
      );
    },
    status(): ConsensusStatus {
      const busy = watchdog.busy();
      return {
        height: cs?.height ?? 0n,
        round: cs?.round ?? 0,
        step: cs?.step ?? "init",
        ...(busy === undefined ? {} : { busy }),
        queued: watchdog.queueLength(),
      };
    },
    async start() {
      await loadChainState();
      if (o.privValidator !== undefined) signState = openSignState(o.signStatePath);
      cs = createInitialState({
        height: chain.lastHeight + 1n,
        validators: set.validators,
        selection,
        self: selfAddress,
        timeouts: o.timeouts,
      });
      running = true;
      await replay();
      const decided = replayDecide;
      replayDecide = undefined;
      o.network?.onMessage((m, origin) => enqueue(`receive ${m.kind}`, () => receive(m, origin)));
      o.network?.onPeerGone?.((peer) => future.dropPeer(peer));
      if (decided !== undefined) enqueue("commit replayed decision", () => commitBlock(decided));
      // Not opened for the sequencer here: after a restart the node may be far behind (see persistBlock).
      else enqueue("start", () => feed({ kind: "start" }));
      // Peers get what we signed before a restart at once, not a gossip interval later.
      for (const m of ownMessages) o.network?.broadcast(m);
      if (o.network !== undefined) later(o.gossipIntervalMs ?? DEFAULT_GOSSIP_INTERVAL_MS, gossipOwnMessages);
      later(TASK_WARN_MS / 4, watch);
      await queue;
    },
    async stop() {
      running = false;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await queue;
      wal?.close();
      wal = undefined;
      signState?.close();
      signState = undefined;
    },
  };
}
