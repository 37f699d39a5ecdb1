/** relay.ts: what a dragging height passes on, and the last commit read back as its precommits. */
import test from "ava";
import { commitVotes } from "../../../chain/consensus/relay.js";
import { voteSignBytes } from "../../../chain/consensus/encoding.js";
import { createEd25519Signer, verifyEd25519 } from "../../../chain/crypto/ed25519.js";
import { addressFromPubKey } from "../../../chain/consensus/encoding.js";
import type { BlockId, Commit, Vote } from "../../../chain/types/block.js";

const signers = [1, 2, 3].map((n) => createEd25519Signer(new Uint8Array(32).fill(n)));
const blockId: BlockId = {
  hash: new Uint8Array(32).fill(9),
  partSetHeader: { total: 1, hash: new Uint8Array(32).fill(8) },
};

test("a commit read back as precommits gives votes whose signatures verify; absent signers are left out, nil ones kept as nil", (t) => {
  const time = { seconds: 1_700_000_100n, nanos: 5 };
  const signed = (i: number, id: BlockId | undefined): Vote => {
    const unsigned = {
      type: 2 as const,
      height: 7n,
      round: 1,
      blockId: id,
      timestamp: time,
      validatorAddress: addressFromPubKey(signers[i]!.publicKey),
      validatorIndex: i,
      signature: new Uint8Array(),
    };
    return { ...unsigned, signature: signers[i]!.sign(voteSignBytes("strike-relay", unsigned)) };
  };
  const v0 = signed(0, blockId);
  const v2 = signed(2, undefined);
  const commit: Commit = {
    height: 7n,
    round: 1,
    blockId,
    signatures: [
      { blockIdFlag: 2, validatorAddress: v0.validatorAddress, timestamp: time, signature: v0.signature },
      {
        blockIdFlag: 1,
        validatorAddress: new Uint8Array(),
        timestamp: { seconds: 0n, nanos: 0 },
        signature: new Uint8Array(),
      },
      { blockIdFlag: 3, validatorAddress: v2.validatorAddress, timestamp: time, signature: v2.signature },
    ],
  };
  const votes = commitVotes(commit);
  t.deepEqual(
    votes.map((v) => v.validatorIndex),
    [0, 2],
  );
  t.is(votes[1]!.blockId, undefined, "a nil precommit stays nil");
  for (const v of votes) {
    t.true(verifyEd25519(signers[v.validatorIndex]!.publicKey, voteSignBytes("strike-relay", v), v.signature));
  }
});
