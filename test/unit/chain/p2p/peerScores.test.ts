import test from "ava";
import { PeerScores } from "../../../../chain/p2p/peerScores.js";
import { reconnectDelayMs } from "../../../../chain/p2p/redial.js";

const backoff = { reconnectInitialDelayMs: 100, reconnectMaxDelayMs: 5_000, stableConnectionMs: 10_000 };

test("reconnect delays double from the initial delay and stop at the cap", (t) => {
  const top = [0, 1, 2, 3, 4, 5, 6, 40].map((n) => reconnectDelayMs(n, backoff, () => 1));
  t.deepEqual(top, [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  const bottom = [0, 1, 6, 40].map((n) => reconnectDelayMs(n, backoff, () => 0));
  t.deepEqual(bottom, [80, 160, 4000, 4000], "jitter only shortens, so the cap holds");
});

test("penalties lower a score, which recovers with time up to 0", (t) => {
  const scores = new PeerScores({ scoreRecoveryPerMinute: 10 });
  t.is(scores.score("p", 0), 0);
  t.is(scores.penalize("p", 10, 0), -10);
  t.is(scores.penalize("p", 10, 0), -20);
  t.is(scores.score("p", 60_000), -10, "10 points back after a minute");
  t.is(scores.score("p", 10 * 60_000), 0, "never above 0");
  t.is(scores.score("p", 60_000 + 5_999), -10, "whole points only: 0.999 of a point is not yet regained");
  t.is(scores.penalize("p", 5, 60_000), -15, "a new penalty starts from the recovered score");
});

test("a ban lasts until its deadline, keeps the later of two deadlines, and clears the score", (t) => {
  const scores = new PeerScores({ scoreRecoveryPerMinute: 10 });
  scores.penalize("p", 100, 0);
  scores.ban("p", 1_000);
  scores.ban("p", 500);
  t.true(scores.isBanned("p", 999));
  t.false(scores.isBanned("p", 1_000));
  t.is(scores.score("p", 0), 0, "a peer returns from a ban with a clean score");
  t.false(scores.isBanned("q", 0));
  scores.prune(1_000);
  t.false(scores.isBanned("p", 0), "pruned once expired");
});
