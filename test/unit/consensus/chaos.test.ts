/**
 * Validators stopped and restarted at random points (as crashes leave them: blocks, state,
 * WAL and sign state kept) for a while, sometimes two or all four at once, on an in-process
 * network that also drops messages at random; then all run again with nothing dropped, and
 * the chain must go on, with one block per height on every node. Seeded: a failure names
 * its seed, and the same seed makes the same choices (the timing is real, so not the same run).
 */
import test from "ava";
import {
  createRoundRobinSelection,
  createValidatorSet,
  nextHeightValidatorSet,
} from "../../../chain/consensus/proposer.js";
import type { CommittedBlock } from "../../../chain/consensus/types.js";
import { toHex } from "../../../chain/types/bytes.js";
import { driverNet, N, validators, waitFor } from "./driverNet.js";
import { prng } from "./sim.js";

/**
 * Blocks whose header names a proposer that no round up to the one that decided them had:
 * a block decided in round r was proposed first in some round up to r (re-proposed as a
 * locked or valid value after), and names that round's proposer.
 */
function offSchedule(blocks: readonly CommittedBlock[]): string[] {
  let set = createValidatorSet(validators);
  const out: string[] = [];
  for (const [i, c] of blocks.entries()) {
    if (i > 0) set = nextHeightValidatorSet(set);
    const selection = createRoundRobinSelection(set);
    const named = toHex(c.block.header.proposerAddress);
    let found = false;
    for (let r = 0; r <= c.commit.round && !found; r++) found = toHex(selection.proposer(r).address) === named;
    if (!found) out.push(`height ${c.block.header.height} round ${c.commit.round}: ${named.slice(0, 6)}`);
  }
  return out;
}

const SEEDS = (process.env.CHAOS_SEEDS ?? "1,2,3").split(",").map(Number);
const STEPS = Number(process.env.CHAOS_STEPS ?? 12);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const seed of SEEDS) {
  test.serial(
    `seed ${seed}: ${STEPS} rounds of random stops, restarts and dropped messages, then the chain goes on`,
    async (t) => {
      const random = prng(seed);
      let dropRate = 0;
      const net = await driverNet(t, { deliver: () => random() >= dropRate });
      const { committed } = net;
      const up = new Set([0, 1, 2, 3]);
      const actions: string[] = [];
      t.true(await waitFor(() => committed[0]!.length >= 2, 30_000));
      for (let k = 0; k < STEPS; k++) {
        const r = random();
        dropRate = random() < 0.3 ? 0.3 : 0;
        if (r < 0.15 && up.size === N) {
          actions.push("all stop");
          await Promise.all([...up].map((i) => net.stop(i)));
          up.clear();
        } else if (r < 0.55 && up.size > 1) {
          const i = [...up][Math.floor(random() * up.size)]!;
          actions.push(`stop ${i}`);
          await net.stop(i);
          up.delete(i);
        } else if (up.size < N) {
          const down = [0, 1, 2, 3].filter((i) => !up.has(i));
          const i = down[Math.floor(random() * down.length)]!;
          actions.push(`restart ${i}`);
          await net.restart(i);
          up.add(i);
        }
        await sleep(50 + Math.floor(random() * 400));
      }
      dropRate = 0;
      for (const i of [0, 1, 2, 3].filter((j) => !up.has(j))) await net.restart(i);
      const top = Math.max(...committed.map((c) => c.length));
      const target = top + 3;
      const ok = await waitFor(() => committed.every((c) => c.length >= target), 60_000);
      for (const [i, c] of committed.entries())
        t.deepEqual(offSchedule(c), [], `seed ${seed}: node ${i}'s blocks follow the proposer schedule`);
      t.true(
        ok,
        `seed ${seed}: heights ${committed.map((c) => c.length).join(",")}, wanted ${target}; ` +
          `status ${net.drivers.map((d) => `${d.status().height}/${d.status().round}/${d.status().step}`).join(" ")}; actions ${actions.join(", ")}`,
      );
      for (let h = 0; h < target; h++)
        t.is(
          new Set(committed.map((c) => toHex(c[h]!.blockId.hash))).size,
          1,
          `seed ${seed}: one block at height ${h + 1}`,
        );
    },
  );
}
