/**
 * `strike query checkpoint latest|<height>` (a checkpoint, its signers and status) and
 * `strike tx checkpoint register-eth-key` (a validator created after genesis registers the
 * Ethereum key it signs checkpoints with), `strike tx checkpoint register-bls-key` (its
 * BLS key, for the bls scheme).
 */
import { Command } from "commander";
import { BLS_KEY_FILE, ETH_KEY_FILE } from "../../chain/node/keyFiles.js";
import { withExamples } from "../help.js";
import { addTxOptions } from "../txSend.js";
import type { RegisterBlsFlags, RegisterFlags } from "./checkpointActions.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./checkpointActions.js");

export function checkpointQueryCommand(): Command {
  const cmd = new Command("checkpoint")
    .description(
      "A state checkpoint for Ethereum: height, app hash, block hash, bridge roots, who signed with what power, and whether more than 2/3 signed",
    )
    .argument("<which>", '"latest" or a height')
    .action(async (which: string, o: unknown, self: Command) => (await actions()).showCheckpoint(which, o, self));
  return withExamples(cmd, "strike query checkpoint latest", "strike query checkpoint 120 --output json");
}

export function checkpointTxCommand(): Command {
  const cmd = new Command("checkpoint").description("Checkpoint transactions");
  const register = addTxOptions(
    new Command("register-eth-key")
      .description(
        "Register the Ethereum key --from's validator signs checkpoints with (once per validator; an address can belong to one validator only)",
      )
      .requiredOption("--from <key>", "the validator's operator key (name or address)")
      .option("--eth-key-file <path>", `the Ethereum key file (default: --home's ${ETH_KEY_FILE})`),
  );
  register.action(async (o: RegisterFlags, self: Command) => (await actions()).registerEthKey(o, self));
  cmd.addCommand(withExamples(register, "strike tx checkpoint register-eth-key --from validator --home ./node4"));
  const registerBls = addTxOptions(
    new Command("register-bls-key")
      .description(
        "Register the BLS12-381 key --from's validator signs checkpoints with under the bls scheme, with its proof of possession (once per validator; a key can belong to one validator only)",
      )
      .requiredOption("--from <key>", "the validator's operator key (name or address)")
      .option("--bls-key-file <path>", `the BLS key file (default: --home's ${BLS_KEY_FILE})`),
  );
  registerBls.action(async (o: RegisterBlsFlags, self: Command) => (await actions()).registerBlsKey(o, self));
  cmd.addCommand(withExamples(registerBls, "strike tx checkpoint register-bls-key --from validator --home ./node4"));
  return withExamples(cmd, "strike tx checkpoint register-eth-key --from validator --home ./node4");
}
