/**
 * `strike l1 deposit|claim`: the user's L1 side of the bridge, straight to the settlement
 * contract with an ethers wallet. Deposits are credited on Strike once validators attest
 * them; claims prove a withdrawal against the root the contract last checkpointed.
 */
import { Command } from "commander";
import { withExamples } from "../help.js";
import { enterExitModeCommand, exitCommand, reclaimDepositsCommand } from "./l1Exit.js";
import { addL1Options, type L1Flags } from "./l1Flags.js";

/** The actions' code (ethers, the bridge queries): loaded only when an l1 command runs. */
const actions = () => import("./l1Actions.js");

function depositCommand(): Command {
  const cmd = addL1Options(
    new Command("deposit")
      .description(
        "Deposit USDC into the settlement contract for a Strike account: approves the contract to take <amount> of the contract's USDC, then deposits. Validators credit the uusdc on Strike once the deposit has their confirmation depth and more than 2/3 of the power attested it (strike query bridge deposit <nonce>).",
      )
      .argument("<amount>", "USDC base units (6 decimals): 5000000000 is 5,000 USDC")
      .requiredOption("--to <strike address>", "Strike account credited"),
  );
  cmd.action(async (amountText: string, o: L1Flags & { to: string }, self: Command) =>
    (await actions()).deposit(amountText, o, self),
  );
  return withExamples(
    cmd,
    "strike l1 deposit 5000000000 --to strike1... --l1-key 0x59c6... --contract 0x5FbDB2315678afecb367f032d93F642f64180aa3",
  );
}

function claimCommand(): Command {
  const cmd = addL1Options(
    new Command("claim")
      .description(
        "Pay a Strike withdrawal on L1: builds its Merkle proof against the withdrawal root the contract last checkpointed (queried from Strike at that height) and calls claimWithdrawal. Fails clearly when the withdrawal is not yet checkpointed or already paid. Anyone may claim; the USDC goes to the withdrawal's L1 recipient.",
      )
      .argument("<withdrawal id>", "id printed by tx bridge withdraw (event `withdrawal`)")
      .option("--rpc <url>", "Strike RPC to build the proof from (default: --node)"),
  );
  cmd.action(async (idText: string, o: L1Flags, self: Command) => (await actions()).claim(idText, o, self));
  return withExamples(cmd, "strike l1 claim 0 --l1-key 0x59c6... --contract 0x5FbDB... --rpc http://127.0.0.1:26657");
}

export function l1Command(): Command {
  const cmd = new Command("l1").description(
    "The L1 settlement contract: deposit USDC, claim withdrawals, and in exit mode claim each account's equity",
  );
  cmd.addCommand(depositCommand());
  cmd.addCommand(claimCommand());
  cmd.addCommand(enterExitModeCommand());
  cmd.addCommand(exitCommand());
  cmd.addCommand(reclaimDepositsCommand());
  return withExamples(cmd, "strike l1 deposit 5000000000 --to strike1... --l1-key <hex> --contract 0x...");
}
