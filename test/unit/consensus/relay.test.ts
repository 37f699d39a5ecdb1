/**
 * Four validator drivers on a line (0–1–2–3): each hears only its neighbours directly, so no
 * node alone hears the +2/3 it needs. The chain decides only because a height that drags has
 * its held proposal and votes passed on (driver.ts relayHeld).
 */
import test from "ava";
import { MAX_PROPOSAL_AHEAD_MS } from "../../../chain/consensus/driver.js";
import { toHex } from "../../../chain/types/bytes.js";
import { driverNet, validators, waitFor } from "./driverNet.js";

/** Drivers where only the pairs in `links` hear each other. */
function line(
  t: Parameters<typeof driverNet>[0],
  links: readonly [number, number][],
  clockOf?: (i: number) => () => number,
) {
  const linked = (a: number, b: number) => links.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  return driverNet(t, { deliver: linked, ...(clockOf === undefined ? {} : { clockOf }) });
}

test("validators on a line, each hearing only its neighbours, still decide: a dragging height's proposal and votes are passed on", async (t) => {
  const { committed } = await line(t, [
    [0, 1],
    [1, 2],
    [2, 3],
  ]);
  const decided = await waitFor(() => committed.every((c) => c.length >= 3), 30_000);
  t.true(decided, `heights committed per node: ${committed.map((c) => c.length).join(",")}`);
  for (let h = 0; h < 3; h++) {
    const ids = new Set(committed.map((c) => toHex(c[h]!.blockId.hash)));
    t.is(ids.size, 1, `one block at height ${h + 1} on every node`);
  }
});

test("a proposer whose clock runs 60 s ahead gets no block in: its proposals are prevoted nil, the others go on, block time stays near real time", async (t) => {
  const all: [number, number][] = [
    [0, 1],
    [0, 2],
    [0, 3],
    [1, 2],
    [1, 3],
    [2, 3],
  ];
  const { committed } = await line(t, all, (i) => (i === 3 ? () => Date.now() + 60_000 : Date.now));
  const ahead = validators[3]!.address;
  // Enough heights that the fast node's turn as proposer comes up (round-robin over four).
  const decided = await waitFor(() => committed[0]!.length >= 8, 60_000);
  t.true(decided, `heights committed: ${committed[0]!.length}`);
  const blocks = committed[0]!;
  // Height 1 carries the genesis time whoever proposes it.
  const byAhead = blocks
    .filter((c) => c.block.header.height > 1n && toHex(c.block.header.proposerAddress) === toHex(ahead))
    .map((c) => c.block.header.height);
  t.deepEqual(byAhead, [], "no committed block after the first was proposed by the validator whose clock is ahead");
  for (const c of blocks) {
    const aheadMs = Number(c.block.header.time.seconds) * 1000 - Date.now();
    t.true(aheadMs <= MAX_PROPOSAL_AHEAD_MS, `block ${c.block.header.height} time ${aheadMs} ms ahead of real time`);
  }
});
