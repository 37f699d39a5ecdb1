/**
 * Two of four validators stop, each right after it sends a given vote or at a moment of a
 * height (a crash leaves what it had written: blocks, state, WAL, sign state), so the two
 * that stay up may be locked on a block, or not, when they halt. Then one of the two comes
 * back on what it wrote, and three of four must decide again, whatever the two that stayed
 * up locked on and whatever the returning one had signed before it stopped.
 * (test/e2e/localnet.test.ts does this once with real processes, at whatever point the
 * kills land; polGossip.test.ts builds the lock that needs the relay of old prevotes.)
 */
import test from "ava";
import type { ConsensusMessage } from "../../../chain/consensus/types.js";
import { toHex } from "../../../chain/types/bytes.js";
import { driverNet, waitFor, type DriverNet } from "./driverNet.js";

const [A, B, C, D] = [0, 1, 2, 3] as const;
/** The first height at which the stops may fire. */
const H = 4n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When a validator stops: right after it sends a vote of this kind at H or above, or this long after a commit. */
type Stop = { after: "prevote" | "precommit"; forBlock: boolean } | { msAfterCommit: number };

function describe(s: Stop): string {
  return "after" in s ? `after its ${s.forBlock ? "" : "nil "}${s.after}` : `${s.msAfterCommit} ms after a commit`;
}

function fires(s: Stop, m: ConsensusMessage): boolean {
  if (!("after" in s) || m.kind !== "vote" || m.vote.height < H) return false;
  return m.vote.type === (s.after === "prevote" ? 1 : 2) && (m.vote.blockId !== undefined) === s.forBlock;
}

const prevote = { after: "prevote", forBlock: true } as const;
const precommit = { after: "precommit", forBlock: true } as const;
const SCENARIOS: readonly [Stop, Stop][] = [
  [prevote, prevote],
  [prevote, precommit],
  [precommit, prevote],
  [precommit, precommit],
  [{ msAfterCommit: 0 }, { msAfterCommit: 0 }],
  [{ msAfterCommit: 90 }, { msAfterCommit: 100 }],
];

for (const [c, d] of SCENARIOS) {
  test.serial(
    `c stops ${describe(c)}, d ${describe(d)}; the two left halt; c comes back and three decide`,
    async (t) => {
      const stopped = new Set<number>();
      const stopNow = (i: number) => {
        stopped.add(i);
        void net.stop(i);
      };
      // Called back only from height H on, long after driverNet has returned.
      const net: DriverNet = await driverNet(t, {
        afterBroadcast(from, m) {
          if (from === C && !stopped.has(C) && fires(c, m)) stopNow(C);
          // d stops only after c has: the order in which they go is part of the scenario.
          if (from === D && stopped.has(C) && !stopped.has(D) && fires(d, m)) stopNow(D);
        },
      });
      const { committed } = net;
      for (const [i, s] of [
        [C, c],
        [D, d],
      ] as const) {
        if ("after" in s) continue;
        const seen = committed[A]!.length;
        t.true(await waitFor(() => committed[A]!.length > seen && committed[A]!.length >= Number(H), 30_000));
        await sleep(s.msAfterCommit);
        stopNow(i);
      }
      t.true(await waitFor(() => stopped.has(D), 30_000), "both stopped");

      // Whatever was in flight lands, then nothing more can be decided.
      await sleep(1_500);
      const halted = Math.max(committed[A]!.length, committed[B]!.length);
      await sleep(2_000);
      t.is(Math.max(committed[A]!.length, committed[B]!.length), halted, "two of four decide nothing");

      await net.restart(C);
      const target = halted + 3;
      const resumed = await waitFor(() => [A, B, C].every((i) => committed[i]!.length >= target), 45_000);
      const a = net.drivers[A]!.status();
      t.true(
        resumed,
        `heights committed: ${committed.map((x) => x.length).join(",")}; a at height ${a.height} round ${a.round}`,
      );
      for (let h = 0; h < target; h++) {
        const ids = new Set([A, B, C].map((i) => toHex(committed[i]![h]!.blockId.hash)));
        t.is(ids.size, 1, `one block at height ${h + 1}`);
      }
    },
  );
}

for (const [who, s] of [
  [A, prevote],
  [A, precommit],
  [C, precommit],
] as const) {
  test.serial(
    `all four stop at once, ${describe(s).replace("its", `node ${who}'s`)}; all come back on what they wrote and decide on`,
    async (t) => {
      const stopped = new Set<number>();
      const net: DriverNet = await driverNet(t, {
        afterBroadcast(from, m) {
          if (from !== who || stopped.size > 0 || !fires(s, m)) return;
          for (const i of [A, B, C, D]) {
            stopped.add(i);
            void net.stop(i);
          }
        },
      });
      const { committed } = net;
      t.true(await waitFor(() => stopped.size === 4, 30_000), "all four stopped");
      await sleep(500);
      const before = committed.map((c) => c.length);
      for (const i of [A, B, C, D]) await net.restart(i);
      const target = Math.max(...before) + 3;
      const resumed = await waitFor(() => committed.every((c) => c.length >= target), 45_000);
      t.true(resumed, `heights committed: before ${before.join(",")}, now ${committed.map((c) => c.length).join(",")}`);
      for (let h = 0; h < target; h++) {
        t.is(new Set(committed.map((c) => toHex(c[h]!.blockId.hash))).size, 1, `one block at height ${h + 1}`);
      }
    },
  );
}
