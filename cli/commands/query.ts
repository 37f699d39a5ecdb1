/** `strike query …`: read chain state through the node's RPC. */
import { bridgeQueryCommand } from "./bridge.js";
import { Command } from "commander";
import { withExamples } from "../help.js";
import { oracleQueryCommand } from "./oracle.js";
import { slashingQueryCommand, stakingQueryCommand } from "./staking.js";
import { checkpointQueryCommand } from "./checkpoint.js";
import { tradingQueryCommands } from "./tradingQueries.js";
import { marketDataQueryCommands } from "./marketData.js";
import { fundingQueryCommand, marginQueryCommand } from "./marginQueries.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./queryActions.js");

function balancesCommand(): Command {
  return withExamples(
    new Command("balances")
      .description("All coin balances of an address")
      .argument("<address>", "bech32 address or keyring key name")
      .action(async (addr: string, o: unknown, self: Command) => (await actions()).queryBalances(addr, o, self)),
    "strike query bank balances strike1qy352euf40x77qfrg4ncn27dauqjx3t8ztnahv",
  );
}

function accountCommand(): Command {
  return withExamples(
    new Command("account")
      .description("An account's number, sequence and public key")
      .argument("<address>", "bech32 address or keyring key name")
      .action(async (addr: string, o: unknown, self: Command) => (await actions()).queryAccount(addr, o, self)),
    "strike query auth account strike1qy352euf40x77qfrg4ncn27dauqjx3t8ztnahv --output json",
  );
}

function txQueryCommand(): Command {
  return withExamples(
    new Command("tx")
      .description("A committed transaction by hash: result, events and decoded messages")
      .argument("<hash>", "hex tx hash")
      .action(async (hash: string, o: unknown, self: Command) => (await actions()).queryTx(hash, o, self)),
    "strike query tx 0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0",
  );
}

export function queryCommand(): Command {
  const q = new Command("query").alias("q").description("Query chain state");
  withExamples(q, "strike query bank balances alice");
  const bank = withExamples(
    new Command("bank").description("Bank module queries"),
    "strike query bank balances strike1...",
  );
  bank.addCommand(balancesCommand());
  const auth = withExamples(
    new Command("auth").description("Auth module queries"),
    "strike query auth account strike1...",
  );
  auth.addCommand(accountCommand());
  q.addCommand(bank);
  q.addCommand(auth);
  q.addCommand(txQueryCommand());
  for (const c of tradingQueryCommands()) q.addCommand(c);
  q.addCommand(fundingQueryCommand());
  q.addCommand(marginQueryCommand());
  for (const c of marketDataQueryCommands()) q.addCommand(c);
  q.addCommand(oracleQueryCommand());
  q.addCommand(stakingQueryCommand());
  q.addCommand(slashingQueryCommand());
  q.addCommand(checkpointQueryCommand());
  q.addCommand(bridgeQueryCommand());
  return q;
}
