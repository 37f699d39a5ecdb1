import test from "ava";
import type { TxResult } from "../../../chain/types/abci.js";
import { createMempool, isPeerFault } from "../../../chain/mempool/mempool.js";
import { mempoolErrors } from "../../../chain/mempool/errors.js";
import { sdkErrors } from "../../../chain/types/errors.js";

function result(code: number, gasWanted = 100n): TxResult {
  return {
    code,
    codespace: code === 0 ? "" : "sdk",
    log: "",
    info: "",
    data: new Uint8Array(),
    gasWanted,
    gasUsed: 0n,
    events: [],
  };
}

/** An application whose CheckTx accepts txs whose first byte is not in `rejected`. */
function fakeApp() {
  const rejected = new Set<number>();
  const calls: string[] = [];
  return {
    rejected,
    calls,
    checkTx(tx: Uint8Array, kind: "new" | "recheck") {
      calls.push(`${kind}:${tx[0]}`);
      return result(rejected.has(tx[0]!) ? 5 : 0);
    },
  };
}

const limits = { maxTxs: 3, maxBytes: 1000, maxTxBytes: 100 };

test("admitted txs are reaped in arrival order within the byte limit", (t) => {
  const pool = createMempool({ app: fakeApp(), ...limits });
  for (const b of [3, 1, 2]) t.is(pool.checkAndAdd(new Uint8Array(10).fill(b)).code, 0);
  t.deepEqual(
    pool.reap(1000).map((tx) => tx[0]),
    [3, 1, 2],
  );
  t.deepEqual(
    pool.reap(25).map((tx) => tx[0]),
    [3, 1],
  );
  t.is(pool.size(), 3);
  t.is(pool.sizeBytes(), 30);
});

test("a tx that fails CheckTx is not admitted and its result is returned", (t) => {
  const app = fakeApp();
  app.rejected.add(9);
  const pool = createMempool({ app, ...limits });
  t.is(pool.checkAndAdd(Uint8Array.of(9)).code, 5);
  t.is(pool.size(), 0);
});

test("the same tx twice is rejected as already in the mempool", (t) => {
  const pool = createMempool({ app: fakeApp(), ...limits });
  t.is(pool.checkAndAdd(Uint8Array.of(1, 2)).code, 0);
  const again = pool.checkAndAdd(Uint8Array.of(1, 2));
  t.is(again.code, 19);
  t.is(again.codespace, "sdk");
  t.is(pool.size(), 1);
});

test("oversized, empty and over-capacity txs get distinct clear errors", (t) => {
  const pool = createMempool({ app: fakeApp(), ...limits });
  t.regex(pool.checkAndAdd(new Uint8Array(101)).log, /101 bytes, the limit is 100/);
  t.regex(pool.checkAndAdd(new Uint8Array()).log, /empty/);
  for (const b of [1, 2, 3]) pool.checkAndAdd(Uint8Array.of(b));
  const full = pool.checkAndAdd(Uint8Array.of(4));
  t.is(full.codespace, "mempool");
  t.regex(full.log, /full/);
  t.is(pool.size(), 3);
});

test("a refusal before CheckTx carries exactly the code, codespace and message of its registered error", (t) => {
  const pool = createMempool({ app: fakeApp(), ...limits });
  const as = (e: { code: number; codespace: string; message: string }) => ({
    code: e.code,
    codespace: e.codespace,
    log: e.message,
  });
  const fields = (r: TxResult) => ({ code: r.code, codespace: r.codespace, log: r.log });
  t.deepEqual(fields(pool.checkAndAdd(new Uint8Array())), as(mempoolErrors.emptyTx()));
  t.deepEqual(
    fields(pool.checkAndAdd(new Uint8Array(101))),
    as(mempoolErrors.txTooLarge("tx is 101 bytes, the limit is 100")),
  );
  for (const b of [1, 2, 3]) pool.checkAndAdd(Uint8Array.of(b));
  t.deepEqual(fields(pool.checkAndAdd(Uint8Array.of(1))), as(sdkErrors.txInMempoolCache()));
  t.deepEqual(fields(pool.checkAndAdd(Uint8Array.of(4))), as(mempoolErrors.full("3 txs, 3 bytes held")));
});

test("after a block the committed txs leave and the rest are re-checked against the new state", (t) => {
  const app = fakeApp();
  const pool = createMempool({ app, ...limits });
  for (const b of [1, 2, 3]) pool.checkAndAdd(Uint8Array.of(b));
  app.rejected.add(3);
  pool.update([Uint8Array.of(1)]);
  t.deepEqual(
    pool.reap(1000).map((tx) => tx[0]),
    [2],
  );
  t.true(app.calls.includes("recheck:2"));
  t.false(app.calls.includes("recheck:1"));
  // A committed tx replayed later is still refused by the cache.
  t.is(pool.checkAndAdd(Uint8Array.of(1)).code, 19);
});

test("reaping stops at the block gas limit", (t) => {
  const pool = createMempool({ app: fakeApp(), ...limits });
  for (const b of [1, 2, 3]) pool.checkAndAdd(Uint8Array.of(b));
  t.is(pool.reap(1000, 250n).length, 2);
});

test("a tx admitted right after the re-check is checked once against the new state", (t) => {
  // CheckTx that tracks one sender's sequence in a check state, as the runtime does.
  let checkSeq = 0;
  const app = {
    checkTx(tx: Uint8Array) {
      if (tx[0] !== checkSeq) return result(32);
      checkSeq++;
      return result(0);
    },
  };
  const pool = createMempool({ app, ...limits });
  t.is(pool.checkAndAdd(Uint8Array.of(0)).code, 0);
  t.is(pool.checkAndAdd(Uint8Array.of(1)).code, 0);
  // The block with tx 0 commits: the app resets its check state to the committed one,
  // then the pool re-checks tx 1, then new txs arrive.
  checkSeq = 1;
  pool.update([Uint8Array.of(0)]);
  t.is(pool.checkAndAdd(Uint8Array.of(2)).code, 0);
  t.deepEqual(
    pool.reap(1000).map((tx) => tx[0]),
    [1, 2],
  );
});

/** CheckTx of a tx `[signer, gas/100]`: gas wanted from the second byte, the signer as an acc_seq event. */
function signedApp() {
  return {
    checkTx(tx: Uint8Array): TxResult {
      return {
        ...result(0, BigInt(tx[1]!) * 100n),
        events: [{ type: "tx", attributes: [{ key: "acc_seq", value: `signer${tx[0]}/${tx[2] ?? 0}`, index: true }] }],
      };
    },
  };
}

test("reaping skips a tx that does not fit the block's gas and goes on with the others", (t) => {
  const pool = createMempool({ app: signedApp(), maxTxs: 10, maxBytes: 1000, maxTxBytes: 100 });
  // signer 1 asks for 900 gas of a 1000-gas block after 200 are taken; signers 2, 3 fit.
  for (const tx of [Uint8Array.of(4, 2), Uint8Array.of(1, 9), Uint8Array.of(2, 1), Uint8Array.of(3, 5)]) {
    t.is(pool.checkAndAdd(tx).code, 0);
  }
  t.deepEqual(
    pool.reap(1000, 1000n).map((tx) => tx[0]),
    [4, 2, 3],
  );
});

test("a skipped tx holds back its signer's later txs (they would fail on the sequence without it)", (t) => {
  const pool = createMempool({ app: signedApp(), maxTxs: 10, maxBytes: 1000, maxTxBytes: 100 });
  for (const tx of [Uint8Array.of(1, 9, 0), Uint8Array.of(1, 1, 1), Uint8Array.of(2, 1, 0)]) pool.checkAndAdd(tx);
  t.deepEqual(
    pool.reap(1000, 500n).map((tx) => [tx[0], tx[2]]),
    [[2, 0]],
  );
});

test("txs that no honest peer relays are peer faults; state-dependent refusals are not", (t) => {
  t.true(isPeerFault({ codespace: "sdk", code: 2 }), "undecodable");
  t.true(isPeerFault({ codespace: "sdk", code: 4 }), "bad signature");
  t.true(isPeerFault({ codespace: "sdk", code: 41 }), "gas limit over the block's max gas");
  t.true(isPeerFault({ codespace: "mempool", code: 3 }), "too large");
  t.false(isPeerFault({ codespace: "sdk", code: 32 }), "wrong sequence: raced with a block");
  t.false(isPeerFault({ codespace: "sdk", code: 13 }), "fee below our own minimum gas price");
  t.false(isPeerFault({ codespace: "sdk", code: 19 }), "already in the mempool");
  t.false(isPeerFault({ codespace: "mempool", code: 2 }), "mempool full");
});
