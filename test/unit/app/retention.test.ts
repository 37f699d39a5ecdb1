/** How many blocks a node keeps (app/retention.ts): min-retain-blocks, never below the evidence max age. */
import test from "ava";
import { retainBlocks } from "../../../app/retention.js";

test("0 keeps every block; otherwise the larger of min-retain-blocks and the evidence max age", (t) => {
  t.is(retainBlocks(0, 100_000n), 0n);
  t.is(retainBlocks(10, 100_000n), 100_000n);
  t.is(retainBlocks(200_000, 100_000n), 200_000n);
  t.is(retainBlocks(10, 5n), 10n);
});
