/**
 * The escape hatch from the user's side: `strike l1 enter-exit-mode` switches the settlement
 * contract to exit mode once no checkpoint has landed for its exit timeout (anyone may), and
 * `strike l1 exit` pays an account its equity at the contract's last checkpoint, with the
 * Merkle proof Strike kept for that checkpoint (queried at checkpoint height + 1, where the
 * begin block wrote the tree); `strike l1 reclaim-deposits` pays back, in exit mode, the
 * deposits Strike had not credited by the last checkpoint.
 */
import { Command } from "commander";
import { withExamples } from "../help.js";
import { addL1Options, type L1Flags } from "./l1Flags.js";

/** The actions' code (ethers, the bridge queries): loaded only when the command runs. */
const actions = () => import("./l1ExitActions.js");

export function enterExitModeCommand(): Command {
  const cmd = addL1Options(
    new Command("enter-exit-mode").description(
      "Switch the settlement contract to exit mode. Anyone may, but only once no checkpoint has landed for the contract's exit timeout (exitTimeout seconds after the last one, by L1 block time). From then on the contract takes no checkpoint and no deposit; withdrawals already checkpointed stay claimable, and every account can claim its equity at the last checkpoint with `strike l1 exit`. Refused, changing nothing, when it is too early (the error says when it opens) or exit mode is already on.",
    ),
  );
  cmd.action(async (o: L1Flags, self: Command) => (await actions()).enterExitMode(o, self));
  return withExamples(
    cmd,
    "strike l1 enter-exit-mode --l1-key 0x59c6... --contract 0x5FbDB2315678afecb367f032d93F642f64180aa3 --output json",
  );
}

export function reclaimDepositsCommand(): Command {
  const cmd = addL1Options(
    new Command("reclaim-deposits")
      .description(
        "In exit mode, pay back the deposits Strike had not credited by the contract's last checkpoint: their USDC is in no exit claim and no withdrawal, so the contract returns it to the address that deposited. Strike credits deposits in nonce order, and each checkpoint tells the contract up to which nonce (creditedDepositNonce); every deposit of --payer above it is reclaimed, each once (found from the contract's Deposited events from --from-block on). Anyone may submit it; the USDC goes to the payer. Refused, changing nothing, when the contract is not in exit mode or the payer has nothing to reclaim.",
      )
      .option("--payer <0x address>", "the L1 address that made the deposits (default: --l1-key's own address)")
      .option("--from-block <n>", "first L1 block to look for the payer's deposits in", "0"),
  );
  cmd.action(async (o: L1Flags & { payer?: string; fromBlock: string }, self: Command) =>
    (await actions()).reclaimDeposits(o, self),
  );
  return withExamples(
    cmd,
    "strike l1 reclaim-deposits --l1-key 0x59c6... --contract 0x5FbDB... --output json",
    "strike l1 reclaim-deposits --payer 0x90F7... --from-block 19000000 --l1-key 0x59c6... --contract 0x5FbDB...   # pay back another address's deposits (to that address)",
  );
}

export function exitCommand(): Command {
  const cmd = addL1Options(
    new Command("exit")
      .description(
        "In exit mode, pay a Strike account its equity at the contract's last checkpoint: free uusdc plus each margin subaccount's collateral and unrealised PnL at that checkpoint's marks, floored at zero, cut only if all claims together would exceed the USDC bridged (unrealised profits first). Fetches the account's exit leaf and Merkle proof from a Strike node (--node, at the checkpoint height + 1), checks it against the contract's exit root, and calls claimExit; the USDC goes to the account's exit address (tx bridge set-exit-address, its last withdrawal's --to, else its own key's Ethereum address). Each account is paid once. Refused, changing nothing, when the contract is not in exit mode (see strike l1 enter-exit-mode), the claim was already paid, or the account had nothing to claim.",
      )
      .option(
        "--account <strike address|key name>",
        "the Strike account to pay out (default: the account of --l1-key's own key); anyone may submit it",
      ),
  );
  cmd.action(async (o: L1Flags & { account?: string }, self: Command) => (await actions()).exit(o, self));
  return withExamples(
    cmd,
    "strike l1 exit --l1-key 0x59c6... --contract 0x5FbDB... --node tcp://127.0.0.1:26657 --output json",
    "strike l1 exit --account strike1... --l1-key 0x59c6... --contract 0x5FbDB...   # pay another account's claim (to its own exit address)",
  );
}
