/** `strike receipt …`: soft-finality receipts, checked offline, against the chain, and reported when broken. */
import { readReceiptFile } from "./receiptFile.js";
import { Command } from "commander";
import { globalOptions } from "../globalOptions.js";
import { cliErrors } from "../errors.js";
import { withExamples } from "../help.js";
import { print } from "../output.js";
import { receiptCheckCommand } from "./receiptCheck.js";
import { receiptReportCommand } from "./receiptReport.js";
import { receiptReportsCommand } from "./receiptReports.js";
import { receiptWatchCommand } from "./receiptWatch.js";

function verifyCommand(): Command {
  const cmd = new Command("verify")
    .description(
      "Check a receipt offline: its ed25519 signature over the domain-separated sign bytes, its chain, that its signer is the sequencer it names (or --sequencer), and that its fills are the trades of the result it promises. Exit code 3 for a signed receipt that contradicts itself (a slashable lie: `strike receipt report` it)",
    )
    .argument(
      "<file>",
      "a receipt as JSON (what `strike tx … --wait sequenced --output json` prints, or its `receipt` field)",
    )
    .option("--sequencer <address>", "hex consensus address the receipt must come from (see `strike status`)")
    .action(async (file: string, flags: { sequencer?: string }, self: Command) => {
      // Loaded by this action only, so that other commands start without the receipt code.
      const [{ verifyReceiptJson }, { decodedReceiptJson }, { falseFills }] = await Promise.all([
        import("../../chain/sequencer/client.js"),
        import("../../chain/sequencer/receiptJson.js"),
        import("../../chain/sequencer/receiptTrades.js"),
      ]);
      const g = globalOptions(self);
      const inner = readReceiptFile(file);
      if (flags.sequencer !== undefined && !/^[0-9A-Fa-f]{40}$/.test(flags.sequencer))
        throw cliErrors.badArgument(`--sequencer must be 40 hex characters, got "${flags.sequencer}"`);
      const receipt = verifyReceiptJson(inner, {
        ...(g.chainId === undefined ? {} : { chainId: g.chainId }),
        ...(flags.sequencer === undefined ? {} : { sequencerAddress: flags.sequencer }),
      });
      const decoded = decodedReceiptJson(receipt);
      // Signed, but contradicting the result it promises: a lie to report, not a valid promise.
      const lie = falseFills(receipt);
      if (lie !== undefined) {
        print(g.output, { valid: false, signature_valid: true, contradiction: lie, receipt: decoded }, () =>
          [
            `INVALID: signed by ${String(decoded["sequencer_address"])}, but the receipt contradicts itself: ${lie}`,
            `  a slashable lie: report it with \`strike receipt report ${file} --from KEY\``,
          ].join("\n"),
        );
        process.exitCode = 3;
        return;
      }
      print(g.output, { valid: true, receipt: decoded }, () =>
        [
          `valid receipt signed by ${String(decoded["sequencer_address"])}`,
          `  chain ${receipt.chainId}, height ${receipt.height}, index ${receipt.index}, epoch ${receipt.epoch}`,
          `  tx ${String(decoded["tx_hash"])}: ${String(decoded["status"])}, code ${receipt.code}, ${receipt.fills.length} fill(s)`,
          // The orders it placed, from the result the receipt carries (proven by its result hash).
          ...(decoded["orders"] as { order_id: string; status: string }[]).map(
            (o) => `  order ${o.order_id}: ${o.status}`,
          ),
        ].join("\n"),
      );
    });
  return withExamples(
    cmd,
    "strike receipt verify receipt.json",
    "strike receipt verify receipt.json --sequencer 1B2C…(40 hex) --chain-id strike-local-1",
  );
}

export function receiptCommand(): Command {
  const cmd = new Command("receipt").description("Soft-finality receipts signed by the sequencer");
  withExamples(
    cmd,
    "strike receipt verify receipt.json",
    "strike receipt check receipt.json",
    "strike receipt report receipt.json --from alice",
    "strike receipt reports alice",
    "strike receipt watch mm",
  );
  cmd.addCommand(verifyCommand());
  cmd.addCommand(receiptCheckCommand());
  cmd.addCommand(receiptReportCommand());
  cmd.addCommand(receiptReportsCommand());
  cmd.addCommand(receiptWatchCommand());
  return cmd;
}
