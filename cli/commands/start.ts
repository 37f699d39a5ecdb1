/** `strike start`: run the node until SIGINT/SIGTERM. */
import { Command, Option } from "commander";
import { configFields } from "../../chain/node/configFields.js";
import { BYZANTINE_MODES, type ByzantineMode } from "../../chain/sequencer/byzantine.js";
import { globalOptions } from "../context.js";
import { withExamples } from "../help.js";
import { note } from "../output.js";

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
  cmd.action(async (opts: Record<string, unknown>, self: Command) => {
    const g = globalOptions(self);
    const overrides: Record<string, string> = {};
    for (const [attr, key] of flagToKey) {
      const v = opts[attr];
      if (typeof v === "string") overrides[key] = v;
    }
    const { loadConfig } = await import("../../chain/node/config.js"); // zod: only when a node starts
    const config = loadConfig(g.home, overrides);
    // Loaded on demand: the node pulls in RocksDB and everything else the other commands don't need.
    const { startNode } = await import("../../app/node.js");
    const doubleSign = opts["xDoubleSignForTesting"] === true;
    if (doubleSign) note("WARNING: --x-double-sign-for-testing: this validator will double-sign and be slashed");
    const byzantine = opts["xByzantineSequencerForTesting"] as ByzantineMode | undefined;
    if (byzantine !== undefined)
      note(
        `WARNING: --x-byzantine-sequencer-for-testing ${byzantine}: this validator will break a receipt and be slashed`,
      );
    const node = await startNode({
      home: g.home,
      config,
      doubleSignForTesting: doubleSign,
      ...(byzantine === undefined ? {} : { byzantineSequencerForTesting: byzantine }),
    });
    note(`strike node "${config.moniker}" running; RPC at ${node.rpcUrl}. Ctrl-C to stop.`);
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) {
          note(`${signal} again: exiting without a clean stop`);
          process.exit(1);
        }
        stopping = true;
        note(`${signal} received, stopping…`);
        node.stop().then(resolve, (e: unknown) => {
          note(`error while stopping: ${e instanceof Error ? e.message : String(e)}`);
          process.exitCode = 1;
          resolve();
        });
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    });
    note("stopped");
  });
  return withExamples(
    cmd,
    "strike start --home ~/.strike",
    "strike start --home ./node0 --rpc.laddr tcp://127.0.0.1:26657 --consensus.timeout_commit 200ms",
  );
}
