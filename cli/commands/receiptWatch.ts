/** `strike receipt watch [address]`: receipts as the node signs or relays them, with the positions they move. */
import { Command } from "commander";
import { withExamples } from "../help.js";

/** The actions' code, loaded only when this command runs (`--help` never loads it). */
const actions = () => import("./receiptWatchActions.js");

export function receiptWatchCommand(): Command {
  const cmd = new Command("watch")
    .description(
      'Follow receipts as the node signs or relays them (soft finality: before the block commits). With an address or key name: that account\'s txs and every tx that traded with its resting orders, so a market maker learns at once that a quote was hit. Each fill names both owners; each position a receipt moves is shown by finality tier: committed, soft (on receipts only) and, when the node reads L1 checkpoints, checkpointed. Every receipt is checked here, not trusted to the node: the sequencer\'s signature, and its fills against the result it promises; one that fails is marked NOT A VALID PROMISE (json: "check": {"valid": false, "problem"}). Text: a few lines per receipt; json: one object per line (the websocket event\'s value with "check"). Runs until Ctrl-C, --count or --timeout',
    )
    .argument("[address]", "an address or key name; all receipts when left out")
    .option("--stage <stage>", "only receipts reaching this stage: sequenced, rejected, committed or reverted")
    .option("--count <n>", "stop after this many receipts")
    .option(
      "--timeout <duration>",
      "stop after this long: 30s, 5m (a bare number is seconds; exit code 0: a quiet market is not an error)",
    )
    .action(
      async (address: string | undefined, flags: { stage?: string; count?: string; timeout?: string }, self: Command) =>
        (await actions()).receiptWatch(address, flags, self),
    );
  return withExamples(
    cmd,
    "strike receipt watch mm",
    "strike receipt watch strike1… --stage sequenced --output json",
    "strike receipt watch --count 10 --node tcp://127.0.0.1:26667",
  );
}
