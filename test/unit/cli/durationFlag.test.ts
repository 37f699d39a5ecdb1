/** `--timeout` of tx status and receipt watch: the durations tx commands take, or bare seconds as before. */
import test from "ava";
import { timeoutFlagMs } from "../../../cli/durationFlag.js";
import { cliErrors } from "../../../cli/errors.js";

test("a timeout is a duration like tx commands take, or a number of seconds", (t) => {
  t.is(timeoutFlagMs("--timeout", "30s"), 30_000);
  t.is(timeoutFlagMs("--timeout", "1m30s"), 90_000);
  t.is(timeoutFlagMs("--timeout", "500ms"), 500);
  t.is(timeoutFlagMs("--timeout", "60"), 60_000);
  t.is(timeoutFlagMs("--timeout", "0.2"), 200);
});

test("a timeout that is no duration, zero, or longer than a timer can wait is refused by name", (t) => {
  for (const bad of ["", "xyz", "0", "0s", "-5", "10 s", "1e3"]) {
    const e = t.throws(() => timeoutFlagMs("--timeout", bad));
    t.true(cliErrors.badArgument.is(e), bad);
    t.regex(e.message, /--timeout must be a duration like 30s/, bad);
  }
  t.regex(
    t.throws(() => timeoutFlagMs("--timeout", "600h")).message,
    /--timeout 600h is too long: at most 2147483 seconds/,
  );
});
