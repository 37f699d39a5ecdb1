import test from "ava";
import { leafHash, merkleAunts, merkleRoot, rootFromAunts } from "../../../chain/consensus/merkle.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { u32be } from "../../../chain/types/bytes.js";

const items = (n: number) => Array.from({ length: n }, (_, i) => sha256(u32be(i)));

test("the aunts of every leaf of trees of 1 to 33 items lead back to the CometBFT root", (t) => {
  for (let n = 1; n <= 33; n++) {
    const xs = items(n);
    const root = merkleRoot(xs);
    for (let i = 0; i < n; i++)
      t.deepEqual(rootFromAunts(i, n, leafHash(xs[i]!), merkleAunts(xs, i)), root, `${i}/${n}`);
  }
});

test("a proof binds its item and index for a given tree size; the size itself must come from elsewhere", (t) => {
  const xs = items(7);
  const root = merkleRoot(xs);
  const aunts = merkleAunts(xs, 3);
  t.notDeepEqual(rootFromAunts(3, 7, leafHash(xs[4]!), aunts), root);
  t.notDeepEqual(rootFromAunts(2, 7, leafHash(xs[3]!), aunts), root);
  // Index 3 of 5 takes the same turns as 3 of 7: RFC 6962 proofs do not bind the size,
  // which is why the receipts module keeps each height's tx count and never trusts a claimed one.
  t.deepEqual(rootFromAunts(3, 5, leafHash(xs[3]!), aunts), root);
  t.is(rootFromAunts(7, 7, leafHash(xs[3]!), aunts), undefined);
  t.is(rootFromAunts(-1, 7, leafHash(xs[3]!), aunts), undefined);
  t.is(rootFromAunts(0, 1, leafHash(xs[0]!), aunts), undefined, "a one-item tree has no aunts");
});
