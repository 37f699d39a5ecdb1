/** `strike tx …`: sign with a keyring key and broadcast through cosmjs. */
import { Command } from "commander";
import { withExamples } from "../help.js";
import { bridgeTxCommand } from "./bridge.js";
import { oracleTxCommand } from "./oracle.js";
import { slashingTxCommand, stakingTxCommand } from "./staking.js";
import { checkpointTxCommand } from "./checkpoint.js";
import { marginTxCommand, tradeTxCommand } from "./trade.js";
import { addTxOptions, type TxFlags } from "../txSend.js";
import { txStatusCommand } from "./txStatus.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./txActions.js");

function bankSendCommand(): Command {
  const cmd = new Command("send")
    .description("Send coins from a keyring key to an address")
    .argument("<from>", "key name or address of a keyring key")
    .argument("<to>", "recipient bech32 address")
    .argument("<amount>", "coins, e.g. 1000ustrike or 10ustrike,5uusdc");
  addTxOptions(cmd).action(async (from: string, to: string, amountText: string, flags: TxFlags, self: Command) =>
    (await actions()).bankSend(from, to, amountText, flags, self),
  );
  return withExamples(
    cmd,
    "strike tx bank send alice strike1qy352euf40x77qfrg4ncn27dauqjx3t8ztnahv 1000ustrike --yes",
    "strike tx bank send alice strike1... 5uusdc --gas auto --gas-adjustment 1.5 --output json",
  );
}

export function txCommand(): Command {
  const tx = new Command("tx").description("Sign and broadcast transactions");
  withExamples(tx, "strike tx bank send alice strike1... 1000ustrike");
  const bank = new Command("bank").description("Bank module transactions");
  withExamples(bank, "strike tx bank send alice strike1... 1000ustrike");
  bank.addCommand(bankSendCommand());
  tx.addCommand(bank);
  tx.addCommand(tradeTxCommand());
  tx.addCommand(marginTxCommand());
  tx.addCommand(oracleTxCommand());
  tx.addCommand(stakingTxCommand());
  tx.addCommand(slashingTxCommand());
  tx.addCommand(txStatusCommand());
  tx.addCommand(checkpointTxCommand());
  tx.addCommand(bridgeTxCommand());
  return tx;
}
