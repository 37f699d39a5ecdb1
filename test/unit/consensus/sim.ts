/**
 * A deterministic network simulator for the consensus reducer: N nodes, a message pool
 * delivered in a seeded random order (with duplicates) during an asynchronous phase, then
 * in order once the network heals. Optional byzantine nodes equivocate.
 */
import { step, createInitialState } from "../../../chain/consensus/reducer.js";
import type {
  ConsensusEffect,
  ConsensusEvent,
  ConsensusState,
  TimeoutConfig,
} from "../../../chain/consensus/reducerTypes.js";
import {
  createRoundRobinSelection,
  createValidatorSet,
  nextHeightValidatorSet,
  type ValidatorSet,
} from "../../../chain/consensus/proposer.js";
import { blockIdKey } from "../../../chain/consensus/voteSet.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { utf8 } from "../../../chain/types/bytes.js";
import type { Block, BlockId, Vote } from "../../../chain/types/block.js";

export const simTimeouts: TimeoutConfig = {
  proposeMs: 30,
  proposeDeltaMs: 10,
  prevoteMs: 10,
  prevoteDeltaMs: 10,
  precommitMs: 10,
  precommitDeltaMs: 10,
  commitMs: 1,
};

export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

export function address(i: number): Uint8Array {
  const a = new Uint8Array(20);
  a[19] = i + 1;
  return a;
}

export function fakeBlock(height: bigint, label: string): { block: Block; blockId: BlockId } {
  const tx = utf8(label);
  const hash = sha256(tx);
  const empty = new Uint8Array(0);
  const block: Block = {
    header: {
      version: { block: 11n, app: 0n },
      chainId: "sim",
      height,
      time: { seconds: 0n, nanos: 0 },
      lastBlockId: { hash: empty, partSetHeader: { total: 0, hash: empty } },
      lastCommitHash: empty,
      dataHash: empty,
      validatorsHash: empty,
      nextValidatorsHash: empty,
      consensusHash: empty,
      appHash: empty,
      lastResultsHash: empty,
      evidenceHash: empty,
      proposerAddress: empty,
    },
    txs: [tx],
    evidence: [],
    lastCommit: {
      height: 0n,
      round: 0,
      blockId: { hash: empty, partSetHeader: { total: 0, hash: empty } },
      signatures: [],
    },
  };
  return { block, blockId: { hash, partSetHeader: { total: 1, hash: sha256(hash) } } };
}

interface Pending {
  to: number;
  event: ConsensusEvent;
}

interface Timer {
  to: number;
  due: number;
  event: ConsensusEvent;
}

export interface SimOptions {
  powers: bigint[];
  byzantine: number[];
  seed: number;
  asyncSteps: number;
  maxSteps: number;
  targetHeight: bigint;
  duplicateProbability: number;
}

export interface SimResult {
  /** decisions[node] = map height -> block id key */
  decisions: Map<bigint, string>[];
  conflicts: string[];
  evidence: number;
  reachedTarget: boolean;
  maxRound: number;
}

export function runSimulation(o: SimOptions): SimResult {
  const rand = prng(o.seed);
  const n = o.powers.length;
  const validators0 = o.powers.map((p, i) => ({ address: address(i), pubKey: new Uint8Array(32), votingPower: p }));
  const sets = new Map<bigint, ValidatorSet>([[1n, createValidatorSet(validators0)]]);
  const setAt = (h: bigint): ValidatorSet => {
    let s = sets.get(h);
    if (s === undefined) {
      s = nextHeightValidatorSet(setAt(h - 1n));
      sets.set(h, s);
    }
    return s;
  };
  const isByz = (i: number) => o.byzantine.includes(i);
  const indexOf = (i: number) => setAt(1n).validators.findIndex((v) => v.address[19] === i + 1);
  const states: ConsensusState[] = [];
  const decisions = validators0.map(() => new Map<bigint, string>());
  const future: Pending[][] = validators0.map(() => []);
  const queue: Pending[] = [];
  const timers: Timer[] = [];
  const conflicts: string[] = [];
  let evidence = 0;
  let now = 0;
  let maxRound = 0;
  const agreed = new Map<bigint, string>();

  for (let i = 0; i < n; i++) {
    const set = setAt(1n);
    states.push(
      createInitialState({
        height: 1n,
        validators: set.validators,
        selection: createRoundRobinSelection(set),
        self: address(i),
        timeouts: simTimeouts,
      }),
    );
  }

  const broadcast = (from: number, event: ConsensusEvent) => {
    for (let j = 0; j < n; j++) if (j !== from) queue.push({ to: j, event });
  };

  const eventHeight = (e: ConsensusEvent): bigint | undefined =>
    e.kind === "vote"
      ? e.vote.height
      : e.kind === "proposal"
        ? e.proposal.height
        : e.kind === "start"
          ? undefined
          : e.height;

  // Gossip: an honest node passes on every vote it sees for the first time, as the paper assumes.
  const seenVotes = validators0.map(() => new Set<string>());
  function relay(to: number, event: ConsensusEvent): void {
    if (event.kind !== "vote" || isByz(to)) return;
    const v = event.vote;
    const id = `${v.height}/${v.round}/${v.type}/${v.validatorIndex}/${blockIdKey(v.blockId)}`;
    if (seenVotes[to]!.has(id)) return;
    seenVotes[to]!.add(id);
    broadcast(to, event);
  }

  function deliver(to: number, event: ConsensusEvent): void {
    relay(to, event);
    const h = eventHeight(event);
    const s = states[to]!;
    if (h !== undefined && h > s.height && event.kind !== "newHeight") {
      future[to]!.push({ to, event });
      return;
    }
    const r = step(s, event);
    states[to] = r.state;
    maxRound = Math.max(maxRound, r.state.round);
    for (const fx of r.effects) handle(to, fx);
    if (event.kind === "proposal") {
      const known = s.blocks.has(blockIdKey(event.proposal.blockId));
      const blockEvent: ConsensusEvent = {
        kind: "block",
        height: event.proposal.height,
        block: event.block,
        blockId: event.proposal.blockId,
      };
      deliver(to, blockEvent);
      // Block-part gossip: an honest node passes on every block it learns about.
      if (!known && !isByz(to)) broadcast(to, blockEvent);
    }
    if (event.kind === "newHeight") {
      const buffered = future[to]!.filter((p) => eventHeight(p.event) === event.height);
      future[to] = future[to]!.filter((p) => (eventHeight(p.event) ?? 0n) > event.height);
      for (const p of buffered) deliver(to, p.event);
    }
  }

  function vote(from: number, type: 1 | 2, height: bigint, round: number, blockId: BlockId | undefined): Vote {
    return {
      type,
      height,
      round,
      blockId,
      timestamp: { seconds: 0n, nanos: 0 },
      validatorAddress: address(from),
      validatorIndex: indexOf(from),
      signature: new Uint8Array(0),
    };
  }

  function handle(i: number, fx: ConsensusEffect): void {
    switch (fx.kind) {
      case "scheduleTimeout":
        timers.push({
          to: i,
          due: now + fx.durationMs,
          event: { kind: "timeout", height: fx.height, round: fx.round, step: fx.step },
        });
        return;
      case "buildBlock": {
        const { block, blockId } = fakeBlock(fx.height, `n${i}-h${fx.height}-r${fx.round}`);
        deliver(i, { kind: "blockBuilt", height: fx.height, round: fx.round, block, blockId });
        return;
      }
      case "signProposal": {
        const proposal = {
          height: fx.height,
          round: fx.round,
          polRound: fx.polRound,
          blockId: fx.blockId,
          timestamp: { seconds: 0n, nanos: 0 },
          signature: new Uint8Array(0),
        };
        deliver(i, { kind: "proposal", proposal, block: fx.block });
        if (!isByz(i)) {
          broadcast(i, { kind: "proposal", proposal, block: fx.block });
        } else {
          // Equivocation: each peer gets one of two different proposals for the round.
          const alt = fakeBlock(fx.height, `byz${i}-h${fx.height}-r${fx.round}`);
          const altProposal = { ...proposal, polRound: -1, blockId: alt.blockId };
          for (let j = 0; j < n; j++) {
            if (j === i) continue;
            queue.push(
              rand() < 0.5
                ? { to: j, event: { kind: "proposal", proposal, block: fx.block } }
                : { to: j, event: { kind: "proposal", proposal: altProposal, block: alt.block } },
            );
          }
        }
        return;
      }
      case "signVote": {
        deliver(i, { kind: "vote", vote: vote(i, fx.type, fx.height, fx.round, fx.blockId) });
        if (!isByz(i)) {
          broadcast(i, { kind: "vote", vote: vote(i, fx.type, fx.height, fx.round, fx.blockId) });
        } else {
          // Equivocation: per peer, a vote for the asked block, for nil or for any block seen, sometimes two.
          const known = [...states[i]!.blocks.values()].map((b) => b.blockId);
          const choices: (BlockId | undefined)[] = [fx.blockId, undefined, ...known];
          for (let j = 0; j < n; j++) {
            if (j === i) continue;
            const k = 1 + Math.floor(rand() * 2);
            for (let c = 0; c < k; c++)
              queue.push({
                to: j,
                event: {
                  kind: "vote",
                  vote: vote(i, fx.type, fx.height, fx.round, choices[Math.floor(rand() * choices.length)]),
                },
              });
          }
        }
        return;
      }
      case "validateProposal":
        deliver(i, { kind: "proposalValidated", height: fx.height, blockId: fx.blockId, valid: true });
        return;
      case "decide": {
        const key = blockIdKey(fx.blockId);
        decisions[i]!.set(fx.height, key);
        if (!isByz(i)) {
          const prev = agreed.get(fx.height);
          if (prev === undefined) agreed.set(fx.height, key);
          else if (prev !== key) conflicts.push(`height ${fx.height}: node ${i} decided ${key}, another node ${prev}`);
        }
        // Catch-up gossip (CometBFT sends its commit to peers still at that height).
        if (!isByz(i)) for (const v of fx.precommits) if (v !== undefined) broadcast(i, { kind: "vote", vote: v });
        const next = setAt(fx.height + 1n);
        timers.push({
          to: i,
          due: now + simTimeouts.commitMs,
          event: {
            kind: "newHeight",
            height: fx.height + 1n,
            validators: next.validators,
            selection: createRoundRobinSelection(next),
          },
        });
        return;
      }
      case "evidence":
        evidence++;
        return;
    }
  }

  const honest = validators0.map((_, i) => i).filter((i) => !isByz(i));
  const done = () => honest.every((i) => states[i]!.height > o.targetHeight);
  for (let i = 0; i < n; i++) deliver(i, { kind: "start" });

  for (let stepNo = 0; stepNo < o.maxSteps && !done(); stepNo++) {
    if (stepNo < o.asyncSteps) {
      now++;
      if (queue.length > 0 && rand() < 0.85) {
        const k = Math.floor(rand() * queue.length);
        const m = queue[k]!;
        if (rand() >= o.duplicateProbability) queue.splice(k, 1);
        deliver(m.to, m.event);
      } else if (timers.length > 0) {
        const k = Math.floor(rand() * timers.length);
        const tm = timers.splice(k, 1)[0]!;
        deliver(tm.to, tm.event);
      }
    } else if (queue.length > 0) {
      const m = queue.shift()!;
      deliver(m.to, m.event);
    } else if (timers.length > 0) {
      let k = 0;
      for (let j = 1; j < timers.length; j++) if (timers[j]!.due < timers[k]!.due) k = j;
      const tm = timers.splice(k, 1)[0]!;
      now = Math.max(now, tm.due);
      deliver(tm.to, tm.event);
    } else {
      break;
    }
  }
  if (process.env.SIM_DEBUG) {
    for (const st of states)
      console.log(
        st.height,
        st.round,
        st.step,
        [...st.prevotes]
          .map(
            ([r, v]) =>
              `${r}:${v
                .allVotes()
                .map((x) => (x === undefined ? "-" : x.blockId === undefined ? "n" : blockIdKey(x.blockId).slice(0, 4)))
                .join(",")}`,
          )
          .join(" "),
        "|",
        [...st.precommits]
          .map(
            ([r, v]) =>
              `${r}:${v
                .allVotes()
                .map((x) => (x === undefined ? "-" : x.blockId === undefined ? "n" : blockIdKey(x.blockId).slice(0, 4)))
                .join(",")}`,
          )
          .join(" "),
        [...st.proposals.keys()].join(","),
      );
    console.log(
      "future",
      future.map((f) => f.length),
      "queue",
      queue.length,
      "timers",
      timers.length,
    );
  }
  return { decisions, conflicts, evidence, reachedTarget: done(), maxRound };
}
