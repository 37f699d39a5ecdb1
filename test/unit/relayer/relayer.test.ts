import test from "ava";
import { Wallet, getBytes, hexlify, keccak256 } from "ethers";
import type { QueryCheckpointResponse } from "../../../chain/codec/generated/strike/checkpoint/v1/query.js";
import { signCheckpointDigest } from "../../../app/checkpointSigner.js";
import { checkpointCall, nextToRelay } from "../../../relayer/index.js";

function cp(height: bigint, o: { complete?: boolean; setChange?: boolean } = {}): QueryCheckpointResponse {
  return {
    checkpoint: {
      height,
      appHash: new Uint8Array(32).fill(1),
      blockHash: new Uint8Array(32).fill(2),
      withdrawalRoot: new Uint8Array(32),
      exitRoot: new Uint8Array(32),
      creditedDepositNonce: 5n,
      nextValidatorSetHash: o.setChange === true ? new Uint8Array(32).fill(3) : new Uint8Array(),
      nextValidatorSet: new Uint8Array(),
      digest: new Uint8Array(32).fill(4),
      signersSet: [],
      totalPower: 300n,
      signedPower: o.complete === true ? 300n : 100n,
      completedAt: o.complete === true ? height + 2n : 0n,
      timeSeconds: 0n,
    },
    signatures: [],
  };
}

test("the relayer takes the first complete checkpoint, in height order", (t) => {
  t.is(nextToRelay([cp(10n, { complete: true }), cp(20n, { complete: true })])?.checkpoint?.height, 10n);
  t.is(nextToRelay([]), undefined);
});

test("an incomplete set change blocks everything after it: the contract must learn sets in order", (t) => {
  t.is(
    nextToRelay([cp(10n, { setChange: true }), cp(20n, { complete: true }), cp(30n, { complete: true })]),
    undefined,
  );
});

test("an incomplete plain checkpoint is waited for until two later ones are complete", (t) => {
  t.is(nextToRelay([cp(10n), cp(20n, { complete: true })]), undefined);
  t.is(nextToRelay([cp(10n), cp(20n, { complete: true }), cp(30n, { complete: true })])?.checkpoint?.height, 20n);
});

test("calldata lists members by ascending address, with a bitmap of the signers and their signatures in that order", (t) => {
  const wallets = [1, 2, 3].map((i) => new Wallet(keccak256(Uint8Array.of(i))));
  const sorted = [...wallets].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const c = cp(10n, { complete: true });
  const digest = getBytes(keccak256(Uint8Array.of(9)));
  c.checkpoint!.digest = digest;
  c.checkpoint!.signersSet = wallets.map((w, i) => ({
    operator: `op${i}`,
    ethAddress: getBytes(w.address),
    power: 100n,
    blsPublicKey: new Uint8Array(),
  }));
  // The two highest addresses sign, given in reverse order.
  c.signatures = [sorted[2]!, sorted[1]!].map((w) => ({
    validator: "x",
    ethAddress: getBytes(w.address),
    power: 100n,
    signature: signCheckpointDigest(digest, w.privateKey),
  }));
  const call = checkpointCall(c);
  const blob = getBytes(call.signatures);
  t.is((blob[0]! << 8) | blob[1]!, 3, "member count");
  for (let i = 0; i < 3; i++)
    t.is(
      hexlify(blob.subarray(2 + 28 * i, 22 + 28 * i)),
      sorted[i]!.address.toLowerCase(),
      `member ${i} in address order`,
    );
  const bitmap = BigInt(hexlify(blob.subarray(2 + 84, 2 + 84 + 32)));
  t.is(bitmap, 0b110n);
  const firstSig = blob.subarray(2 + 84 + 32, 2 + 84 + 32 + 65);
  t.deepEqual(firstSig, signCheckpointDigest(digest, sorted[1]!.privateKey), "signatures in member order");
  t.is(call.newValidatorSet, undefined);
});
