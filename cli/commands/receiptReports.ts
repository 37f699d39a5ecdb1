/**
 * `strike receipt reports [reporter]`: what a reporter has pending on chain — its report
 * commitments with the heights their reveal is accepted at, and the reward claims not paid
 * yet (with a reporter, only its own; without, every claim).
 */
import { Command } from "commander";
import { withExamples } from "../help.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./receiptReportsActions.js");

export function receiptReportsCommand(): Command {
  const cmd = new Command("reports")
    .description(
      "Show pending receipt reports: a reporter's commitments (revealable from / until which height, revealed or not) " +
        "and the reward claims not paid yet, with the height each is paid at. Without a reporter: every unpaid claim",
    )
    .argument("[reporter]", "address or key name of the reporter")
    .action(async (reporterArg: string | undefined, flags: unknown, self: Command) =>
      (await actions()).showReceiptReports(reporterArg, flags, self),
    );
  return withExamples(cmd, "strike receipt reports alice", "strike receipt reports --output json");
}
