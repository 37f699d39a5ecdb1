import test from "ava";
import { dataHash } from "../../../chain/consensus/encoding.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { txProofJson } from "../../../chain/rpc/render/txProof.js";
import { rfc3339Nano } from "../../../chain/rpc/render/encoding.js";
import { commitSigJson } from "../../../chain/rpc/render/block.js";
import { utf8 } from "../../../chain/types/bytes.js";

/** Recomputes the root from a leaf hash and its aunts the way CometBFT's verifier does. */
function rootFromAunts(index: number, total: number, leaf: Uint8Array, aunts: Uint8Array[]): Uint8Array {
  if (total === 1) return leaf;
  let k = 1;
  while (k * 2 < total) k *= 2;
  const sibling = aunts[aunts.length - 1]!;
  const rest = aunts.slice(0, -1);
  if (index < k) return sha256(Uint8Array.of(1), rootFromAunts(index, k, leaf, rest), sibling);
  return sha256(Uint8Array.of(1), sibling, rootFromAunts(index - k, total - k, leaf, rest));
}

test("tx proofs verify against the block's data hash for every position and block size", (t) => {
  for (let n = 1; n <= 9; n++) {
    const txs = Array.from({ length: n }, (_, i) => utf8(`tx-${n}-${i}`));
    const root = dataHash(txs);
    for (let i = 0; i < n; i++) {
      const p = txProofJson(txs, i);
      t.is(p.root_hash, Buffer.from(root).toString("hex").toUpperCase());
      const leaf = new Uint8Array(Buffer.from(p.proof.leaf_hash, "base64"));
      const aunts = p.proof.aunts.map((a) => new Uint8Array(Buffer.from(a, "base64")));
      t.deepEqual(rootFromAunts(i, n, leaf, aunts), root, `n=${n} i=${i}`);
    }
  }
});

test("times are printed as Go's RFC3339Nano: UTC, trailing fraction zeros dropped", (t) => {
  t.is(rfc3339Nano({ seconds: 1_700_000_000n, nanos: 0 }), "2023-11-14T22:13:20Z");
  t.is(rfc3339Nano({ seconds: 1_700_000_000n, nanos: 120_000_000 }), "2023-11-14T22:13:20.12Z");
  t.is(rfc3339Nano({ seconds: 1_700_000_000n, nanos: 1 }), "2023-11-14T22:13:20.000000001Z");
});

test("an absent commit signature prints CometBFT's zero values", (t) => {
  const absent = commitSigJson({
    blockIdFlag: 1,
    validatorAddress: new Uint8Array(),
    timestamp: { seconds: -62135596800n, nanos: 0 },
    signature: new Uint8Array(),
  });
  t.deepEqual(absent, { block_id_flag: 1, validator_address: "", timestamp: "0001-01-01T00:00:00Z", signature: null });
});
