/**
 * The bridge from the user's side: `strike tx bridge withdraw|set-exit-address`, `strike
 * query bridge withdrawal|deposit|status|exit-proof`, and on L1 `strike l1 deposit|claim`.
 */
import { Command } from "commander";
import { registerError } from "../../chain/types/errors.js";
import { withExamples } from "../help.js";
import { addTxOptions, type TxFlags } from "../txSend.js";

/** The actions' code (cosmjs, the bridge codecs): loaded only when a bridge command runs. */
const actions = () => import("./bridgeActions.js");

export const l1CliErrors = {
  notCheckpointed: registerError("l1cli", 1, "withdrawal not yet checkpointed on L1"),
  alreadyPaid: registerError("l1cli", 2, "withdrawal already paid on L1"),
  l1Failed: registerError("l1cli", 3, "L1 transaction failed"),
  notInExitMode: registerError(
    "l1cli",
    4,
    "the settlement contract is not in exit mode: exit claims open only after no checkpoint landed for its exit timeout and someone ran strike l1 enter-exit-mode",
  ),
  exitAlreadyClaimed: registerError("l1cli", 5, "this account's exit claim was already paid on L1"),
  noExitEquity: registerError("l1cli", 6, "nothing to claim: the account had no equity at the last checkpoint"),
  exitTooEarly: registerError("l1cli", 7, "too early for exit mode: a checkpoint landed within the exit timeout"),
  alreadyInExitMode: registerError("l1cli", 8, "the settlement contract is already in exit mode"),
  nothingToReclaim: registerError(
    "l1cli",
    9,
    "no deposit to reclaim: every deposit of this payer was credited on Strike by the last checkpoint (its USDC is in an exit claim) or was reclaimed already",
  ),
  depositRefused: registerError("l1cli", 10, "the deposit cannot be made: nothing was sent to L1"),
};

// ---- strike tx bridge ---------------------------------------------------------------

function withdrawCommand(): Command {
  const cmd = new Command("withdraw")
    .description(
      "Burn uusdc from your free bank balance to be paid in USDC on L1. The withdrawal becomes claimable (strike l1 claim <id>) once a checkpoint covering its block reaches the L1 contract. Margin collateral must first come back with `tx margin withdraw`, which checks your margin.",
    )
    .argument("<amount>", "uusdc, e.g. 500000000uusdc (500 USDC)")
    .requiredOption("--to <0x address>", "L1 address paid (also where your exit claim pays, in exit mode)")
    .requiredOption("--from <key>", "keyring key (name or address) whose uusdc is burned");
  addTxOptions(cmd).action(async (amountText: string, o: TxFlags & { to: string; from: string }, self: Command) =>
    (await actions()).withdraw(amountText, o, self),
  );
  return withExamples(
    cmd,
    "strike tx bridge withdraw 500000000uusdc --to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --from alice --yes",
  );
}

function setExitAddressCommand(): Command {
  const cmd = new Command("set-exit-address")
    .description("Choose the L1 address your equity is paid to if the L1 contract enters exit mode")
    .argument("<0x address>", "L1 address")
    .requiredOption("--from <key>", "keyring key (name or address)");
  addTxOptions(cmd).action(async (addr: string, o: TxFlags & { from: string }, self: Command) =>
    (await actions()).setExitAddress(addr, o, self),
  );
  return withExamples(cmd, "strike tx bridge set-exit-address 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --from alice");
}

export function bridgeTxCommand(): Command {
  const cmd = new Command("bridge").description("Withdraw uusdc to L1 (USDC) through the settlement contract");
  cmd.addCommand(withdrawCommand());
  cmd.addCommand(setExitAddressCommand());
  return withExamples(cmd, "strike tx bridge withdraw 500000000uusdc --to 0x... --from alice");
}

// ---- strike query bridge ------------------------------------------------------------

function withdrawalQueryCommand(): Command {
  const cmd = new Command("withdrawal")
    .description("A withdrawal and its Merkle proof against the withdrawal root at a height (default: latest)")
    .argument("<id>", "withdrawal id (printed by tx bridge withdraw, event `withdrawal`)")
    .option("--height <n>", "prove against the root at this height (0: latest)", "0")
    .action(async (idText: string, o: { height: string }, self: Command) =>
      (await actions()).withdrawalQuery(idText, o, self),
    );
  return withExamples(cmd, "strike query bridge withdrawal 0 --output json");
}

function depositQueryCommand(): Command {
  const cmd = new Command("deposit")
    .description(
      "Whether L1 deposit <nonce> is credited (or past 2/3 and waiting for the nonce before it: deposits are credited in nonce order), and the attesting power per content so far",
    )
    .argument("<nonce>", "the deposit's nonce (printed by strike l1 deposit)")
    .action(async (nonceText: string, o: unknown, self: Command) => (await actions()).depositQuery(nonceText, o, self));
  return withExamples(cmd, "strike query bridge deposit 1");
}

function statusQueryCommand(): Command {
  const cmd = new Command("status")
    .description("Bridged supply (credited deposits less withdrawals), counters and the withdrawal root")
    .action(async (o: unknown, self: Command) => (await actions()).statusQuery(o, self));
  return withExamples(cmd, "strike query bridge status --output json");
}

function exitProofQueryCommand(): Command {
  const cmd = new Command("exit-proof")
    .description(
      "An account's exit claim and its Merkle proof in the exit tree of the last checkpoint recorded at a height: the leaf (account bytes, L1 recipient, equity in uusdc) and proof that the settlement contract's claimExit takes in exit mode (strike l1 exit submits it for you). Checkpoint H's tree is written at height H + 1: to prove against the contract's last checkpoint H, pass --height H+1. Not found when the account had no equity or no L1 address at that checkpoint.",
    )
    .argument("<address>", "Strike account (bech32 address, or a key name in the keyring)")
    .option("--height <n>", "read the exit tree at this height (0: latest; checkpoint H's tree is at H + 1)", "0")
    .action(async (who: string, o: { height: string }, self: Command) =>
      (await actions()).exitProofQuery(who, o, self),
    );
  return withExamples(
    cmd,
    "strike query bridge exit-proof strike1... --output json",
    "strike query bridge exit-proof alice --height 121   # the tree of checkpoint 120, as the L1 contract holds it",
  );
}

export function bridgeQueryCommand(): Command {
  const cmd = new Command("bridge").description("Deposits from and withdrawals to L1, and exit claims");
  for (const make of [withdrawalQueryCommand, depositQueryCommand, statusQueryCommand, exitProofQueryCommand])
    cmd.addCommand(make());
  return withExamples(cmd, "strike query bridge withdrawal 0");
}
