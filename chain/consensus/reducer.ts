/**
 * The Tendermint algorithm of "The latest gossip on BFT consensus" (Buchman, Kwon,
 * Milosevic, 2018) as a pure reducer: `step(state, event)` returns the next state and the
 * effects the driver must carry out (sign, broadcast, schedule timeouts, commit). The input
 * state is never modified. Line numbers in comments refer to Algorithm 1 of the paper.
 */
import { equalBytes } from "../types/bytes.js";
import type { BlockId, Proposal, Validator, Vote } from "../types/block.js";
import type { ProposerSelection } from "./proposer.js";
import type {
  ConsensusEffect,
  ConsensusEvent,
  ConsensusState,
  ProposedBlock,
  SignRequest,
  Step,
  StepResult,
  TimeoutConfig,
} from "./reducerTypes.js";
import { blockIdKey, isOneThird, VoteSet } from "./voteSet.js";
import { totalVotingPower } from "./proposer.js";

interface Draft {
  height: bigint;
  round: number;
  step: Step;
  lockedRound: number;
  lockedValue: ProposedBlock | undefined;
  validRound: number;
  validValue: ProposedBlock | undefined;
  proposals: Map<number, Proposal>;
  blocks: Map<string, ProposedBlock>;
  prevotes: Map<number, VoteSet>;
  precommits: Map<number, VoteSet>;
  fired: Set<string>;
  validators: readonly Validator[];
  selection: ProposerSelection;
  self: Uint8Array | undefined;
  timeouts: TimeoutConfig;
  lastSignRequest: SignRequest | undefined;
  decision: { round: number; blockId: BlockId } | undefined;
}

export interface InitialStateOptions {
  height: bigint;
  validators: readonly Validator[];
  selection: ProposerSelection;
  self: Uint8Array | undefined;
  timeouts: TimeoutConfig;
}

/** The state before round 0 of `height`; the `start` event begins the round. */
export function createInitialState(o: InitialStateOptions): ConsensusState {
  return {
    height: o.height,
    round: 0,
    step: "init",
    lockedRound: -1,
    lockedValue: undefined,
    validRound: -1,
    validValue: undefined,
    proposals: new Map(),
    blocks: new Map(),
    prevotes: new Map(),
    precommits: new Map(),
    fired: new Set(),
    validators: o.validators,
    selection: o.selection,
    self: o.self,
    timeouts: o.timeouts,
    lastSignRequest: undefined,
    decision: undefined,
  };
}

/** A shallow copy: vote sets are shared and copied on write (voteSetFor), so no input is modified. */
function draftOf(s: ConsensusState): Draft {
  return {
    ...s,
    proposals: new Map(s.proposals),
    blocks: new Map(s.blocks),
    prevotes: new Map(s.prevotes),
    precommits: new Map(s.precommits),
    fired: new Set(s.fired),
  };
}

export function step(state: ConsensusState, event: ConsensusEvent): StepResult {
  const s = draftOf(state);
  const fx: ConsensusEffect[] = [];
  switch (event.kind) {
    case "start":
      if (s.step === "init") startRound(s, 0, fx);
      else resume(s, fx);
      break;
    case "newHeight":
      Object.assign(
        s,
        draftOf(
          createInitialState({
            height: event.height,
            validators: event.validators,
            selection: event.selection,
            self: s.self,
            timeouts: s.timeouts,
          }),
        ),
      );
      startRound(s, 0, fx);
      break;
    case "proposal":
      onProposal(s, event.proposal, event.block, fx);
      break;
    case "vote":
      onVote(s, event.vote, fx);
      break;
    case "timeout":
      onTimeout(s, event.height, event.round, event.step, fx);
      break;
    case "blockBuilt":
      if (
        event.height === s.height &&
        event.round === s.round &&
        s.step === "propose" &&
        !s.proposals.has(s.round) &&
        isProposer(s, s.round)
      ) {
        s.blocks.set(blockIdKey(event.blockId), { block: event.block, blockId: event.blockId, validity: "valid" });
        fx.push({
          kind: "signProposal",
          height: s.height,
          round: s.round,
          polRound: -1,
          block: event.block,
          blockId: event.blockId,
        });
      }
      break;
    case "block": {
      const key = blockIdKey(event.blockId);
      if (event.height === s.height && s.step !== "commit" && !s.blocks.has(key)) {
        s.blocks.set(key, { block: event.block, blockId: event.blockId, validity: "pending" });
        fx.push({
          kind: "validateProposal",
          height: s.height,
          round: s.round,
          block: event.block,
          blockId: event.blockId,
        });
      }
      break;
    }
    case "proposalValidated": {
      const key = blockIdKey(event.blockId);
      const b = s.blocks.get(key);
      if (event.height === s.height && b !== undefined && b.validity === "pending")
        s.blocks.set(key, { ...b, validity: event.valid ? "valid" : "invalid" });
      break;
    }
  }
  if (s.step !== "init") applyRules(s, fx);
  return { state: s, effects: fx };
}

function isProposer(s: Draft, round: number): boolean {
  return s.self !== undefined && equalBytes(s.selection.proposer(round).address, s.self);
}

function selfIndex(s: Draft): number {
  return s.self === undefined ? -1 : s.validators.findIndex((v) => equalBytes(v.address, s.self!));
}

function timeoutMs(t: TimeoutConfig, step: "propose" | "prevote" | "precommit", round: number): number {
  if (step === "propose") return t.proposeMs + round * t.proposeDeltaMs;
  if (step === "prevote") return t.prevoteMs + round * t.prevoteDeltaMs;
  return t.precommitMs + round * t.precommitDeltaMs;
}

function schedule(s: Draft, step: "propose" | "prevote" | "precommit", fx: ConsensusEffect[]): void {
  fx.push({
    kind: "scheduleTimeout",
    height: s.height,
    round: s.round,
    step,
    durationMs: timeoutMs(s.timeouts, step, s.round),
  });
}

function signVote(s: Draft, type: 1 | 2, blockId: BlockId | undefined, fx: ConsensusEffect[]): void {
  if (selfIndex(s) < 0) return;
  s.lastSignRequest = { type, round: s.round, blockId };
  fx.push({ kind: "signVote", type, height: s.height, round: s.round, blockId });
}

/** StartRound (lines 11-21). */
function startRound(s: Draft, round: number, fx: ConsensusEffect[]): void {
  s.round = round;
  s.step = "propose";
  if (isProposer(s, round)) {
    if (s.validValue !== undefined) {
      fx.push({
        kind: "signProposal",
        height: s.height,
        round,
        polRound: s.validRound,
        block: s.validValue.block,
        blockId: s.validValue.blockId,
      });
    } else {
      fx.push({ kind: "buildBlock", height: s.height, round });
    }
  }
  // The proposer schedules the timeout too: if its own block cannot be built or signed, the round still ends.
  schedule(s, "propose", fx);
}

/** After a WAL replay: re-issue what may have been lost with the crash. */
function resume(s: Draft, fx: ConsensusEffect[]): void {
  if (s.step === "commit") return;
  if (s.step === "propose") {
    if (isProposer(s, s.round) && !s.proposals.has(s.round)) {
      if (s.validValue !== undefined)
        fx.push({
          kind: "signProposal",
          height: s.height,
          round: s.round,
          polRound: s.validRound,
          block: s.validValue.block,
          blockId: s.validValue.blockId,
        });
      else fx.push({ kind: "buildBlock", height: s.height, round: s.round });
    }
    schedule(s, "propose", fx);
  }
  if (s.step === "prevote" && s.fired.has(`prevoteTimeout:${s.round}`)) schedule(s, "prevote", fx);
  if (s.fired.has(`precommitTimeout:${s.round}`)) schedule(s, "precommit", fx);
  const req = s.lastSignRequest;
  const idx = selfIndex(s);
  if (req !== undefined && req.round === s.round && idx >= 0) {
    const set = (req.type === 1 ? s.prevotes : s.precommits).get(req.round);
    if (set?.hasVoteFrom(idx) !== true)
      fx.push({ kind: "signVote", type: req.type, height: s.height, round: req.round, blockId: req.blockId });
  }
  for (const [round, p] of s.proposals) {
    const b = s.blocks.get(blockIdKey(p.blockId));
    if (b?.validity === "pending")
      fx.push({ kind: "validateProposal", height: s.height, round, block: b.block, blockId: b.blockId });
  }
}

function onProposal(s: Draft, p: Proposal, block: ProposedBlock["block"], fx: ConsensusEffect[]): void {
  if (p.height !== s.height || s.step === "commit" || s.proposals.has(p.round)) return;
  if (p.polRound < -1 || p.polRound >= p.round) return;
  s.proposals.set(p.round, p);
  const key = blockIdKey(p.blockId);
  if (!s.blocks.has(key)) {
    s.blocks.set(key, { block, blockId: p.blockId, validity: "pending" });
    fx.push({ kind: "validateProposal", height: s.height, round: p.round, block, blockId: p.blockId });
  }
}

/** A private copy of the round's vote set, ready to be written. */
function writableVoteSet(s: Draft, type: 1 | 2, round: number): VoteSet {
  const sets = type === 1 ? s.prevotes : s.precommits;
  const existing = sets.get(round);
  const set =
    existing === undefined
      ? new VoteSet(s.height, round, type, s.validators, totalVotingPower(s.validators))
      : existing.clone();
  sets.set(round, set);
  return set;
}

function onVote(s: Draft, v: Vote, fx: ConsensusEffect[]): void {
  if (v.height !== s.height || (v.type !== 1 && v.type !== 2) || v.round < 0) return;
  const set = writableVoteSet(s, v.type, v.round);
  const before = set.conflictingVotes().length;
  const known = v.blockId === undefined || s.blocks.has(blockIdKey(v.blockId));
  if (set.add(v, known) === "conflict") fx.push({ kind: "evidence", conflict: set.conflictingVotes()[before]! });
}

function onTimeout(
  s: Draft,
  height: bigint,
  round: number,
  st: "propose" | "prevote" | "precommit",
  fx: ConsensusEffect[],
): void {
  if (height !== s.height || round !== s.round || s.step === "commit") return;
  if (st === "propose" && s.step === "propose") {
    // line 57
    signVote(s, 1, undefined, fx);
    s.step = "prevote";
  } else if (st === "prevote" && s.step === "prevote") {
    // line 61
    signVote(s, 2, undefined, fx);
    s.step = "precommit";
  } else if (st === "precommit") {
    // line 65
    startRound(s, s.round + 1, fx);
  }
}

/** Evaluates the "upon" rules until none fires. */
function applyRules(s: Draft, fx: ConsensusEffect[]): void {
  for (let guard = 0; guard < 1000; guard++) {
    if (s.step === "commit") return;
    if (!fireOne(s, fx)) return;
  }
}

function fireOne(s: Draft, fx: ConsensusEffect[]): boolean {
  if (tryDecide(s, fx)) return true;
  if (trySkipRound(s, fx)) return true;
  const r = s.round;
  const proposal = s.proposals.get(r);
  const pb = proposal === undefined ? undefined : s.blocks.get(blockIdKey(proposal.blockId));
  const prevotes = s.prevotes.get(r);

  if (s.step === "propose" && proposal !== undefined && pb !== undefined && pb.validity !== "pending") {
    const key = blockIdKey(proposal.blockId);
    const valid = pb.validity === "valid";
    if (proposal.polRound === -1) {
      // line 22
      const ok = valid && (s.lockedRound === -1 || blockIdKey(s.lockedValue?.blockId) === key);
      signVote(s, 1, ok ? proposal.blockId : undefined, fx);
      s.step = "prevote";
      return true;
    }
    const vr = proposal.polRound;
    if (s.prevotes.get(vr)?.hasTwoThirdsFor(proposal.blockId) === true) {
      // line 28
      const ok = valid && (s.lockedRound <= vr || blockIdKey(s.lockedValue?.blockId) === key);
      signVote(s, 1, ok ? proposal.blockId : undefined, fx);
      s.step = "prevote";
      return true;
    }
  }
  if (s.step === "prevote" && prevotes?.hasTwoThirdsAny() === true && !s.fired.has(`prevoteTimeout:${r}`)) {
    // line 34
    s.fired.add(`prevoteTimeout:${r}`);
    schedule(s, "prevote", fx);
    return true;
  }
  if (
    (s.step === "prevote" || s.step === "precommit") &&
    proposal !== undefined &&
    pb?.validity === "valid" &&
    prevotes?.hasTwoThirdsFor(proposal.blockId) === true &&
    !s.fired.has(`lock:${r}`)
  ) {
    // line 36
    s.fired.add(`lock:${r}`);
    if (s.step === "prevote") {
      s.lockedValue = pb;
      s.lockedRound = r;
      signVote(s, 2, proposal.blockId, fx);
      s.step = "precommit";
    }
    s.validValue = pb;
    s.validRound = r;
    return true;
  }
  if (s.step === "prevote" && prevotes?.hasTwoThirdsFor(undefined) === true) {
    // line 44
    signVote(s, 2, undefined, fx);
    s.step = "precommit";
    return true;
  }
  if (s.precommits.get(r)?.hasTwoThirdsAny() === true && !s.fired.has(`precommitTimeout:${r}`)) {
    // line 47
    s.fired.add(`precommitTimeout:${r}`);
    schedule(s, "precommit", fx);
    return true;
  }
  return false;
}

/** Line 49: +2/3 precommits for a block we have and judged valid, in any round. */
function tryDecide(s: Draft, fx: ConsensusEffect[]): boolean {
  for (const [round, set] of [...s.precommits].sort((a, b) => a[0] - b[0])) {
    const maj = set.twoThirdsMajority();
    if (maj === undefined || maj.blockId === undefined) continue;
    const pb = s.blocks.get(maj.key);
    if (pb === undefined || pb.validity !== "valid") continue;
    s.decision = { round, blockId: pb.blockId };
    s.step = "commit";
    fx.push({
      kind: "decide",
      height: s.height,
      round,
      block: pb.block,
      blockId: pb.blockId,
      precommits: set.votesPreferring(pb.blockId),
      validators: s.validators,
    });
    return true;
  }
  return false;
}

/** Line 55: f+1 voting power already in a higher round means we are behind. */
function trySkipRound(s: Draft, fx: ConsensusEffect[]): boolean {
  const rounds = new Set<number>();
  for (const r of s.prevotes.keys()) if (r > s.round) rounds.add(r);
  for (const r of s.precommits.keys()) if (r > s.round) rounds.add(r);
  for (const r of [...rounds].sort((a, b) => b - a)) {
    const pv = s.prevotes.get(r);
    const pc = s.precommits.get(r);
    let power = 0n;
    let total = 0n;
    s.validators.forEach((v, i) => {
      total += v.votingPower;
      if (pv?.hasVoteFrom(i) === true || pc?.hasVoteFrom(i) === true) power += v.votingPower;
    });
    if (isOneThird(power, total)) {
      startRound(s, r, fx);
      return true;
    }
  }
  return false;
}
