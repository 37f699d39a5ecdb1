/**
 * How long a `strike` command takes from process start to exit, as a user runs it:
 * `strike --help` and `strike status` against a running node, from the compiled dist/ (what
 * `make build` leaves) and from the TypeScript sources through tsx (what every run cost
 * before). The machine's limit is a bare `node -e 0` start, measured in the same run.
 * Each run also reports the child's own CPU time (user + system, read at its exit), which
 * other processes on a loaded machine disturb far less than wall time; the load average
 * is recorded with the figures.
 * Writes bench/results/cli-start.json.
 *
 *   node scripts/build.mjs && npx tsx bench/cliStart.ts
 */
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { createTestNode } from "../test/helpers/localNode.js";
import { percentile, writeResult } from "./lib/machine.js";

const repo = resolve(import.meta.dirname, "..");
const RUNS = Number(process.env["BENCH_RUNS"] ?? 15);

// Loaded into each child: prints its CPU time on exit, on a line of its own on stderr.
const CPU_HOOK = `--import=data:text/javascript,process.on("exit",()=>process.stderr.write("\\nCPU_US "+JSON.stringify(process.cpuUsage())+"\\n"))`;

function timeRuns(
  args: string[],
  env: Record<string, string> = {},
): { p50: number; p90: number; min: number; cpuP50: number } {
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CPU_HOOK, ...args], {
      cwd: repo,
      env: { ...process.env, ...env },
      stdio: "pipe",
    });
    ms.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr.toString()}`);
    const m = /CPU_US (\{.*\})/.exec(r.stderr.toString());
    if (m !== null) {
      const u = JSON.parse(m[1]!) as { user: number; system: number };
      cpu.push((u.user + u.system) / 1000);
    }
  }
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    p50: round(percentile(ms, 50)),
    p90: round(percentile(ms, 90)),
    min: round(ms[0]!),
    cpuP50: cpu.length === 0 ? NaN : round(percentile(cpu, 50)),
  };
}

try {
  statSync(join(repo, "dist/.stamp"));
} catch {
  throw new Error("dist/ is missing: run `node scripts/build.mjs` (or make build) first");
}

const bin = join(repo, "bin/strike.js");
const node = await createTestNode({ accounts: ["alice"] });
try {
  const statusArgs = [bin, "status", "--node", node.rpcUrl];
  const limit = timeRuns(["-e", "0"]);
  const helpCompiled = timeRuns([bin, "--help"]);
  const statusCompiled = timeRuns(statusArgs);
  const helpSource = timeRuns([bin, "--help"], { STRIKE_FROM_SOURCE: "1" });
  const statusSource = timeRuns(statusArgs, { STRIKE_FROM_SOURCE: "1" });
  const ratio = (x: { p50: number }) => Math.round((x.p50 / limit.p50) * 10) / 10;
  const path = writeResult("cli-start", {
    runs: RUNS,
    loadAverage: loadavg(),
    unit: "ms, process start to exit",
    limit: { what: "node -e 0", ...limit },
    target: { p50Ms: 250 },
    compiled: {
      help: { ...helpCompiled, timesLimit: ratio(helpCompiled) },
      status: { ...statusCompiled, timesLimit: ratio(statusCompiled) },
    },
    fromSource: {
      help: { ...helpSource, timesLimit: ratio(helpSource) },
      status: { ...statusSource, timesLimit: ratio(statusSource) },
    },
  });
  console.log(
    `node -e 0 p50 ${limit.p50} ms (cpu ${limit.cpuP50}); --help ${helpCompiled.p50} ms (cpu ${helpCompiled.cpuP50}) compiled / ` +
      `${helpSource.p50} ms tsx; status ${statusCompiled.p50} ms (cpu ${statusCompiled.cpuP50}) compiled / ` +
      `${statusSource.p50} ms tsx; load ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")} → ${path}`,
  );
} finally {
  await node.destroy();
}
