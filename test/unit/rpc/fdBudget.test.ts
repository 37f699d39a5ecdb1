import test from "ava";
import { connectionCapWithin, openFilesSoftLimit } from "../../../chain/rpc/fdBudget.js";

const limits = (soft: string) =>
  `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${soft}                20000                files     \n`;

test("the soft open-files limit is read from /proc/self/limits", (t) => {
  t.is(openFilesSoftLimit(limits("256")), 256);
  t.is(openFilesSoftLimit(limits("unlimited")), undefined);
  t.is(openFilesSoftLimit("garbage"), undefined);
  t.true((openFilesSoftLimit() ?? 1) > 0);
});

test("a connection cap over half the descriptor limit is lowered to it, unlimited included", (t) => {
  t.deepEqual(connectionCapWithin(900, 20_000), { cap: 900 });
  t.deepEqual(connectionCapWithin(900, 256), { cap: 128, clampedFrom: 900 });
  t.deepEqual(connectionCapWithin(0, 1024), { cap: 512, clampedFrom: 0 });
  t.deepEqual(connectionCapWithin(0, undefined), { cap: 0 });
  t.deepEqual(connectionCapWithin(5, 1), { cap: 1, clampedFrom: 5 });
});
