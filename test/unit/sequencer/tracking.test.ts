import test from "ava";
import { sha256 } from "../../../chain/crypto/hash.js";
import type { Mempool } from "../../../chain/mempool/mempool.js";
import { preverifiedAdmission } from "../../../chain/mempool/preverify.js";
import { createFinalityLadder } from "../../../chain/sequencer/ladder.js";
import { trackingMempool } from "../../../chain/sequencer/tracking.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { okTxResult as ok } from "../../helpers/txResults.js";

function setup() {
  let clock = 0;
  const admitted: Uint8Array[] = [];
  const inner = {
    checkAndAdd(tx: Uint8Array) {
      admitted.push(tx);
      return ok;
    },
  } as unknown as Mempool;
  const ladder = createFinalityLadder({ capacity: 10 });
  const tracking = trackingMempool(inner, ladder, () => clock, undefined);
  return { ladder, tracking, admitted, setClock: (ms: number) => (clock = ms) };
}

test("a tx is received when it arrives, not when CheckTx gets to it after its signatures are verified", async (t) => {
  const { ladder, tracking, admitted, setClock } = setup();
  let verified!: () => void;
  const admit = preverifiedAdmission(
    (tx) => tracking.checkAndAdd(tx),
    () => new Promise<void>((r) => (verified = r)),
  );
  const tx = utf8("tx-1");
  setClock(10);
  tracking.arrived(tx);
  const done = admit(tx);
  setClock(17); // the verifier thread answers 7 ms later
  verified();
  t.is((await done).code, 0);
  t.is(admitted.length, 1);
  t.deepEqual(
    ladder.get(sha256(tx))!.steps.map((s) => [s.stage, s.atMs]),
    [["received", 10]],
  );
});

test("a tx nobody said had arrived is received when CheckTx sees it", (t) => {
  const { ladder, tracking, setClock } = setup();
  const tx = utf8("tx-2");
  setClock(3);
  tracking.arrived(tx);
  setClock(5);
  tracking.checkAndAdd(tx);
  const other = utf8("tx-3");
  setClock(8);
  tracking.checkAndAdd(other);
  t.is(ladder.get(sha256(tx))!.steps[0]!.atMs, 3);
  t.is(ladder.get(sha256(other))!.steps[0]!.atMs, 8);
});

test("a peer's tx refused for coming a few sequences early is not marked refused on the ladder (the node holds it); a client's is", (t) => {
  const early = {
    ...ok,
    code: 32,
    codespace: "sdk",
    log: "account sequence mismatch, expected 4, got 5: incorrect account sequence",
  };
  const inner = { checkAndAdd: () => early } as unknown as Mempool;
  const ladder = createFinalityLadder({ capacity: 10 });
  const tracking = trackingMempool(inner, ladder, () => 1, undefined);
  const fromPeer = utf8("peer tx");
  const fromClient = utf8("client tx");
  tracking.checkAndAdd(fromPeer, "peer");
  tracking.checkAndAdd(fromClient);
  t.deepEqual(
    ladder.get(sha256(fromPeer))!.steps.map((s) => s.stage),
    ["received"],
  );
  t.deepEqual(
    ladder.get(sha256(fromClient))!.steps.map((s) => s.stage),
    ["received", "rejected"],
  );
});
