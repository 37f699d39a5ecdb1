import test from "ava";
import { preverifiedAdmission } from "../../../chain/mempool/preverify.js";
import { okTxResult as ok } from "../../helpers/txResults.js";

test("txs are admitted in arrival order even when their verifications finish in another order", async (t) => {
  const admitted: number[] = [];
  const admit = preverifiedAdmission(
    (tx) => {
      admitted.push(tx[0]!);
      return ok;
    },
    // The first to arrive is the last verified.
    (tx) => new Promise((r) => setTimeout(r, (10 - tx[0]!) * 15)),
  );
  const results = await Promise.all([1, 2, 3, 4, 5].map((i) => admit(Uint8Array.of(i))));
  t.deepEqual(admitted, [1, 2, 3, 4, 5]);
  t.true(results.every((r) => r.code === 0));
});

test("a failed verification step still admits the tx (CheckTx verifies it then), in order", async (t) => {
  const admitted: number[] = [];
  const admit = preverifiedAdmission(
    (tx) => {
      admitted.push(tx[0]!);
      return ok;
    },
    (tx) => (tx[0] === 1 ? Promise.reject(new Error("worker gone")) : Promise.resolve()),
  );
  await Promise.all([admit(Uint8Array.of(1)), admit(Uint8Array.of(2))]);
  t.deepEqual(admitted, [1, 2]);
});
