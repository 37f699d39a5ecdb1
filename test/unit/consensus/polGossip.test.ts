/**
 * A halt that an outage of two validators can leave behind, and how it ends. Of four
 * validators a, b, c, d: in one round a, b and d prevote a proposal X, and only a and b see
 * all three, so they lock on X; c and d precommit nil. The rounds go on, and each time a or
 * b proposes X again citing the round of their lock (the proposal's proof-of-lock round),
 * d cannot prevote it: it never saw that round's +2/3. Then c goes down, and after it d.
 * When c comes back, it may prevote X only once it holds +2/3 prevotes of the lock's round,
 * and one of them, d's, only a and b still hold, from a round long past. Unless they pass
 * it on, c never prevotes X, a and b prevote nothing else, and three of four validators stay
 * halted for good. (CometBFT's reactor sends a peer the prevotes of its proposal's POL round
 * for this.)
 */
import test from "ava";
import { messageHeight } from "../../../chain/consensus/admission.js";
import type { ConsensusMessage } from "../../../chain/consensus/types.js";
import { equalBytes, toHex } from "../../../chain/types/bytes.js";
import { driverNet, syncFresh, validators, waitFor } from "./driverNet.js";

const [A, B, C, D] = [0, 1, 2, 3] as const;
/** The lock is set up on the first proposal at this height or above that d makes. */
const H = 3n;

function roundOf(m: ConsensusMessage): number {
  if (m.kind === "vote") return m.vote.round;
  if (m.kind === "proposal") return m.proposal.round;
  return -1;
}

function isPrevoteBy(m: ConsensusMessage, i: number): boolean {
  return m.kind === "vote" && m.vote.type === 1 && equalBytes(m.vote.validatorAddress, validators[i]!.address);
}

test("a lock on a block whose third prevote came from a validator now down is shown to a validator coming back: three of four decide it", async (t) => {
  /** Where a and b lock: set when the first proposal at H or above not from c is sent. */
  let lockAt: { height: bigint; round: number; block: string } | undefined;
  let cBack = false;
  let dDown = false;
  const atLock = (m: ConsensusMessage) => lockAt !== undefined && messageHeight(m) === lockAt.height;
  const { committed, drivers } = await driverNet(t, {
    deliver(from, to, m) {
      if (dDown && (from === D || to === D)) return false;
      if (lockAt === undefined && m.kind === "proposal" && from === D && m.proposal.height >= H)
        lockAt = { height: m.proposal.height, round: m.proposal.round, block: toHex(m.proposal.blockId.hash) };
      if (!atLock(m)) return true;
      const r = roundOf(m);
      // d never sees b's prevote of the lock's round, so d has +2/3 prevotes but no polka.
      if (to === D && r === lockAt!.round && isPrevoteBy(m, B)) return false;
      if ((from === C || to === C) && !cBack) {
        // c takes part in the lock's round (it prevotes nil: the proposal never reaches it, nor
        // d's prevote), and is down after it.
        if (r > lockAt!.round) return false;
        if (to === C && r === lockAt!.round && (m.kind === "proposal" || isPrevoteBy(m, D))) return false;
      }
      return true;
    },
  });
  const a = drivers[A]!;

  t.true(await waitFor(() => lockAt !== undefined, 30_000), "a proposal by d at height 3 or above");
  const { height, round, block } = lockAt!;
  // The relay passes on the current round's votes and the last one's: go well past the lock's round.
  t.true(
    await waitFor(() => a.status().height === height && a.status().round >= round + 3, 60_000),
    `a is at height ${a.status().height} round ${a.status().round}; the lock was at ${height}/${round}`,
  );
  dDown = true;
  await new Promise((r) => setTimeout(r, 1_500));
  t.is(committed[A]!.length, Number(height) - 1, "with c and d down the height stalls");
  const x = a.status();

  cBack = true;
  const decided = await waitFor(() => [A, B, C].every((i) => committed[i]!.length >= Number(height)), 60_000);
  t.true(
    decided,
    `heights committed per node: ${committed.map((c) => c.length).join(",")}; a went from round ${x.round} to ${a.status().round}`,
  );
  for (const i of [A, B, C]) {
    const decision = committed[i]![Number(height) - 1]!;
    t.is(toHex(decision.blockId.hash), block, `node ${i} decided the block a and b are locked on`);
    t.true(decision.commit.round >= x.round, `node ${i} decided in round ${decision.commit.round}, after c came back`);
  }
  // Re-proposed by a or b, the block still names d, which built it, and not the proposer of
  // the round that decided it. A node that syncs it later must take it all the same.
  const lockBlock = committed[A]![Number(height) - 1]!;
  t.is(toHex(lockBlock.block.header.proposerAddress), toHex(validators[D]!.address));
  t.is(await syncFresh(t, committed[A]!), undefined, "a full node started late syncs every block");
});
