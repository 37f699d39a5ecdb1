/**
 * The benchmarks still run. `make bench` is not part of `make test`, so a change that breaks
 * one (a renamed genesis param, a changed API) went unnoticed until someone ran it: the
 * empty-block bench died at genesis for three days. Each in-process benchmark runs here as
 * `make bench` runs it, in its own process, with small sizes, writing into a temporary
 * directory (BENCH_RESULTS_DIR) so the committed figures stay as they are. The test checks
 * that it exits 0 and that its result holds what the benchmark exists to report, and, where
 * a benchmark pins behaviour, that the pin holds. No figure's speed is asserted.
 *
 * The benchmarks that start validator processes, Hardhat or a relayer (bankSends,
 * localnetSends, receiptLatency, blockSyncFlood, checkpointLatency, l1Gas) are left to
 * `make bench`: they share their start-up code with the e2e tests, and would load the machine
 * for minutes while other e2e tests run beside this file.
 */
import test from "ava";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");
let dir = "";

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "strike-bench-smoke-"));
});
test.after.always(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  output: string;
}

function runBench(file: string, env: Record<string, string>): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import=tsx", join(root, "bench", file)], {
      cwd: root,
      env: { ...process.env, ...env, BENCH_RESULTS_DIR: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 150_000);
    child.once("error", fail);
    child.once("exit", (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

/** Runs the bench, checks its exit, and returns its result file as parsed JSON. */
async function result(
  t: { is: (a: unknown, b: unknown, m?: string) => void },
  file: string,
  json: string,
  env: Record<string, string> = {},
): Promise<unknown> {
  const run = await runBench(file, env);
  t.is(run.code, 0, `${file} exited ${run.code}:\n${run.output.slice(-3000)}`);
  return JSON.parse(readFileSync(join(dir, json), "utf8")) as unknown;
}

/** The value at a dotted path of a parsed result (undefined where the path leads nowhere). */
function at(x: unknown, path: string): unknown {
  let v = x;
  for (const k of path.split("."))
    v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

const positive = (x: unknown, path: string) => {
  const v = at(x, path);
  return typeof v === "number" && Number.isFinite(v) && v > 0;
};

test.serial("emptyBlock runs: an empty block's CPU time at each size of idle accounts", async (t) => {
  const r = await result(t, "emptyBlock.ts", "empty-block.json", {
    BENCH_SIZES: "0,50",
    BENCH_BLOCKS: "10",
    BENCH_MOVE_BLOCKS: "3",
    BENCH_FUNDING_INTERVAL: "5",
    BENCH_IDLE: "200",
  });
  const sizes = at(r, "results") as unknown[];
  t.deepEqual(
    sizes.map((x) => at(x, "subaccounts")),
    [0, 50],
  );
  for (const x of sizes) {
    t.true(positive(x, "emptyBlockCpu.meanMs"));
    t.true(positive(x, "priceMoveBlock.meanMs"));
    // Blocks name the last block as a node's do, so checkpoints are recorded and timed apart.
    t.true((at(x, "checkpointBlocks") as number) >= 1);
    t.true(positive(x, "checkpointBlockCpu.meanMs"));
  }
  // With perp holders and a book around the price, every 5th block pays funding, timed apart;
  // with no accounts there is no book, so no rate and no funding block.
  t.is(at(sizes[0], "fundingBlocks"), 0);
  t.true((at(sizes[1], "fundingBlocks") as number) >= 1);
  t.true(positive(sizes[1], "fundingBlockCpu.meanMs"));
  // The first loaded size again beside accounts that only hold uusdc, its checkpoints timed.
  t.is(at(r, "withIdleAccounts.subaccounts"), 50);
  t.is(at(r, "withIdleAccounts.idleAccounts"), 200);
  t.true(positive(at(r, "withIdleAccounts"), "checkpointBlockCpu.meanMs"));
  // Started without the node's V8 flags (as here), it ran itself again with them.
  t.is(at(r, "machine.nodeV8Flags"), true);
});

test.serial(
  "receiptIntake runs: batches check one signature each on arrival, and every served receipt was checked",
  async (t) => {
    const r = await result(t, "receiptIntake.ts", "receipt-intake.json", {
      BENCH_RECEIPTS: "120",
      BENCH_BATCHES: "1,40",
    });
    const runs = at(r, "results") as {
      batch: number;
      signaturesCheckedOnArrivalPerReceipt: number;
      served: number;
      signaturesCheckedToServe: number;
    }[];
    t.deepEqual(
      runs.map((x) => x.batch),
      [1, 40],
    );
    t.is(runs[0]!.signaturesCheckedOnArrivalPerReceipt, 1);
    t.is(runs[0]!.signaturesCheckedToServe, 0);
    t.is(runs[1]!.signaturesCheckedOnArrivalPerReceipt, 0.025, "3 batches of 40: the newest of each");
    t.is(runs[1]!.served, 30);
    t.true(runs[1]!.signaturesCheckedToServe >= 27 && runs[1]!.signaturesCheckedToServe <= 30);
    t.true(positive(r, "machineLimit.ed25519VerifyPerCpuSecond.before"));
  },
);

test.serial("orderPath runs: every order delivered, and the book cache on and off agree", async (t) => {
  const r = await result(t, "orderPath.ts", "order-path.json", {
    BENCH_ORDERS: "200",
    BENCH_ACCOUNTS: "10",
    BENCH_BLOCK: "50",
  });
  const runs = at(r, "results") as { bookCache: string; ordersPerTx: number; fingerprint: string; failedTxs: number }[];
  t.true(runs.length >= 4);
  for (const x of runs) t.is(x.failedTxs, 0, `${x.bookCache} at ${x.ordersPerTx}/tx`);
  for (const perTx of new Set(runs.map((x) => x.ordersPerTx))) {
    const prints = new Set(runs.filter((x) => x.ordersPerTx === perTx).map((x) => x.fingerprint));
    t.is(prints.size, 1, `cache on and off differ at ${perTx} orders per tx`);
  }
  t.is(at(r, "machine.nodeV8Flags"), true);
});

test.serial("txPath runs: CheckTx, DeliverTx and indexing timed, against the machine's limit", async (t) => {
  const r = await result(t, "txPath.ts", "tx-path.json", {
    BENCH_TXS: "200",
    BENCH_ACCOUNTS: "10",
    BENCH_BLOCK: "50",
    BENCH_ROUNDS: "1",
  });
  t.true(positive(r, "after.microsPerTx.checkTx"));
  t.true(positive(r, "after.microsPerTx.deliverTx"));
  t.regex(String(at(r, "after.fingerprint")), /^[0-9a-f]{64}$/);
  t.true(positive(r, "limit.secp256k1PerSecondOneThread"));
  t.is(at(r, "machine.nodeV8Flags"), true);
});

test.serial("stateTree runs: commits timed, and the reopened store has the committed root", async (t) => {
  const r = await result(t, "stateTree.ts", "state-tree.json", {
    BENCH_KEYS: "20000",
    BENCH_BLOCKS: "2",
    BENCH_WARMUP: "1",
  });
  t.true(positive(r, "figures.updatesPerSecond"));
  t.is(at(r, "figures.reopenedRootMatches"), true);
  t.true(positive(r, "limit.rocksBatchPutsPerSecond"));
  t.is(at(r, "machine.nodeV8Flags"), true);
});

test.serial("matching runs: the pure engine's operations counted by outcome", async (t) => {
  const r = await result(t, "matching.ts", "matching.json", {
    BENCH_OPS: "50000",
    BENCH_ROUNDS: "1",
    BENCH_RESTING: "10000",
  });
  t.true(positive(r, "figures.opsPerSecond"));
  t.true(positive(r, "figures.outcomes.filled"));
});

test.serial("optionPricing runs", async (t) => {
  const r = await result(t, "optionPricing.ts", "option-pricing.json", { BENCH_MS: "200" });
  t.true(positive(r, "blackScholes.priceAndGreeksPerSecond"));
});

test.serial("verify runs: each scheme on one core and on all of them", async (t) => {
  const r = await result(t, "verify.ts", "verify.json");
  for (const scheme of ["secp256k1", "ed25519-node"]) {
    t.true(positive(r, `figures.${scheme}.perCore`), scheme);
    t.true(positive(r, `figures.${scheme}.allCores`), scheme);
  }
});

test.serial("exitRootCost runs", async (t) => {
  const r = await result(t, "exitRootCost.ts", "exit-root-cost.json");
  const runs = at(r, "runs") as unknown[];
  t.true(runs.length > 0);
  for (const x of runs) t.true(positive(x, "afterFirstCheckpointMs"));
});

test.serial("eventFanout runs: every receipt reaches its own trader, and each dashboard gets a push", async (t) => {
  const r = await result(t, "eventFanout.ts", "event-fanout.json", {
    BENCH_SUBSCRIBERS: "1,5",
    BENCH_EVENTS: "2000",
    BENCH_BLOCKS: "2",
  });
  const receipts = at(r, "receiptPublish") as unknown[];
  t.deepEqual(
    receipts.map((x) => at(x, "subscribers")),
    [1, 5],
  );
  // Event k names the accounts of traders k mod n and (7k + 3) mod n; a trader named twice gets it once.
  const expected = (n: number) =>
    Array.from({ length: 2000 }, (_, i) => i % 1000).reduce((sum, k) => sum + (k % n === (k * 7 + 3) % n ? 1 : 2), 0);
  t.deepEqual(
    receipts.map((x) => at(x, "delivered")),
    [expected(1), expected(5)],
  );
  for (const x of at(r, "newBlockPush") as unknown[]) {
    t.true(positive(x, "msPerBlock"));
    t.true(positive(x, "megabytesPerPush"));
  }
});

test.serial("p2p runs: two hosts on loopback", async (t) => {
  const r = await result(t, "p2p.ts", "p2p.json", { BENCH_SMALL: "2000", BENCH_LARGE: "50", BENCH_PINGS: "50" });
  t.true(positive(r, "figures.small.messagesPerSecond"));
  t.true(positive(r, "figures.roundTripMs.p50"));
});

test.serial("cliStart runs: the built CLI timed against a bare node start", async (t) => {
  const r = await result(t, "cliStart.ts", "cli-start.json", { BENCH_RUNS: "2" });
  t.true(positive(r, "limit.p50"));
  t.true(positive(r, "compiled.help.p50"));
});
