/** Duplicate-vote evidence must name the validator by its index in the set: the index is not signed. */
import test from "ava";
import { addressFromPubKey, voteSignBytes } from "../../../chain/consensus/encoding.js";
import { duplicateVoteProblem } from "../../../chain/consensus/evidence.js";
import { blockIdKey } from "../../../chain/consensus/voteSet.js";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import type { BlockId, Vote } from "../../../chain/types/block.js";

const CHAIN = "strike-evidence";
const signers = [1, 2, 3].map((n) => createEd25519Signer(new Uint8Array(32).fill(n)));
const validators = signers.map((s) => ({
  address: addressFromPubKey(s.publicKey),
  pubKey: s.publicKey,
  votingPower: 10n,
  proposerPriority: 0n,
}));
const id = (n: number): BlockId => ({
  hash: new Uint8Array(32).fill(n),
  partSetHeader: { total: 1, hash: new Uint8Array(32).fill(n + 1) },
});

function vote(index: number, blockId: BlockId, signedBy = 1): Vote {
  const unsigned: Vote = {
    type: 1,
    height: 5n,
    round: 0,
    blockId,
    timestamp: { seconds: 1_700_000_000n, nanos: 0 },
    validatorAddress: validators[signedBy]!.address,
    validatorIndex: index,
    signature: new Uint8Array(),
  };
  return { ...unsigned, signature: signers[signedBy]!.sign(voteSignBytes(CHAIN, unsigned)) };
}

function ordered(a: Vote, b: Vote): { voteA: Vote; voteB: Vote } {
  return blockIdKey(a.blockId) < blockIdKey(b.blockId) ? { voteA: a, voteB: b } : { voteA: b, voteB: a };
}

test("evidence at the signer's own index is accepted; another index, or two different ones, is refused", (t) => {
  t.is(duplicateVoteProblem(CHAIN, ordered(vote(1, id(10)), vote(1, id(20))), validators), undefined);
  t.regex(duplicateVoteProblem(CHAIN, ordered(vote(0, id(10)), vote(0, id(20))), validators) ?? "", /index/);
  t.regex(duplicateVoteProblem(CHAIN, ordered(vote(7, id(10)), vote(7, id(20))), validators) ?? "", /index/);
  t.regex(duplicateVoteProblem(CHAIN, ordered(vote(1, id(10)), vote(2, id(20))), validators) ?? "", /index/);
});
