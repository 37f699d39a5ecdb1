/**
 * Oracle commands: `strike tx oracle submit-prices` and `register-feeder`, `strike query oracle [asset]`,
 * `strike feeder` (the long-running price feeder) and `strike genesis add-oracle-feeder`.
 */
import { Command, Option } from "commander";
import { DEFAULT_GAS } from "../fees.js";
import { withExamples } from "../help.js";
import { addTxOptions, type TxFlags } from "../txSend.js";
import type { FeederFlags } from "./oracleActions.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./oracleActions.js");

export function oracleTxCommand(): Command {
  const oracle = new Command("oracle").description("Oracle transactions");
  const submit = new Command("submit-prices")
    .description("Vote prices as an oracle feeder (counts in this block's weighted median)")
    .argument("<prices>", "comma-separated ASSET=PRICE pairs, e.g. ETH=3001.5,BTC=65000")
    .requiredOption("--from <key>", "feeder key name or address in the keyring");
  addTxOptions(submit).action(async (pricesText: string, flags: TxFlags & { from: string }, self: Command) =>
    (await actions()).oracleTx(pricesText, flags, self),
  );
  oracle.addCommand(
    withExamples(
      submit,
      "strike tx oracle submit-prices ETH=3001.5,BTC=65000 --from feeder --yes",
      "strike tx oracle submit-prices ETH=3001.5 --from feeder --output json",
    ),
  );
  const register = new Command("register-feeder")
    .description(
      "Name the account that votes prices with --from's validator's power, and attests bridge deposits for it: a hot key, so the operator key can stay cold. By default the feeder key of --home (what the node's price feeder and deposit watcher sign with). It replaces the validator's earlier feeder; from then on the operator votes only through it. --from must be a bonded validator's operator. Fund the feeder account first: it pays its own fees",
    )
    .argument("[feeder]", "the feeder's address (default: the address of --home's feeder key file)")
    .requiredOption("--from <key>", "the validator's operator key (name or address)");
  addTxOptions(register).action(async (feeder: string | undefined, flags: TxFlags & { from: string }, self: Command) =>
    (await actions()).registerFeeder(feeder, flags, self),
  );
  oracle.addCommand(
    withExamples(
      register,
      "strike tx oracle register-feeder --from validator --home ./node4",
      "strike tx oracle register-feeder strike1… --from validator",
    ),
  );
  return withExamples(oracle, "strike tx oracle submit-prices ETH=3001.5 --from feeder");
}

function oracleParamsCommand(): Command {
  const cmd = new Command("params")
    .description("The oracle's parameters")
    .action(async (o, self: Command) => (await actions()).oracleParams(o, self));
  return withExamples(cmd, "strike query oracle params --output json");
}

function oracleFeedersCommand(): Command {
  const cmd = new Command("feeders")
    .description(
      "Who votes prices, with weights: the listed feeders of a permissioned oracle, or else the bonded validators by power, each from its operator account or from the feeder account registered for it (validator_feeders)",
    )
    .action(async (o, self: Command) => (await actions()).oracleFeeders(o, self));
  return withExamples(cmd, "strike query oracle feeders");
}

export function oracleQueryCommand(): Command {
  const cmd = new Command("oracle")
    .description("Oracle prices: one asset, or all of them as a table")
    .argument("[asset]", "asset symbol, e.g. ETH (default: all assets)")
    .action(async (assetArg: string | undefined, o: unknown, self: Command) =>
      (await actions()).oraclePrices(assetArg, o, self),
    );
  cmd.addCommand(oracleParamsCommand());
  cmd.addCommand(oracleFeedersCommand());
  return withExamples(
    cmd,
    "strike query oracle",
    "strike query oracle ETH --output json",
    "strike query oracle feeders",
  );
}

export function feederCommand(): Command {
  const cmd = new Command("feeder")
    .description("Run a price feeder: every interval, read prices from a source and submit them")
    .requiredOption("--from <key>", "feeder key name or address in the keyring")
    .option("--assets <list>", "assets to price, comma-separated", "ETH,BTC")
    .addOption(
      new Option("--source <kind>", "sim: seeded random walk from the chain's prices; http: a JSON API")
        .choices(["sim", "http"])
        .default("sim"),
    )
    .option("--interval <duration>", "time between submissions", "1s")
    .option("--seed <n>", "seed of the simulated source", "1")
    .option("--volatility <dec>", "per-step log-return deviation of the simulated source", "0.01")
    .option("--http-url <url>", "JSON endpoint; {asset} and {asset_lower} are replaced per asset")
    .option("--http-field <path>", "dotted path to the price, e.g. data.amount or {asset_lower}.usd")
    .option("--http-timeout <duration>", "per-request timeout of the http source", "5s")
    .option("--fees <coins>", "fee per submission (default: gas × gas price)")
    .option("--gas <limit>", "gas limit per submission", String(DEFAULT_GAS))
    .option("--gas-prices <price>", "price per unit of gas (default 0.025ustrike)")
    .action(async (f: FeederFlags, self: Command) => (await actions()).startFeeder(f, self));
  return withExamples(
    cmd,
    "strike feeder --from feeder --assets ETH,BTC --source sim --interval 1s --seed 42",
    "strike feeder --from feeder --assets ETH --source http --http-url 'https://api.coinbase.com/v2/prices/{asset}-USD/spot' --http-field data.amount",
  );
}

export function genesisAddFeederCommand(): Command {
  const cmd = new Command("add-oracle-feeder")
    .description("Let an account vote oracle prices from genesis on (adds it, or changes its weight)")
    .argument("<address-or-key>", "bech32 address, or the name of a key in the keyring")
    .option("--weight <n>", "voting weight (a positive integer)", "1")
    .action(async (addressOrKey: string, o: { weight: string }, self: Command) =>
      (await actions()).genesisAddFeeder(addressOrKey, o, self),
    );
  return withExamples(
    cmd,
    "strike genesis add-oracle-feeder feeder --keyring-backend test",
    "strike genesis add-oracle-feeder strike1qy352euf40x77qfrg4ncn27dauqjx3t8ztnahv --weight 3",
  );
}
