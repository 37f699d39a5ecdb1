/**
 * `strike receipt report receipt.json --from KEY`: reports a broken receipt on chain,
 * commit–reveal: a MsgCommitReport binding the receipt, the reporter and a secret salt, then
 * (after the reveal delay) the MsgReceiptViolation that reveals it with the proof. Whoever sees
 * the reveal cannot take the reward: the earliest commitment is paid.
 */
import { Command } from "commander";
import { withExamples } from "../help.js";
import type { ReportFlags } from "./receiptReportActions.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./receiptReportActions.js");

export function receiptReportCommand(): Command {
  const cmd = new Command("report")
    .description(
      "Report a broken receipt so that its sequencer is slashed and jailed, and you are paid the reporter's share. " +
        "The receipt is checked against the chain first (or against --conflicting, a second receipt of the same slot); " +
        "then the report is sent in two txs: a commitment (a hash of the receipt, your address and a secret salt), and, " +
        "once that is in a block and the reveal delay has passed, the reveal with the proof. Someone who copies the " +
        "reveal from the mempool cannot take the reward: it goes, claim_window blocks after the first valid reveal, " +
        "to the earliest commitment. Exit code 3 when the report was refused",
    )
    .argument(
      "<file>",
      "the broken receipt as JSON (what `strike tx … --wait sequenced --output json` prints, or its `receipt` field)",
    )
    .requiredOption("--from <key>", "key that signs both txs and is paid the reward")
    .option("--conflicting <file>", "a second receipt of the same sequencer for the same slot (equivocation)")
    .option("--fees <coins>", "fee of each of the two txs", "20000ustrike")
    .option("--gas <limit>", "gas limit of each of the two txs", "800000")
    .option("--timeout <duration>", "how long to wait for each tx to be included", "60s")
    .action(async (file: string, flags: ReportFlags, self: Command) =>
      (await actions()).receiptReport(file, flags, self),
    );
  return withExamples(
    cmd,
    "strike receipt report receipt.json --from alice",
    "strike receipt report receipt.json --conflicting other-receipt.json --from alice --yes --output json",
  );
}
