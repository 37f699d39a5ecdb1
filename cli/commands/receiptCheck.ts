/** `strike receipt check receipt.json`: a receipt against the chain (honoured, pending, reverted or VIOLATED). */
import { Command } from "commander";
import { withExamples } from "../help.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./receiptCheckActions.js");

export function receiptCheckCommand(): Command {
  const cmd = new Command("check")
    .description(
      "Check a receipt against the chain: honoured (the block at its height, proposed by its signer, holds its tx at its index with its result and fills), pending (not committed yet), reverted (another validator proposed that height: the sequencer failed and the tx is sequenced again) or VIOLATED (slashable: report it with `strike receipt report`). The signature is verified first. Exit code 3 when violated",
    )
    .argument(
      "<file>",
      "a receipt as JSON (what `strike tx … --wait sequenced --output json` prints, or its `receipt` field)",
    )
    .action(async (file: string, flags: unknown, self: Command) => (await actions()).receiptCheck(file, flags, self));
  return withExamples(
    cmd,
    "strike receipt check receipt.json",
    "strike receipt check receipt.json --node tcp://127.0.0.1:26667 --output json",
  );
}
