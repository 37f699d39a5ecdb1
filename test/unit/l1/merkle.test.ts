import test from "ava";
import fc from "fast-check";
import { ZeroHash, keccak256, toBeHex } from "ethers";
import { hashPair, merkleProof, merkleRoot, processProof, withdrawalLeaf } from "../../../chain/l1/merkle.js";
import { l1Errors } from "../../../chain/l1/errors.js";
import { assertProperty } from "../../helpers/property.js";

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => keccak256(toBeHex(i + 1, 32)));

test("every leaf's proof leads to the root, for trees of 1 to 33 leaves", (t) => {
  for (let n = 1; n <= 33; n++) {
    const leaves = leavesOf(n);
    const root = merkleRoot(leaves);
    leaves.forEach((leaf, i) => t.is(processProof(leaf, merkleProof(leaves, i)), root, `n=${n} i=${i}`));
  }
});

test("a proof does not carry another leaf to the root", (t) => {
  assertProperty(
    t,
    fc.property(fc.integer({ min: 2, max: 64 }), fc.nat(), fc.nat(), (n, a, b) => {
      const leaves = leavesOf(n);
      const i = a % n;
      const j = b % n;
      fc.pre(i !== j);
      return processProof(leaves[j]!, merkleProof(leaves, i)) !== merkleRoot(leaves);
    }),
  );
});

test("the empty tree's root is zero, a single leaf is its own root, and pairs are hashed sorted", (t) => {
  t.is(merkleRoot([]), ZeroHash);
  const [a, b] = leavesOf(2);
  t.is(merkleRoot([a!]), a!);
  t.is(merkleRoot([a!, b!]), merkleRoot([b!, a!]));
  t.is(merkleRoot([a!, b!]), hashPair(b!, a!));
});

test("a withdrawal leaf changes with every field", (t) => {
  const w = { id: 1n, recipient: "0x" + "11".repeat(20), amount: 5n };
  const leaves = new Set([
    withdrawalLeaf(w),
    withdrawalLeaf({ ...w, id: 2n }),
    withdrawalLeaf({ ...w, recipient: "0x" + "12".repeat(20) }),
    withdrawalLeaf({ ...w, amount: 6n }),
  ]);
  t.is(leaves.size, 4);
});

test("a proof for a leaf outside the tree is a typed error", (t) => {
  const err = t.throws(() => merkleProof(leavesOf(3), 3));
  t.true(l1Errors.invalidMerkleRequest.is(err));
});
