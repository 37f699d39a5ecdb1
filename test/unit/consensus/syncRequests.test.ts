import test from "ava";
import { SyncRequests, UNSOLICITED_ALLOWANCE, UNSOLICITED_REFILL_MS } from "../../../chain/consensus/syncRequests.js";

function tracker() {
  let clock = 5_000_000;
  const r = new SyncRequests(100, () => clock);
  return { r, advance: (ms: number) => (clock += ms) };
}

test("an answer to an outstanding request for the next height is wanted once; it consumes the request", (t) => {
  const { r } = tracker();
  r.sent("p", 8n);
  t.true(r.isAsked("p"));
  t.is(r.askedFor(8n), 1);
  t.deepEqual(r.answered("p", 8n, 7n), { kind: "wanted" });
  t.false(r.isAsked("p"));
  t.deepEqual(r.answered("p", 8n, 7n), { kind: "unsolicited", fault: false });
});

test("an answer for a height we hold meanwhile is stale, not a fault", (t) => {
  const { r } = tracker();
  r.sent("p", 8n);
  t.deepEqual(r.answered("p", 8n, 8n), { kind: "stale" });
  t.is(r.inFlight, 0);
});

test("a timed-out request can be answered late within ten timeouts, once; after that it is unsolicited", (t) => {
  const { r, advance } = tracker();
  r.sent("p", 8n);
  r.sent("q", 8n);
  advance(99);
  t.deepEqual(r.expire(), [], "not yet");
  advance(1);
  t.deepEqual(r.expire(), [
    { peer: "p", height: 8n },
    { peer: "q", height: 8n },
  ]);
  t.false(r.isAsked("p"));
  advance(500);
  t.deepEqual(r.answered("p", 8n, 7n), { kind: "wanted" });
  t.deepEqual(r.answered("p", 8n, 7n), { kind: "unsolicited", fault: false });
  advance(500);
  r.expire();
  t.deepEqual(r.answered("q", 8n, 7n), { kind: "unsolicited", fault: false }, "q's window has passed");
});

test("a peer that leaves takes its requests with it", (t) => {
  const { r, advance } = tracker();
  r.sent("p", 3n);
  advance(100);
  r.expire();
  r.sent("p", 4n);
  r.peerGone("p");
  t.is(r.inFlight, 0);
  t.is(r.answered("p", 3n, 2n).kind, "unsolicited");
  t.is(r.answered("p", 4n, 3n).kind, "unsolicited");
});

test("the unsolicited allowance is per peer, survives a reconnect, and refills one per interval", (t) => {
  const { r, advance } = tracker();
  const faults = (peer: string, n: number) =>
    Array.from({ length: n }, () => r.answered(peer, 1_000n, 5n)).map((v) => v.kind === "unsolicited" && v.fault);
  t.deepEqual(faults("p", UNSOLICITED_ALLOWANCE + 2), [
    ...Array<boolean>(UNSOLICITED_ALLOWANCE).fill(false),
    true,
    true,
  ]);
  t.deepEqual(faults("q", 1), [false], "another peer has its own");
  r.peerGone("p");
  r.expire();
  t.deepEqual(faults("p", 1), [true], "reconnecting does not refill it");
  advance(UNSOLICITED_REFILL_MS);
  r.expire();
  t.deepEqual(faults("p", 2), [false, true]);
  advance(UNSOLICITED_ALLOWANCE * UNSOLICITED_REFILL_MS * 10);
  t.deepEqual(
    faults("p", UNSOLICITED_ALLOWANCE + 1),
    [...Array<boolean>(UNSOLICITED_ALLOWANCE).fill(false), true],
    "never more than the allowance",
  );
});
