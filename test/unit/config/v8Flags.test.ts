import test from "ava";
import { NODE_V8_FLAGS, missingV8Flags } from "../../../chain/node/v8Flags.js";

test("the node's V8 flags count as given on node's command line or in NODE_OPTIONS, in either spelling", (t) => {
  t.deepEqual(missingV8Flags([], undefined), [...NODE_V8_FLAGS]);
  t.deepEqual(missingV8Flags(["--max-semi-space-size=64"], undefined), []);
  // Another size chosen by the operator is theirs to choose: the flag is there.
  t.deepEqual(missingV8Flags(["--max-semi-space-size=32"], undefined), []);
  t.deepEqual(missingV8Flags([], "--enable-source-maps  --max_semi_space_size=128"), []);
  t.deepEqual(missingV8Flags(["--max-old-space-size=4096", "--cpu-prof"], "--trace-warnings"), [...NODE_V8_FLAGS]);
  // A prefix of the flag's name is another flag.
  t.deepEqual(missingV8Flags(["--max-semi-space"], ""), [...NODE_V8_FLAGS]);
});
