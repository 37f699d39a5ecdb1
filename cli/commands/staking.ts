/**
 * `strike tx staking …`, `strike tx slashing unjail`, `strike query staking …` and
 * `strike query slashing …`: validators, delegations, rewards and signing infos.
 */
import { Command, Option } from "commander";
import { withExamples } from "../help.js";
import { addTxOptions } from "../txSend.js";
import type { FromFlags } from "./stakingActions.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./stakingActions.js");

function fromOption(cmd: Command): Command {
  return addTxOptions(cmd.requiredOption("--from <key>", "keyring key (name or address) that signs"));
}

function createValidatorCommand(): Command {
  const cmd = fromOption(
    new Command("create-validator")
      .description(
        "Create a validator operated by --from, bonding its self-delegation. Two blocks after the block that includes it, the node holding the consensus key (--pubkey; by default --home's) votes, proposes and sequences, with no restart. Then register its feeder key (strike tx oracle register-feeder) and its Ethereum key (strike tx checkpoint register-eth-key)",
      )
      .requiredOption("--amount <coin>", "self-delegation, e.g. 1000000000ustrike")
      .option("--pubkey <key>", "consensus key: base64 ed25519, or a priv_validator_key.json path (default: --home's)")
      .requiredOption("--moniker <name>", "the validator's public name")
      .option("--commission-rate <rate>", "share of rewards kept as commission", "0.1")
      .option("--commission-max-rate <rate>", "highest rate it may ever set", "0.2")
      .option("--commission-max-change-rate <rate>", "largest change per edit (one edit per day)", "0.01"),
  );
  cmd.action(async (o: FromFlags & Record<string, string>, self: Command) =>
    (await actions()).createValidator(o, self),
  );
  return withExamples(
    cmd,
    "strike tx staking create-validator --amount 1000000000ustrike --moniker val1 --commission-rate 0.1 --from val",
    "strike tx staking create-validator --amount 5000000000ustrike --pubkey ~/.strike/config/priv_validator_key.json --moniker val2 --from val2",
  );
}

function editValidatorCommand(): Command {
  const cmd = fromOption(
    new Command("edit-validator")
      .description("Change the moniker and/or commission rate of --from's validator")
      .option("--moniker <name>", "new public name")
      .option("--commission-rate <rate>", "new rate, within the max change of the old one"),
  );
  cmd.action(async (o: FromFlags & { moniker?: string; commissionRate?: string }, self: Command) =>
    (await actions()).editValidator(o, self),
  );
  return withExamples(cmd, "strike tx staking edit-validator --commission-rate 0.09 --from val");
}

function delegationCommand(name: "delegate" | "unbond"): Command {
  const cmd = fromOption(
    new Command(name)
      .description(
        name === "delegate"
          ? "Bond tokens of --from to a validator"
          : "Start unbonding tokens from a validator; they are paid out after the unbonding time",
      )
      .argument("<validator>", "the validator's operator address (or a keyring key name)")
      .argument("<amount>", "e.g. 1000000ustrike"),
  );
  cmd.action(async (validatorArg: string, amountText: string, o: FromFlags, self: Command) =>
    (await actions()).delegation(name, validatorArg, amountText, o, self),
  );
  return withExamples(cmd, `strike tx staking ${name} strike1... 1000000ustrike --from alice`);
}

function withdrawRewardsCommand(): Command {
  const cmd = fromOption(
    new Command("withdraw-rewards")
      .description("Withdraw --from's rewards from a validator (and its commission when --from operates it)")
      .argument("<validator>", "the validator's operator address (or a keyring key name)"),
  );
  cmd.action(async (validatorArg: string, o: FromFlags, self: Command) =>
    (await actions()).withdrawRewards(validatorArg, o, self),
  );
  return withExamples(cmd, "strike tx staking withdraw-rewards strike1... --from alice");
}

export function stakingTxCommand(): Command {
  const cmd = new Command("staking").description("Validators, delegations and rewards");
  for (const c of [
    createValidatorCommand(),
    editValidatorCommand(),
    delegationCommand("delegate"),
    delegationCommand("unbond"),
    withdrawRewardsCommand(),
  ])
    cmd.addCommand(c);
  return withExamples(cmd, "strike tx staking delegate strike1... 1000000ustrike --from alice");
}

export function slashingTxCommand(): Command {
  const cmd = new Command("slashing").description("Slashing transactions");
  const unjail = fromOption(
    new Command("unjail").description("Return --from's validator to the candidates once its jail time is over"),
  );
  unjail.action(async (o: FromFlags, self: Command) => (await actions()).slashingTx(o, self));
  cmd.addCommand(withExamples(unjail, "strike tx slashing unjail --from val"));
  return withExamples(cmd, "strike tx slashing unjail --from val");
}

function validatorsCommand(): Command {
  return withExamples(
    new Command("validators")
      .description("Every validator, by tokens, with status, power and commission")
      .addOption(new Option("--status <status>", "only bonded or unbonded ones").choices(["bonded", "unbonded"]))
      .action(async (o: { status?: string }, self: Command) => (await actions()).showValidators(o, self)),
    "strike query staking validators",
    "strike query staking validators --status bonded --output json",
  );
}

function delegationsCommand(): Command {
  return withExamples(
    new Command("delegations")
      .description("A delegator's delegations with their worth and pending rewards, and its unbonding entries")
      .argument("<delegator>", "bech32 address or keyring key name")
      .action(async (who: string, o: unknown, self: Command) => (await actions()).showDelegations(who, o, self)),
    "strike query staking delegations alice",
    "strike query staking delegations strike1... --output json",
  );
}

export function stakingQueryCommand(): Command {
  const cmd = new Command("staking").description("Staking queries");
  cmd.addCommand(validatorsCommand());
  cmd.addCommand(delegationsCommand());
  return withExamples(cmd, "strike query staking validators");
}

export function slashingQueryCommand(): Command {
  const cmd = new Command("slashing").description("Slashing queries");
  const signingInfo = new Command("signing-info")
    .description("A validator's liveness record: missed blocks, jail time, tombstone")
    .argument("<validator>", "consensus address (hex), operator address, or keyring key name")
    .action(async (who: string, o: unknown, self: Command) => (await actions()).slashingQuery(who, o, self));
  cmd.addCommand(
    withExamples(
      signingInfo,
      "strike query slashing signing-info val",
      "strike query slashing signing-info 0A1B2C3D4E5F60718293A4B5C6D7E8F901234567",
    ),
  );
  return withExamples(cmd, "strike query slashing signing-info val");
}
