/**
 * The bridge from the user's side: `strike tx bridge withdraw|set-exit-address`, `strike
 * query bridge withdrawal|deposit|status|exit-proof`, and on L1 `strike l1 deposit|claim`.
 */
import type { Comet38Client } from "@cosmjs/tendermint-rpc";
import { Command } from "commander";
import type {
  QueryClientImpl as BridgeQuery,
  QueryWithdrawalResponse,
} from "../../chain/codec/generated/strike/bridge/v1/query.js";
import { cometQuerier } from "../../chain/client/comet.js";
import { strikeQueries } from "../../chain/client/queries.js";
import { createQueryRpc, refusal } from "../../chain/client/queryRpc.js";
import { MsgSetExitAddress, MsgWithdraw } from "../../chain/codec/generated/strike/bridge/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { registerError } from "../../chain/types/errors.js";
import { withComet } from "../abciQuery.js";
import { globalOptions, openKeyring } from "../context.js";
import { cliErrors } from "../errors.js";
import { withExamples } from "../help.js";
import { print } from "../output.js";
import { addTxOptions, signAndSend, type TxFlags } from "../txSend.js";

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
};

function uusdcAmount(text: string): string {
  const m = /^(\d+)(uusdc)?$/.exec(text.trim());
  if (m === null || BigInt(m[1]!) === 0n)
    throw cliErrors.badArgument(
      `amount "${text}" must be a positive whole uusdc amount, e.g. 500000000uusdc (500 USDC)`,
    );
  return BigInt(m[1]!).toString();
}

function l1Address(text: string, flag: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text))
    throw cliErrors.badArgument(`${flag} must be 0x and 40 hex digits, got "${text}"`);
  return text.toLowerCase();
}

function wholeNumber(text: string, what: string): bigint {
  if (!/^\d+$/.test(text)) throw cliErrors.badArgument(`${what} must be a whole number, got "${text}"`);
  return BigInt(text);
}

/** The bridge's typed queries at a height (0: latest); the chain's coded errors come back as they are. */
export function bridgeQueries(comet: Comet38Client, height = 0n): BridgeQuery {
  return strikeQueries(createQueryRpc(cometQuerier(comet), { height })).bridge;
}

/** A refused query reads as "not found", with the node's code and log. */
async function orNotFound<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (e) {
    const r = refusal(e);
    if (r === undefined) throw e;
    throw cliErrors.notFound(`${r.log} (code ${r.code}, codespace ${r.codespace || "-"})`);
  }
}

function withdrawalJson(r: QueryWithdrawalResponse) {
  const w = r.withdrawal!;
  return {
    id: w.id.toString(),
    from: w.from,
    l1_recipient: w.l1Recipient,
    amount: w.amount,
    height: w.height.toString(),
    leaf: r.leaf,
    proof: r.proof,
    root: r.root,
    count: r.count.toString(),
  };
}

// ---- strike tx bridge ---------------------------------------------------------------

function withdrawCommand(): Command {
  const cmd = new Command("withdraw")
    .description(
      "Burn uusdc from your free bank balance to be paid in USDC on L1. The withdrawal becomes claimable (strike l1 claim <id>) once a checkpoint covering its block reaches the L1 contract. Margin collateral must first come back with `tx margin withdraw`, which checks your margin.",
    )
    .argument("<amount>", "uusdc, e.g. 500000000uusdc (500 USDC)")
    .requiredOption("--to <0x address>", "L1 address paid (also where your exit claim pays, in exit mode)")
    .requiredOption("--from <key>", "keyring key (name or address) whose uusdc is burned");
  addTxOptions(cmd).action(async (amountText: string, o: TxFlags & { to: string; from: string }, self: Command) => {
    const g = globalOptions(self);
    const amount = uusdcAmount(amountText);
    const to = l1Address(o.to, "--to");
    const from = openKeyring(g).resolve(o.from).address;
    const value = MsgWithdraw.fromPartial({ from, amount, l1Recipient: to });
    await signAndSend(
      g,
      o.from,
      [{ typeUrl: "/strike.bridge.v1.MsgWithdraw", value }],
      o,
      `Withdraw ${amount}uusdc to ${to} on L1`,
    );
  });
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
  addTxOptions(cmd).action(async (addr: string, o: TxFlags & { from: string }, self: Command) => {
    const g = globalOptions(self);
    const l1 = l1Address(addr, "<address>");
    const account = openKeyring(g).resolve(o.from).address;
    const value = MsgSetExitAddress.fromPartial({ account, l1Address: l1 });
    await signAndSend(g, o.from, [{ typeUrl: "/strike.bridge.v1.MsgSetExitAddress", value }], o, `Exit address ${l1}`);
  });
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
    .action(async (idText: string, o: { height: string }, self: Command) => {
      const g = globalOptions(self);
      const id = wholeNumber(idText, "<id>");
      const height = wholeNumber(o.height, "--height");
      const r = await withComet(g, (c) => orNotFound(bridgeQueries(c, height).Withdrawal({ id })));
      print(g.output, withdrawalJson(r));
    });
  return withExamples(cmd, "strike query bridge withdrawal 0 --output json");
}

function depositQueryCommand(): Command {
  const cmd = new Command("deposit")
    .description("Whether L1 deposit <nonce> is credited, and the attesting power per content so far")
    .argument("<nonce>", "the deposit's nonce (printed by strike l1 deposit)")
    .action(async (nonceText: string, _o: unknown, self: Command) => {
      const g = globalOptions(self);
      const nonce = wholeNumber(nonceText, "<nonce>");
      const r = await withComet(g, (c) => orNotFound(bridgeQueries(c).Deposit({ nonce, attester: "" })));
      print(g.output, {
        nonce: nonce.toString(),
        credited: r.credited,
        votes: r.votes.map((v) => ({ content_hash: v.contentHash, power: v.power })),
        ...(r.deposit === undefined
          ? {}
          : { recipient: r.deposit.recipient, amount: r.deposit.amount, l1_tx: r.deposit.l1TxHash }),
      });
    });
  return withExamples(cmd, "strike query bridge deposit 1");
}

function statusQueryCommand(): Command {
  const cmd = new Command("status")
    .description("Bridged supply (credited deposits less withdrawals), counters and the withdrawal root")
    .action(async (_o: unknown, self: Command) => {
      const g = globalOptions(self);
      const r = await withComet(g, (c) => orNotFound(bridgeQueries(c).Status({})));
      print(g.output, {
        bridged_supply: r.bridgedSupply,
        withdrawals: r.withdrawals.toString(),
        withdrawal_root: r.withdrawalRoot,
        deposits_credited: r.depositsCredited.toString(),
        highest_nonce_credited: r.highestNonceCredited.toString(),
      });
    });
  return withExamples(cmd, "strike query bridge status --output json");
}

function exitProofQueryCommand(): Command {
  const cmd = new Command("exit-proof")
    .description(
      "An account's exit claim and its Merkle proof in the exit tree of the last checkpoint recorded at a height: the leaf (account bytes, L1 recipient, equity in uusdc) and proof that the settlement contract's claimExit takes in exit mode (strike l1 exit submits it for you). Checkpoint H's tree is written at height H + 1: to prove against the contract's last checkpoint H, pass --height H+1. Not found when the account had no equity or no L1 address at that checkpoint.",
    )
    .argument("<address>", "Strike account (bech32 address, or a key name in the keyring)")
    .option("--height <n>", "read the exit tree at this height (0: latest; checkpoint H's tree is at H + 1)", "0")
    .action(async (who: string, o: { height: string }, self: Command) => {
      const g = globalOptions(self);
      const height = wholeNumber(o.height, "--height");
      const account = isValidAddress(who) ? who : keyAddress(g, who);
      const r = await withComet(g, async (c) => {
        try {
          return await bridgeQueries(c, height).ExitProof({ account });
        } catch (e) {
          const f = refusal(e);
          if (f === undefined) throw e;
          throw cliErrors.notFound(
            f.codespace === "bridge" && f.code === 12
              ? `${account} has no exit claim at ${height === 0n ? "the latest height" : `height ${height}`}: ${f.log}`
              : `exit proof of ${account}: ${f.log} (code ${f.code}, codespace ${f.codespace || "-"})`,
          );
        }
      });
      print(g.output, {
        account: r.account,
        account_bytes: r.accountBytes,
        recipient: r.recipient,
        equity: r.equity,
        checkpoint_height: r.checkpointHeight.toString(),
        slot: r.slot.toString(),
        leaf: r.leaf,
        proof: r.proof,
        root: r.root,
      });
    });
  return withExamples(
    cmd,
    "strike query bridge exit-proof strike1... --output json",
    "strike query bridge exit-proof alice --height 121   # the tree of checkpoint 120, as the L1 contract holds it",
  );
}

/** A keyring key's address; anything else is neither an address nor a key: a usage error. */
function keyAddress(g: ReturnType<typeof globalOptions>, name: string): string {
  try {
    return openKeyring(g).resolve(name).address;
  } catch {
    throw cliErrors.badArgument(`<address> "${name}" is neither a strike1... address nor a key in the keyring`);
  }
}

export function bridgeQueryCommand(): Command {
  const cmd = new Command("bridge").description("Deposits from and withdrawals to L1, and exit claims");
  for (const make of [withdrawalQueryCommand, depositQueryCommand, statusQueryCommand, exitProofQueryCommand])
    cmd.addCommand(make());
  return withExamples(cmd, "strike query bridge withdrawal 0");
}
