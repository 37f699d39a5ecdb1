/** `strike start`: run the node until SIGINT/SIGTERM. */
import { setFlagsFromString } from "node:v8";
import { Command, InvalidArgumentError, Option } from "commander";
import { parseDuration } from "../../chain/node/duration.js";
import { NODE_V8_FLAGS, missingNodeEnv, missingV8Flags } from "../../chain/node/v8Flags.js";
import { configFields } from "../../chain/node/configFields.js";
import { BYZANTINE_MODES, type ByzantineMode } from "../../chain/sequencer/byzantineModes.js";
import { globalOptions } from "../globalOptions.js";
import { withExamples } from "../help.js";
import { note } from "../output.js";
import { listenForStop, type StopSignals } from "../stopSignals.js";

export function startCommand(): Command {
  const cmd = new Command("start").description("Run the node with the config, keys and genesis of --home");
  // Every config setting can be overridden by a flag named like its TOML key.
  const flagToKey = new Map<string, string>();
  for (const f of configFields) {
    const opt = new Option(`--${f.key} <value>`, `${f.description} (${f.file} ${f.key})`);
    flagToKey.set(opt.attributeName(), f.key);
    cmd.addOption(opt);
  }
  cmd.addOption(
    new Option(
      "--x-double-sign-for-testing",
      "TESTS ONLY: sign conflicting prevotes, to be caught and slashed",
    ).hideHelp(),
  );
  cmd.addOption(
    new Option(
      "--x-byzantine-sequencer-for-testing <mode>",
      "TESTS ONLY: as sequencer, break one receipt (drop, reorder or equivocate), to be caught and slashed",
    )
      .choices([...BYZANTINE_MODES])
      .hideHelp(),
  );
  cmd.addOption(
    new Option(
      "--x-clock-skew-for-testing <duration>",
      "TESTS ONLY: run consensus on a wall clock this far ahead (+30s) or behind (-30s); give it as --x-clock-skew-for-testing=-30s",
    )
      .argParser(parseSkew)
      .hideHelp(),
  );
  cmd.addOption(
    new Option(
      "--x-disk-full-after-height-for-testing <height>",
      "TESTS ONLY: every database write fails as on a full disk once this height is stored",
    )
      .argParser(parseHeight)
      .hideHelp(),
  );
  cmd.action(async (opts: Record<string, unknown>, self: Command) => {
    // From here on a Ctrl-C is a request to stop cleanly, even while the node is starting.
    const signals = listenForStop({ note });
    try {
      await runNode(opts, self, flagToKey, signals);
    } finally {
      signals.dispose();
    }
  });
  return withExamples(
    cmd,
    "strike start --home ~/.strike",
    "strike start --home ./node0 --rpc.laddr tcp://127.0.0.1:26657 --consensus.timeout_commit 200ms",
  );
}

/** Starts the node and runs it until a signal (one that came while it started stops it at once). */
async function runNode(
  opts: Record<string, unknown>,
  self: Command,
  flagToKey: ReadonlyMap<string, string>,
  signals: StopSignals,
): Promise<void> {
  const g = globalOptions(self);
  const overrides: Record<string, string> = {};
  for (const [attr, key] of flagToKey) {
    const v = opts[attr];
    if (typeof v === "string") overrides[key] = v;
  }
  const { loadConfig } = await import("../../chain/node/config.js"); // zod: only when a node starts
  const config = loadConfig(g.home, overrides);
  // V8 lets a busy node's heap grow to 3-4 times its live data before a full collection
  // (a soak's node held ~200 MB live in a heap of ~770 MB, RSS 1.1 GB); a bounded growth
  // keeps the node's memory near what it actually holds. V8 reads the flag at every full
  // collection, so setting it here, after start-up, takes effect (the soak's RSS shows it).
  if (config.app.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.app.heapGrowingPercent}`);
  const missing = missingV8Flags(process.execArgv, process.env["NODE_OPTIONS"]);
  if (missing.length > 0)
    note(
      `note: node runs without ${missing.join(" ")}, which gives a busy validator ~8% more throughput; ` +
        `start it as \`npx strike start\` or \`node ${NODE_V8_FLAGS.join(" ")} bin/strike.js start\``,
    );
  const missingEnv = missingNodeEnv(process.env);
  if (missingEnv.length > 0)
    note(
      `note: node runs without ${missingEnv.join(" ")} in its environment, which gives RocksDB's freed memtables ` +
        `back to the system (a busy validator's memory grows less); start it as \`npx strike start\` or ` +
        `\`${missingEnv.join(" ")} node ... bin/strike.js start\``,
    );
  // Loaded on demand: the node pulls in RocksDB and everything else the other commands don't need.
  const { startNode } = await import("../../app/node.js");
  if (signals.received !== undefined) {
    note("stopped before the node started");
    return;
  }
  const doubleSign = opts["xDoubleSignForTesting"] === true;
  if (doubleSign) note("WARNING: --x-double-sign-for-testing: this validator will double-sign and be slashed");
  const byzantine = opts["xByzantineSequencerForTesting"] as ByzantineMode | undefined;
  if (byzantine !== undefined)
    note(
      `WARNING: --x-byzantine-sequencer-for-testing ${byzantine}: this validator will break a receipt and be slashed`,
    );
  const skewMs = opts["xClockSkewForTesting"] as number | undefined;
  if (skewMs !== undefined)
    note(`WARNING: --x-clock-skew-for-testing: consensus reads a clock ${skewMs} ms off the real one`);
  const diskFullAfter = opts["xDiskFullAfterHeightForTesting"] as bigint | undefined;
  if (diskFullAfter !== undefined)
    note(`WARNING: --x-disk-full-after-height-for-testing: database writes fail past height ${diskFullAfter}`);
  const node = await startNode({
    home: g.home,
    config,
    doubleSignForTesting: doubleSign,
    ...(byzantine === undefined ? {} : { byzantineSequencerForTesting: byzantine }),
    ...(skewMs === undefined ? {} : { clockSkewMsForTesting: skewMs }),
    ...(diskFullAfter === undefined ? {} : { diskFullAfterHeightForTesting: diskFullAfter }),
  });
  // A signal that came while it started stops it now; otherwise it runs until one comes.
  if (signals.received === undefined)
    note(`strike node "${config.moniker}" running; RPC at ${node.rpcUrl}. Ctrl-C to stop.`);
  await signals.first;
  try {
    await node.stop();
  } catch (e) {
    note(`error while stopping: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
  note("stopped");
}

/** "+30s", "-30s", "1500ms": signed Go-style durations in ms. */
function parseSkew(value: string): number {
  const sign = value.startsWith("-") ? -1 : 1;
  const ms = parseDuration(value.replace(/^[+-]/, ""));
  if (ms === undefined) throw new InvalidArgumentError(`expected a duration such as +30s or -30s, got "${value}"`);
  return sign * ms;
}

function parseHeight(value: string): bigint {
  if (!/^[1-9]\d*$/.test(value))
    throw new InvalidArgumentError(`expected a height (a positive integer), got "${value}"`);
  return BigInt(value);
}
