import test from "ava";
import {
  createRoundRobinSelection,
  createValidatorSet,
  nextHeightValidatorSet,
  type ValidatorSet,
} from "../../../chain/consensus/proposer.js";
import { openSequencerSchedule, type SequencerSchedule } from "../../../chain/sequencer/epochs.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { fromUtf8, utf8 } from "../../../chain/types/bytes.js";
import type { Database } from "../../../chain/store/types.js";

function val(name: string, power: bigint) {
  return { address: utf8(name.padEnd(20, "_")), pubKey: new Uint8Array(32), votingPower: power };
}
const name = (a: Uint8Array) => fromUtf8(a).replace(/_+$/, "");

interface Run {
  /** Round-0 proposer per height. */
  sequencers: string[];
  epochs: bigint[];
}

/**
 * Drives the schedule as the consensus driver does: select for a height, commit it in a
 * round (given per height), advance the set by one, repeat.
 */
async function drive(
  o: { db?: Database; schedule?: SequencerSchedule; set: ValidatorSet; from: bigint; to: bigint; length: bigint },
  roundOf: (h: bigint) => number = () => 0,
): Promise<Run & { set: ValidatorSet }> {
  const db = o.db ?? createMemoryDatabase();
  const schedule = o.schedule ?? (await openSequencerSchedule({ db, epochLength: o.length, initialHeight: 1n }));
  let set = o.set;
  const out: Run = { sequencers: [], epochs: [] };
  for (let h = o.from; h <= o.to; h++) {
    const sel = schedule.selectionFor(h, set);
    out.sequencers.push(name(sel.proposer(0).address));
    out.epochs.push(schedule.current()!.epoch);
    const batch = db.batch();
    schedule.committed(h, roundOf(h), batch);
    await batch.write();
    set = nextHeightValidatorSet(set);
  }
  return { ...out, set };
}

const four = () => createValidatorSet(["a", "b", "c", "d"].map((n) => val(n, 10n)));

test("one sequencer proposes round 0 for a whole epoch, and every validator of equal power gets an epoch in turn", async (t) => {
  const run = await drive({ set: four(), from: 1n, to: 12n, length: 3n });
  const epochs = [0, 3, 6, 9].map((i) => run.sequencers.slice(i, i + 3));
  for (const e of epochs)
    t.true(
      e.every((s) => s === e[0]),
      `one sequencer per epoch: ${e.join(",")}`,
    );
  t.is(new Set(epochs.map((e) => e[0])).size, 4);
  t.deepEqual(run.epochs, [0n, 0n, 0n, 1n, 1n, 1n, 2n, 2n, 2n, 3n, 3n, 3n]);
});

test("the first epoch's sequencer is the genesis round-0 proposer", async (t) => {
  const set = four();
  const run = await drive({ set, from: 1n, to: 1n, length: 5n });
  t.is(run.sequencers[0], name(set.proposer.address));
});

test("a height decided in a round above 0 ends the epoch at once", async (t) => {
  const run = await drive({ set: four(), from: 1n, to: 6n, length: 10n }, (h) => (h === 2n ? 1 : 0));
  t.deepEqual(run.epochs, [0n, 0n, 1n, 1n, 1n, 1n]);
  t.is(run.sequencers[0], run.sequencers[1]);
  t.not(run.sequencers[2], run.sequencers[1]);
  t.true(run.sequencers.slice(2).every((s) => s === run.sequencers[2]));
});

test("sequencer epochs are shared in proportion to voting power", async (t) => {
  const set = createValidatorSet([val("big", 30n), val("small", 10n)]);
  const run = await drive({ set, from: 1n, to: 400n, length: 4n });
  const firsts = run.sequencers.filter((_, i) => i % 4 === 0);
  t.is(firsts.filter((s) => s === "big").length, 75);
  t.is(firsts.filter((s) => s === "small").length, 25);
});

test("rounds above 0 go round-robin among the validators other than the sequencer", async (t) => {
  const db = createMemoryDatabase();
  const schedule = await openSequencerSchedule({ db, epochLength: 8n, initialHeight: 1n });
  let set = four();
  const roundOnes = new Set<string>();
  for (let h = 1n; h <= 6n; h++) {
    const sel = schedule.selectionFor(h, set);
    const seq = name(sel.proposer(0).address);
    roundOnes.add(name(sel.proposer(1).address));
    const later = Array.from({ length: 30 }, (_, i) => name(sel.proposer(i + 1).address));
    t.false(later.includes(seq), `height ${h}: the sequencer ${seq} came back in ${later.join(",")}`);
    // Equal powers: the other three share the rounds evenly (give or take the start).
    const counts = new Map<string, number>();
    for (const p of later) counts.set(p, (counts.get(p) ?? 0) + 1);
    t.is(counts.size, 3);
    for (const [p, n] of counts) t.true(n >= 9 && n <= 11, `${p} proposed ${n} of 30 rounds`);
    t.not(later[0], later[1], "round 2 is not round 1's proposer again");
    const b = db.batch();
    schedule.committed(h, 0, b);
    await b.write();
    set = nextHeightValidatorSet(set);
  }
  t.true(roundOnes.size >= 2, `round 1 moves around with the height: ${[...roundOnes].join(",")}`);
});

test("a far round above 0 is answered without walking every round, and never by the sequencer", async (t) => {
  const schedule = await openSequencerSchedule({ db: createMemoryDatabase(), epochLength: 8n, initialHeight: 1n });
  const sel = schedule.selectionFor(1n, four());
  const seq = sel.proposer(0).address;
  for (const r of [1_000, 9_999, 2 ** 31 - 1]) t.notDeepEqual(sel.proposer(r).address, seq, `round ${r}`);
});

test("with epochs of one height, rounds above 0 are the height's ordinary round-robin", async (t) => {
  const schedule = await openSequencerSchedule({ db: createMemoryDatabase(), epochLength: 1n, initialHeight: 1n });
  const set = four();
  const sel = schedule.selectionFor(1n, set);
  const rr = createRoundRobinSelection(set);
  for (let r = 0; r < 8; r++) t.deepEqual(sel.proposer(r).address, rr.proposer(r).address);
});

test("with epochs of one height the schedule is exactly the per-height round-robin", async (t) => {
  let set = four();
  const expected: string[] = [];
  for (let h = 0; h < 20; h++) {
    expected.push(name(set.proposer.address));
    set = nextHeightValidatorSet(set);
  }
  const run = await drive({ set: four(), from: 1n, to: 20n, length: 1n });
  t.deepEqual(run.sequencers, expected);
});

test("a restarted node resumes the same schedule from its database", async (t) => {
  const rounds = (h: bigint) => (h === 7n ? 2 : 0);
  const whole = await drive({ set: four(), from: 1n, to: 30n, length: 5n }, rounds);
  const db = createMemoryDatabase();
  const first = await drive({ db, set: four(), from: 1n, to: 13n, length: 5n }, rounds);
  const reopened = await openSequencerSchedule({ db, epochLength: 5n, initialHeight: 1n });
  const rest = await drive({ db, schedule: reopened, set: first.set, from: 14n, to: 30n, length: 5n }, rounds);
  t.deepEqual([...first.sequencers, ...rest.sequencers], whole.sequencers);
  t.deepEqual([...first.epochs, ...rest.epochs], whole.epochs);
});

test("selecting the same height twice (a restart before its commit) gives the same sequencer", async (t) => {
  const db = createMemoryDatabase();
  const schedule = await openSequencerSchedule({ db, epochLength: 2n, initialHeight: 1n });
  const set = four();
  const a = schedule.selectionFor(1n, set).proposer(0);
  const b = schedule.selectionFor(1n, set).proposer(0);
  t.deepEqual(a, b);
  t.is(schedule.current()!.epoch, 0n);
});

test("a sequencer that leaves the set ends its epoch", async (t) => {
  const db = createMemoryDatabase();
  const schedule = await openSequencerSchedule({ db, epochLength: 100n, initialHeight: 1n });
  const set = four();
  const seq = schedule.selectionFor(1n, set).proposer(0);
  const b = db.batch();
  schedule.committed(1n, 0, b);
  const without = createValidatorSet(set.validators.filter((v) => v.address !== seq.address));
  const next = schedule.selectionFor(2n, without).proposer(0);
  t.notDeepEqual(next.address, seq.address);
  t.is(schedule.current()!.epoch, 1n);
});
