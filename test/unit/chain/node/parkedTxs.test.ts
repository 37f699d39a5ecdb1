/**
 * Peers' txs held for coming a few sequences early (chain/node/parkedTxs.ts): taken back by
 * signer, oldest first; bounded in all, per signer and per peer; each held at most its time
 * from when it was first held, however often it is tried again.
 */
import test from "ava";
import { createParkedTxs } from "../../../../chain/node/parkedTxs.js";

const tx = (i: number) => ({ tx: Uint8Array.of(i), hash: new Uint8Array(32).fill(i) });

test("held txs come back by signer, oldest first, once", (t) => {
  const p = createParkedTxs();
  t.true(p.park({ ...tx(1), peer: "a", signers: ["alice"] }));
  t.true(p.park({ ...tx(2), peer: "a", signers: ["bob"] }));
  t.true(p.park({ ...tx(3), peer: "b", signers: ["alice", "carol"] }));
  t.false(p.park({ ...tx(3), peer: "c", signers: ["alice"] }), "held already");
  t.deepEqual(
    p.take(["alice"]).map((x) => x.tx[0]),
    [1, 3],
  );
  t.deepEqual(p.take(["alice", "carol"]), []);
  t.is(p.size, 1);
  t.deepEqual(
    p.takeAll().map((x) => x.tx[0]),
    [2],
  );
  t.false(p.park({ ...tx(4), peer: "a", signers: [] }), "a tx whose signers are unknown is not held");
});

test("bounded in all, per signer and per peer: a flood from one peer or for one account cannot crowd out the rest", (t) => {
  const p = createParkedTxs({ maxTxs: 10, maxPerSigner: 3, maxPerPeer: 5 });
  let i = 0;
  const park = (peer: string, signer: string) => p.park({ ...tx(++i), peer, signers: [signer] });
  t.deepEqual(
    [park("a", "alice"), park("a", "alice"), park("a", "alice"), park("a", "alice")],
    [true, true, true, false],
  );
  t.deepEqual([park("a", "bob"), park("a", "carol"), park("a", "dave")], [true, true, false]);
  for (let k = 0; k < 5; k++) t.true(park(`p${k}`, `s${k}`));
  t.is(p.size, 10);
  t.false(park("fresh", "fresh"), "full");
  t.is(p.take(["alice"]).length, 3);
  t.true(park("fresh", "fresh"));
});

test("each tx is held at most its time from when it was first held, however often it is held again", (t) => {
  let now = 1_000;
  const p = createParkedTxs({ ttlMs: 100, now: () => now });
  t.true(p.park({ ...tx(1), peer: "a", signers: ["alice"] }));
  now += 60;
  const [again] = p.take(["alice"]);
  // Tried again, still early: held again with its first time.
  t.true(p.park({ ...again!, since: again!.since }));
  now += 50;
  t.is(p.size, 0, "expired 100 ms after it was first held");
  t.false(p.park({ ...again!, since: again!.since }), "past its time: not held again");
});
