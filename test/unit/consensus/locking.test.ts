import test from "ava";
import { createInitialState, step } from "../../../chain/consensus/reducer.js";
import type { ConsensusEffect, ConsensusEvent, ConsensusState } from "../../../chain/consensus/reducerTypes.js";
import { createRoundRobinSelection, createValidatorSet } from "../../../chain/consensus/proposer.js";
import { blockIdKey } from "../../../chain/consensus/voteSet.js";
import type { BlockId, Vote } from "../../../chain/types/block.js";
import { address, fakeBlock, simTimeouts } from "./sim.js";

const set = createValidatorSet(
  [0, 1, 2, 3].map((i) => ({ address: address(i), pubKey: new Uint8Array(32), votingPower: 1n })),
);
const SELF = 3;
const A = fakeBlock(1n, "A");
const B = fakeBlock(1n, "B");

class Node {
  state: ConsensusState = createInitialState({
    height: 1n,
    validators: set.validators,
    selection: createRoundRobinSelection(set),
    self: address(SELF),
    timeouts: simTimeouts,
  });
  effects: ConsensusEffect[] = [];
  feed(e: ConsensusEvent): ConsensusEffect[] {
    const r = step(this.state, e);
    this.state = r.state;
    this.effects.push(...r.effects);
    return [...r.effects];
  }
  propose(round: number, polRound: number, b: typeof A): ConsensusEffect[] {
    const out = this.feed({
      kind: "proposal",
      proposal: {
        height: 1n,
        round,
        polRound,
        blockId: b.blockId,
        timestamp: { seconds: 0n, nanos: 0 },
        signature: new Uint8Array(),
      },
      block: b.block,
    });
    return [...out, ...this.feed({ kind: "proposalValidated", height: 1n, blockId: b.blockId, valid: true })];
  }
  vote(from: number, type: 1 | 2, round: number, blockId: BlockId | undefined): ConsensusEffect[] {
    const v: Vote = {
      type,
      height: 1n,
      round,
      blockId,
      timestamp: { seconds: 0n, nanos: 0 },
      validatorAddress: address(from),
      validatorIndex: from,
      signature: new Uint8Array(),
    };
    return this.feed({ kind: "vote", vote: v });
  }
}

function signed(effects: ConsensusEffect[], type: 1 | 2): { round: number; key: string }[] {
  return effects.flatMap((e) =>
    e.kind === "signVote" && e.type === type ? [{ round: e.round, key: blockIdKey(e.blockId) }] : [],
  );
}

/** Locks node on A in round 0 and moves it to round 1. */
function lockedOnAInRound0(): Node {
  const n = new Node();
  n.feed({ kind: "start" });
  n.propose(0, -1, A);
  for (const i of [0, 1, 3]) n.vote(i, 1, 0, A.blockId);
  for (const i of [0, 1]) n.vote(i, 2, 0, undefined);
  n.vote(SELF, 2, 0, A.blockId);
  n.feed({ kind: "timeout", height: 1n, round: 0, step: "precommit" });
  return n;
}

test("a validator that sees +2/3 prevotes for the proposal precommits it and locks on it", (t) => {
  const n = lockedOnAInRound0();
  t.deepEqual(signed(n.effects, 2), [{ round: 0, key: blockIdKey(A.blockId) }]);
  t.is(n.state.lockedRound, 0);
  t.is(blockIdKey(n.state.lockedValue?.blockId), blockIdKey(A.blockId));
  t.is(n.state.round, 1);
});

test("a validator locked on a value prevotes nil for a different proposal without a newer proof-of-lock", (t) => {
  const n = lockedOnAInRound0();
  const fx = n.propose(1, -1, B);
  t.deepEqual(signed(fx, 1), [{ round: 1, key: "" }]);
});

test("a proposal citing a proof-of-lock round waits until that proof is seen, then a locked validator unlocks for it", (t) => {
  const n = lockedOnAInRound0();
  // Round 1: B gets prevotes from three others (a POL for B in round 1) while we voted nil.
  n.propose(1, -1, B);
  // Two validators already in round 2 (f+1) pull us into round 2.
  n.vote(0, 1, 2, undefined);
  n.vote(1, 2, 2, undefined);
  t.is(n.state.round, 2);
  const before = n.propose(2, 1, B);
  t.deepEqual(signed(before, 1), [], "no prevote until the round-1 POL is seen");
  n.vote(0, 1, 1, B.blockId);
  n.vote(1, 1, 1, B.blockId);
  const after = n.vote(2, 1, 1, B.blockId);
  t.deepEqual(signed(after, 1), [{ round: 2, key: blockIdKey(B.blockId) }], "POL round 1 > locked round 0");
});

test("a locked validator still prevotes its locked value when it is proposed again", (t) => {
  const n = lockedOnAInRound0();
  const fx = n.propose(1, 0, A);
  t.deepEqual(signed(fx, 1), [{ round: 1, key: blockIdKey(A.blockId) }]);
});

test("+2/3 precommits for a known valid block decide it, even from an earlier round", (t) => {
  const n = lockedOnAInRound0();
  n.vote(2, 2, 0, A.blockId);
  const fx = n.vote(0, 2, 0, A.blockId);
  const decide = fx.find((e) => e.kind === "decide");
  t.truthy(decide);
  t.is(decide?.kind === "decide" ? blockIdKey(decide.blockId) : "", blockIdKey(A.blockId));
  t.is(n.state.step, "commit");
});

test("step never modifies the state it is given", (t) => {
  const n = new Node();
  n.feed({ kind: "start" });
  const before = n.state;
  const prevotes = before.prevotes.size;
  step(before, {
    kind: "vote",
    vote: {
      type: 1,
      height: 1n,
      round: 0,
      blockId: A.blockId,
      timestamp: { seconds: 0n, nanos: 0 },
      validatorAddress: address(0),
      validatorIndex: 0,
      signature: new Uint8Array(),
    },
  });
  t.is(before.prevotes.size, prevotes);
  t.is(before.step, "propose");
});

test("a conflicting vote from one validator is reported as evidence", (t) => {
  const n = new Node();
  n.feed({ kind: "start" });
  n.vote(1, 1, 0, A.blockId);
  const fx = n.vote(1, 1, 0, B.blockId);
  t.is(fx.filter((e) => e.kind === "evidence").length, 1);
});
