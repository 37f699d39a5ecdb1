import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  NODE_ENV,
  NODE_V8_FLAGS,
  SHARED_CORES_V8_FLAGS,
  missingNodeEnv,
  missingV8Flags,
} from "../../../chain/node/v8Flags.js";

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

test("the node's malloc setting counts as made when its variable is set, to any value", (t) => {
  t.deepEqual(missingNodeEnv({}), ["MALLOC_MMAP_THRESHOLD_=4194304"]);
  t.deepEqual(missingNodeEnv({ MALLOC_MMAP_THRESHOLD_: "4194304" }), []);
  // Another threshold chosen by the operator is theirs to choose.
  t.deepEqual(missingNodeEnv({ MALLOC_MMAP_THRESHOLD_: "1048576", PATH: "/usr/bin" }), []);
  t.deepEqual(missingNodeEnv({ MALLOC_ARENA_MAX: "2" }), ["MALLOC_MMAP_THRESHOLD_=4194304"]);
});

test("make start's validators run with the node's flags, environment and the shared-cores flags; one node's shebang only with the node's", (t) => {
  const root = join(import.meta.dirname, "..", "..", "..");
  const env = Object.entries(NODE_ENV).map(([name, value]) => `${name}=${value}`);
  const starts = readFileSync(join(root, "scripts", "localnet.sh"), "utf8")
    .split("\n")
    .filter((l) => /^\s*(\w+=\S+\s+)*node .*bin\/strike\.js start /.test(l));
  t.is(starts.length, 1, "one line starts the validators");
  const args = starts[0]!.trim().split(/\s+/);
  for (const flag of [...NODE_V8_FLAGS, ...SHARED_CORES_V8_FLAGS])
    t.true(args.includes(flag), `${flag} in ${starts[0]}`);
  t.deepEqual(args.slice(0, args.indexOf("node")), env, "the environment before node");
  const shebang = readFileSync(join(root, "bin", "strike.js"), "utf8")
    .split("\n")[0]!
    .split(/\s+/);
  t.deepEqual(shebang.slice(0, 2), ["#!/usr/bin/env", "-S"]);
  t.deepEqual(shebang.slice(2, shebang.indexOf("node")), env);
  t.deepEqual(
    shebang.filter((a) => a.startsWith("--")),
    [...NODE_V8_FLAGS],
  );
});
