import test from "ava";
import { chmodSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

test("after a reload, a conflicting prevote at the same height/round is refused", async (t) => {
  const p = path(t);
  const first = openSignState(p);
  await first.signVote(
    "c",
    { type: 1, height: 7n, round: 0, blockId: blockA, timestamp: { seconds: 10n, nanos: 0 } },
    sign,
  );
  const reloaded = openSignState(p);
  const e = await t.throwsAsync(() =>
    reloaded.signVote(
      "c",
      { type: 1, height: 7n, round: 0, blockId: blockB, timestamp: { seconds: 10n, nanos: 0 } },
      sign,
    ),
  );
  t.true(consensusErrors.conflictingSignature.is(e));
  const nil = await t.throwsAsync(() =>
    reloaded.signVote(
      "c",
      { type: 1, height: 7n, round: 0, blockId: undefined, timestamp: { seconds: 11n, nanos: 0 } },
      sign,
    ),
  );
  t.true(consensusErrors.conflictingSignature.is(nil));
});

test("the same vote with a new timestamp gets the saved signature and timestamp back", async (t) => {
  const p = path(t);
  const r1 = await openSignState(p).signVote(
    "c",
    { type: 2, height: 7n, round: 1, blockId: blockA, timestamp: { seconds: 10n, nanos: 5 } },
    sign,
  );
  const r2 = await openSignState(p).signVote(
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

test("signing an earlier height, round or step is refused", async (t) => {
  const s = openSignState(path(t));
  await s.signVote("c", { type: 2, height: 7n, round: 1, blockId: blockA, timestamp: { seconds: 1n, nanos: 0 } }, sign);
  t.true(
    consensusErrors.signRegression.is(
      await t.throwsAsync(() =>
        s.signVote("c", { type: 1, height: 7n, round: 1, blockId: blockA, timestamp: { seconds: 1n, nanos: 0 } }, sign),
      ),
    ),
  );
  t.true(
    consensusErrors.signRegression.is(
      await t.throwsAsync(() =>
        s.signVote("c", { type: 2, height: 7n, round: 0, blockId: blockA, timestamp: { seconds: 1n, nanos: 0 } }, sign),
      ),
    ),
  );
  t.true(
    consensusErrors.signRegression.is(
      await t.throwsAsync(() =>
        s.signProposal(
          "c",
          { height: 6n, round: 5, polRound: -1, blockId: blockA, timestamp: { seconds: 1n, nanos: 0 } },
          sign,
        ),
      ),
    ),
  );
  await t.notThrowsAsync(() =>
    s.signProposal(
      "c",
      { height: 8n, round: 0, polRound: -1, blockId: blockB, timestamp: { seconds: 1n, nanos: 0 } },
      sign,
    ),
  );
});

test("priv_validator_state.json stays mode 0600 at every write, also one left 0644 before", async (t) => {
  const p = path(t);
  const s = openSignState(p);
  for (let h = 1n; h <= 3n; h++) {
    await s.signVote(
      "c",
      { type: 1, height: h, round: 0, blockId: blockA, timestamp: { seconds: 10n, nanos: 0 } },
      sign,
    );
    t.is(statSync(p).mode & 0o777, 0o600, `after the signature at height ${h}`);
  }
  s.close();
  chmodSync(p, 0o644);
  const reopened = openSignState(p);
  t.is(statSync(p).mode & 0o777, 0o600, "tightened on open");
  await reopened.signVote(
    "c",
    { type: 1, height: 9n, round: 0, blockId: blockA, timestamp: { seconds: 10n, nanos: 0 } },
    sign,
  );
  t.is(statSync(p).mode & 0o777, 0o600);
  reopened.close();
});

test("a signature needs no new file descriptor once the sign state is open (EMFILE cannot stop it)", async (t) => {
  const p = path(t);
  const s = openSignState(p);
  // Only the descriptors on the sign state's own folder are counted: other threads of this
  // process (tsx writing its transform cache) open and close files of their own meanwhile.
  const folder = realpathSync(dirname(p));
  const openFds = () =>
    readdirSync("/proc/self/fd").filter((fd) => {
      try {
        const target = readlinkSync(`/proc/self/fd/${fd}`);
        return target === folder || target.startsWith(`${folder}/`);
      } catch {
        return false; // closed since the listing
      }
    }).length;
  const before = openFds();
  t.is(before, 2, "the folder and the spare file are held open from the start");
  for (let h = 1n; h <= 20n; h++) {
    await s.signVote(
      "c",
      { type: 2, height: h, round: 0, blockId: blockA, timestamp: { seconds: 10n, nanos: 0 } },
      sign,
    );
    t.is(openFds(), before, `descriptors held after signature ${h}`);
  }
  s.close();
  t.is(openFds(), 0, "the folder and the spare file are released on close");
});

test("two requests made before the first is durable are judged in turn: the conflicting second is refused", async (t) => {
  const p = path(t);
  const s = openSignState(p);
  const signed: Uint8Array[] = [];
  const counting = (b: Uint8Array) => {
    const sig = signer.sign(b);
    signed.push(sig);
    return sig;
  };
  const at = { seconds: 10n, nanos: 0 };
  const first = s.signVote("c", { type: 1, height: 7n, round: 0, blockId: blockA, timestamp: at }, counting);
  const conflicting = s.signVote("c", { type: 1, height: 7n, round: 0, blockId: blockB, timestamp: at }, counting);
  const same = s.signVote("c", { type: 1, height: 7n, round: 0, blockId: blockA, timestamp: at }, counting);
  const r = await first;
  t.true(consensusErrors.conflictingSignature.is(await t.throwsAsync(conflicting)));
  t.deepEqual((await same).signature, r.signature);
  t.is(signed.length, 1, "one signature made");
  s.close();
  t.deepEqual(openSignState(p).last?.signature, r.signature);
});

test("closing while a signature is being written lets it become durable first", async (t) => {
  const p = path(t);
  const s = openSignState(p);
  const pending = s.signVote(
    "c",
    { type: 2, height: 3n, round: 0, blockId: blockA, timestamp: { seconds: 1n, nanos: 0 } },
    sign,
  );
  s.close();
  const r = await pending;
  t.deepEqual(openSignState(p).last?.signature, r.signature);
  const later = s.signVote(
    "c",
    { type: 2, height: 4n, round: 0, blockId: blockA, timestamp: { seconds: 1n, nanos: 0 } },
    sign,
  );
  await t.throwsAsync(later, { message: /closed/ });
  t.is(openSignState(p).last?.height, 3n);
});
