/** Per-module log levels in CometBFT's syntax, and the two line formats of the one node logger. */
import test from "ava";
import { createLogger } from "../../../chain/node/logger.js";
import { parseLogLevels } from "../../../chain/node/logLevels.js";

function capture(level: string, format: "plain" | "json" = "plain") {
  const lines: string[] = [];
  const root = createLogger({ level, format, write: (l) => lines.push(l) });
  return { root, lines };
}

test("a module's own level applies to it and the default to every other module", (t) => {
  const { root, lines } = capture("consensus:debug,p2p:error,*:warn");
  root.with("consensus").debug("step", { height: 5n });
  root.with("rpc").info("request");
  root.with("rpc").warn("slow request");
  root.with("p2p").warn("peer dropped");
  root.with("p2p").error("dial failed");
  root.info("node started");
  t.is(lines.length, 3, lines.join(""));
  t.regex(lines[0]!, /DEBUG \[consensus\] step height=5/);
  t.regex(lines[1]!, /WARN  \[rpc\] slow request/);
  t.regex(lines[2]!, /ERROR \[p2p\] dial failed/);
});

test("a single level is the default for all modules, and none silences them", (t) => {
  const one = capture("info");
  one.root.with("consensus").debug("hidden");
  one.root.with("consensus").info("shown");
  t.is(one.lines.length, 1);
  const none = capture("none");
  none.root.with("consensus").error("hidden too");
  t.is(none.lines.length, 0);
});

test("JSON lines carry level, module, message and fields, with bigints and bytes as strings", (t) => {
  const { root, lines } = capture("info", "json");
  root.with("consensus").info("committed block", { height: 7n, hash: Uint8Array.of(0xab, 0x01) });
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  t.like(line, { level: "info", module: "consensus", msg: "committed block", height: "7", hash: "AB01" });
  t.is(typeof line["time"], "number");
});

test("a log level that is not one is refused with the levels allowed", (t) => {
  t.regex(parseLogLevels("verbose") as string, /"verbose" is not a level; allowed: debug, info, warn, error, none/);
  t.regex(parseLogLevels("consensus:loud,*:info") as string, /"loud" is not a level/);
  t.regex(parseLogLevels("consensus:") as string, /must be module:level/);
  t.deepEqual(parseLogLevels("consensus:debug,*:warn"), {
    defaultLevel: "warn",
    modules: new Map([["consensus", "debug"]]),
  });
});
