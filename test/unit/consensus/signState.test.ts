import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSignState } from "../../../chain/consensus/signState.js";
import { consensusErrors } from "../../../chain/consensus/errors.js";
import { createEd25519Signer, verifyEd25519 } from "../../../chain/crypto/ed25519.js";
import { voteSignBytes } from "../../../chain/consensus/encoding.js";

const signer = createEd25519Signer(new Uint8Array(32).fill(3));
const sign = (b: Uint8Array) => signer.sign(b);
const blockA = { hash: new Uint8Array(32).fill(0xa), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(1) } };
const blockB = { hash: new Uint8Array(32).fill(0xb), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(1) } };

function path(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "strike-pv-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "sign_state.json");
}

test("after a reload, a conflicting prevote at the same height/round is refused", (t) => {
  const p = path(t);
  const first = openSignState(p);
  first.signVote("c", { type: 1, height: 7n, round: 0, blockId: blockA, timestamp: { seconds: 10n, nanos: 0 } }, sign);
  const reloaded = openSignState(p);
  const e = t.throws(() =>
    reloaded.signVote(
      "c",
      { type: 1, height: 7n, round: 0, blockId: blockB, timestamp: { seconds: 10n, nanos: 0 } },
      sign,
    ),
  );
  t.true(consensusErrors.conflictingSignature.is(e));
  const nil = t.throws(() =>
    reloaded.signVote(
      "c",
      { type: 1, height: 7n, round: 0, blockId: undefined, timestamp: { seconds: 11n, nanos: 0 } },
      sign,
    ),
  );
  t.true(consensusErrors.conflictingSignature.is(nil));
});

test("the same vote with a new timestamp gets the saved signature and timestamp back", (t) => {
  const p = path(t);
  const r1 = openSignState(p).signVote(
    "c",
    { type: 2, height: 7n, round: 1, blockId: blockA, timestamp: { seconds: 10n, nanos: 5 } },
    sign,
  );
  const r2 = openSignState(p).signVote(
    "c",
    { type: 2, height: 7n, round: 1, blockId: blockA, timestamp: { seconds: 99n, nanos: 0 } },
    sign,
  );
  t.deepEqual(r2.signature, r1.signature);
  t.deepEqual(r2.timestamp, { seconds: 10n, nanos: 5 });
  t.true(
    verifyEd25519(
      signer.publicKey,
      voteSignBytes("c", { type: 2, height: 7n, round: 1, blockId: blockA, timestamp: r2.timestamp }),
      r2.signature,
    ),
  );
});

test("signing an earlier height, round or step is refused", (t) => {
  const s = openSignState(path(t));
  s.signVote("c", { type: 2, height: 7n, round: 1, blockId: blockA, timestamp: { seconds: 1n, nanos: 0 } }, sign);
  t.true(
    consensusErrors.signRegression.is(
      t.throws(() =>
        s.signVote("c", { type: 1, height: 7n, round: 1, blockId: blockA, timestamp: { seconds: 1n, nanos: 0 } }, sign),
      ),
    ),
  );
  t.true(
    consensusErrors.signRegression.is(
      t.throws(() =>
        s.signVote("c", { type: 2, height: 7n, round: 0, blockId: blockA, timestamp: { seconds: 1n, nanos: 0 } }, sign),
      ),
    ),
  );
  t.true(
    consensusErrors.signRegression.is(
      t.throws(() =>
        s.signProposal(
          "c",
          { height: 6n, round: 5, polRound: -1, blockId: blockA, timestamp: { seconds: 1n, nanos: 0 } },
          sign,
        ),
      ),
    ),
  );
  t.notThrows(() =>
    s.signProposal(
      "c",
      { height: 8n, round: 0, polRound: -1, blockId: blockB, timestamp: { seconds: 1n, nanos: 0 } },
      sign,
    ),
  );
});
