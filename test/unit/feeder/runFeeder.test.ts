import test from "ava";
import { decFromString, type Dec } from "../../../chain/types/fixed/index.js";
import { feederErrors, runFeeder, type PriceSource, type Submission } from "../../../feeder/index.js";

function countingSource(failOn: number[] = []): PriceSource {
  let round = 0;
  return {
    prices(assets) {
      round++;
      if (failOn.includes(round)) return Promise.reject(feederErrors.unreachable(`round ${round}`));
      return Promise.resolve(new Map(assets.map((a) => [a, decFromString(String(100 + round))])));
    },
  };
}

test("every round submits the source's prices and logs one line", async (t) => {
  const submitted: Map<string, Dec>[] = [];
  const lines: string[] = [];
  let seq = 10n;
  const stats = await runFeeder({
    source: countingSource(),
    assets: ["ETH", "BTC"],
    intervalMs: 1,
    submit: (p): Promise<Submission> => {
      submitted.push(new Map(p));
      return Promise.resolve({ txhash: `H${seq}`, sequence: seq++ });
    },
    signal: new AbortController().signal,
    log: (l) => lines.push(l),
    maxRounds: 3,
  });
  t.deepEqual(stats, { rounds: 3, submitted: 3, failed: 0 });
  t.deepEqual(
    submitted.map((m) => m.get("ETH")),
    [decFromString("101"), decFromString("102"), decFromString("103")],
  );
  t.deepEqual(lines, [
    "submitted ETH=101 BTC=101 sequence=10 tx=H10",
    "submitted ETH=102 BTC=102 sequence=11 tx=H11",
    "submitted ETH=103 BTC=103 sequence=12 tx=H12",
  ]);
});

test("a failing round is logged and skipped; the next round still runs", async (t) => {
  const lines: string[] = [];
  let rejectOnce = true;
  const stats = await runFeeder({
    source: countingSource([2]),
    assets: ["ETH"],
    intervalMs: 1,
    submit: () => {
      if (rejectOnce) {
        rejectOnce = false;
        return Promise.reject(new Error("node busy"));
      }
      return Promise.resolve({ txhash: "H", sequence: 1n });
    },
    signal: new AbortController().signal,
    log: (l) => lines.push(l),
    maxRounds: 4,
  });
  t.deepEqual(stats, { rounds: 4, submitted: 2, failed: 2 });
  t.regex(lines[0]!, /^round 1 skipped: node busy/);
  t.regex(lines[1]!, /^round 2 skipped: round 2: price source unreachable/);
  t.regex(lines[2]!, /^submitted ETH=103/);
});

test("a reason that repeats every round is logged once, not every round; another reason is logged at once", async (t) => {
  const lines: string[] = [];
  let round = 0;
  const stats = await runFeeder({
    source: countingSource(),
    assets: ["ETH"],
    intervalMs: 1,
    submit: () => {
      round++;
      return Promise.reject(new Error(round <= 50 ? "account not found" : "node busy"));
    },
    signal: new AbortController().signal,
    log: (l) => lines.push(l),
    maxRounds: 52,
  });
  t.is(stats.failed, 52);
  t.deepEqual(lines, ["round 1 skipped: account not found", "round 51 skipped: node busy"]);
});

test("aborting stops the loop during its wait, without another round", async (t) => {
  const stop = new AbortController();
  let rounds = 0;
  const started = Date.now();
  const run = runFeeder({
    source: countingSource(),
    assets: ["ETH"],
    intervalMs: 60_000,
    submit: () => {
      rounds++;
      return Promise.resolve({ txhash: "H", sequence: 0n });
    },
    signal: stop.signal,
    log: () => undefined,
  });
  setTimeout(() => stop.abort(), 50);
  const stats = await run;
  t.is(rounds, 1);
  t.is(stats.rounds, 1);
  t.true(Date.now() - started < 5000);
});
