import test from "ava";
import {
  createRoundRobinSelection,
  createValidatorSet,
  incrementProposerPriority,
  nextHeightValidatorSet,
} from "../../../chain/consensus/proposer.js";
import { fromUtf8, utf8 } from "../../../chain/types/bytes.js";

function val(name: string, power: bigint) {
  return { address: utf8(name), pubKey: new Uint8Array(32), votingPower: power };
}

test("proposers rotate in CometBFT's TestProposerSelection1 order (foo 1000, bar 300, baz 330)", (t) => {
  let set = createValidatorSet([val("foo", 1000n), val("bar", 300n), val("baz", 330n)]);
  const seen: string[] = [];
  for (let i = 0; i < 99; i++) {
    seen.push(fromUtf8(set.proposer.address));
    set = nextHeightValidatorSet(set);
  }
  const expected =
    "foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar" +
    " foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar" +
    " foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz" +
    " foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo" +
    " foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo";
  t.is(seen.join(" "), expected);
});

test("with equal power, proposers go in address order", (t) => {
  let set = createValidatorSet([val("c", 10n), val("a", 10n), val("b", 10n)]);
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) {
    seen.push(fromUtf8(set.proposer.address));
    set = nextHeightValidatorSet(set);
  }
  t.is(seen.join(""), "abcabc");
});

test("priorities stay centred and sum to ~0 after many increments", (t) => {
  let set = createValidatorSet([val("a", 1n), val("b", 7n), val("c", 1000n)]);
  for (let i = 0; i < 500; i++) set = nextHeightValidatorSet(set);
  const sum = set.validators.reduce((s, v) => s + v.proposerPriority, 0n);
  t.true(sum > -3n && sum < 3n);
});

test("the round-r proposer is the set incremented r times; round 0 is the set's proposer", (t) => {
  const set = createValidatorSet([val("a", 10n), val("b", 10n), val("c", 10n), val("d", 10n)]);
  const sel = createRoundRobinSelection(set);
  t.is(fromUtf8(sel.proposer(0).address), "a");
  t.is(fromUtf8(sel.proposer(1).address), "b");
  t.is(fromUtf8(sel.proposer(3).address), "d");
  t.deepEqual(sel.proposer(5).address, incrementProposerPriority(set, 5).proposer.address);
  t.is(set.validators[0]!.proposerPriority, -30n, "the input set is not mutated");
});
