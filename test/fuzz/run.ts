/**
 * `make fuzz`: runs each fuzz target for FUZZ_INPUTS inputs (default 1,000,000) and writes
 * bench/results/fuzz.json (inputs, crashes, accepted, state changes, duration, date, load
 * average). FUZZ_TARGETS=tx-bytes,json-rpc,p2p-consensus,p2p-blocksync,p2p-receipts,p2p-queries,p2p-relay picks targets; FUZZ_SEED fixes the inputs.
 * Exits non-zero if any target crashed, accepted an input, changed state or let a bad
 * p2p message go unpenalised.
 */
import { loadavg } from "node:os";
import { writeResult } from "../../bench/lib/machine.js";
import { fuzzBlockSyncChannel } from "./blockSyncChannel.js";
import { fuzzConsensusChannel } from "./consensusChannel.js";
import { foreignTo } from "./foreign.js";
import { fuzzJsonRpc } from "./jsonRpc.js";
import { fuzzQueriesChannel } from "./queriesChannel.js";
import { fuzzReceiptsChannel } from "./receiptsChannel.js";
import { fuzzRelayChannel } from "./relayChannel.js";
import type { FuzzStats } from "./stats.js";
import { fuzzTxBytes } from "./txBytes.js";

const inputs = Number(process.env.FUZZ_INPUTS ?? 1_000_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const targets = (
  process.env.FUZZ_TARGETS ?? "tx-bytes,json-rpc,p2p-consensus,p2p-blocksync,p2p-receipts,p2p-queries,p2p-relay"
).split(",");

type Runner = (onProgress: (stats: FuzzStats) => void) => Promise<FuzzStats>;
const runners: Record<string, Runner> = {
  "tx-bytes": (onProgress) => fuzzTxBytes({ inputs, seed, onProgress }),
  "json-rpc": (onProgress) => fuzzJsonRpc({ inputs, seed, onProgress }),
  "p2p-consensus": (onProgress) => fuzzConsensusChannel({ inputs, seed, onProgress }),
  "p2p-blocksync": (onProgress) => fuzzBlockSyncChannel({ inputs, seed, foreign: foreignTo("blocksync"), onProgress }),
  "p2p-receipts": (onProgress) => fuzzReceiptsChannel({ inputs, seed, foreign: foreignTo("receipts"), onProgress }),
  "p2p-queries": (onProgress) => fuzzQueriesChannel({ inputs, seed, foreign: foreignTo("queries"), onProgress }),
  "p2p-relay": (onProgress) => fuzzRelayChannel({ inputs, seed, foreign: foreignTo("relay"), onProgress }),
};

type Result = FuzzStats & { complete: boolean; loadAverageBefore: number[]; loadAverageNow: number[] };
const results: Result[] = [];
const resultName = targets.length === Object.keys(runners).length ? "fuzz" : `fuzz-${targets.join("+")}`;
// Written after every chunk, so that a run cut short still leaves the figures it reached.
const save = (current: Result[]) => {
  if (process.env.FUZZ_WRITE !== "0") writeResult(resultName, { seed, inputsPerTarget: inputs, targets: current });
};
for (const name of targets) {
  const run = runners[name];
  if (run === undefined) throw new TypeError(`unknown fuzz target ${name}; known: ${Object.keys(runners).join(", ")}`);
  const loadAverageBefore = loadavg();
  const stats = await run((partial) =>
    save([...results, { ...partial, complete: false, loadAverageBefore, loadAverageNow: loadavg() }]),
  );
  results.push({ ...stats, complete: true, loadAverageBefore, loadAverageNow: loadavg() });
  console.log(JSON.stringify(results.at(-1)));
  save(results);
}
const bad = results.filter((r) => r.crashes > 0 || r.accepted > 0 || r.stateChanges > 0 || (r.unpenalised ?? 0) > 0);
process.exitCode = bad.length === 0 ? 0 : 1;
