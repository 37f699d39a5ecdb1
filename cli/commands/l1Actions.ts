/** What `strike l1 deposit|claim` do when they run (l1.ts defines them). */
import type { Command } from "commander";
import { Contract, hexlify } from "ethers";
import type { QueryWithdrawalResponse } from "../../chain/codec/generated/strike/bridge/v1/query.js";
import { refusal } from "../../chain/client/queryRpc.js";
import { bech32ToAddressBytes, isValidAddress } from "../../chain/crypto/address.js";
import { loadArtifact } from "../../chain/l1/artifacts.js";
import { withComet } from "../abciQuery.js";
import { globalOptions, type GlobalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { print } from "../output.js";
import { l1CliErrors } from "./bridge.js";
import { bridgeQueries } from "./bridgeActions.js";
import { connect, l1Tx } from "./l1Connect.js";
import type { L1Flags } from "./l1Flags.js";

export async function deposit(amountText: string, o: L1Flags & { to: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  if (!/^\d+$/.test(amountText) || BigInt(amountText) === 0n)
    throw cliErrors.badArgument(`amount must be a positive whole number of USDC base units, got "${amountText}"`);
  if (!isValidAddress(o.to)) throw cliErrors.badArgument(`--to must be a Strike address (strike1...), got "${o.to}"`);
  const amount = BigInt(amountText);
  if (amount >= 1n << 256n) throw cliErrors.badArgument(`amount ${amountText} is too large (at most 2^256 - 1)`);
  const { provider, wallet, settlement } = connect(o);
  try {
    const usdc = new Contract(String(await settlement.getFunction("usdc")()), loadArtifact("MockUSDC").abi, wallet);
    await checkDeposit(settlement, usdc, wallet.address, amount);
    const allowance = (await usdc.getFunction("allowance")(wallet.address, o.contract)) as bigint;
    let approveGas = 0n;
    if (allowance < amount)
      approveGas = (await l1Tx("approve", () => usdc.getFunction("approve")(o.contract, amount))).gasUsed;
    const receipt = await l1Tx("deposit", () =>
      settlement.getFunction("deposit")(amount, hexlify(bech32ToAddressBytes(o.to))),
    );
    const log = receipt.logs.map((l) => settlement.interface.parseLog(l)).find((p) => p?.name === "Deposited");
    const nonce = log === undefined || log === null ? "" : String(log.args[0]);
    print(g.output, {
      nonce,
      recipient: o.to,
      amount: amount.toString(),
      l1_tx: receipt.hash,
      l1_block: String(receipt.blockNumber),
      gas_used: receipt.gasUsed.toString(),
      approve_gas_used: approveGas.toString(),
    });
  } finally {
    provider.destroy();
  }
}

/** What the contract or the token would revert, said before any L1 tx (the token's errors are not in the contract's ABI). */
async function checkDeposit(settlement: Contract, usdc: Contract, payer: string, amount: bigint): Promise<void> {
  const [exitMode, minDeposit, balance] = (await Promise.all([
    settlement.getFunction("exitMode")(),
    settlement.getFunction("minDeposit")(),
    usdc.getFunction("balanceOf")(payer),
  ])) as [boolean, bigint, bigint];
  if (exitMode)
    throw l1CliErrors.depositRefused(
      "the settlement contract is in exit mode: it takes no deposits (l1 exit pays out)",
    );
  if (amount < minDeposit)
    throw l1CliErrors.depositRefused(`${amount} is below the contract's minimum deposit of ${minDeposit} base units`);
  if (balance < amount)
    throw l1CliErrors.depositRefused(
      `${payer} holds ${balance} base units of the contract's USDC (${String(usdc.target)}), the deposit needs ${amount}` +
        " (on make start's L1, Hardhat's test accounts 4 and 5 hold mock USDC)",
    );
}

async function checkpointedProof(g: GlobalOptions, id: bigint, height: bigint): Promise<QueryWithdrawalResponse> {
  return withComet(g, async (c) => {
    try {
      return await bridgeQueries(c, height).Withdrawal({ id });
    } catch (e) {
      const r = refusal(e);
      if (r === undefined) throw e;
      if (r.codespace === "bridge" && r.code === 10)
        throw l1CliErrors.notCheckpointed(
          `withdrawal ${id} is not in the state at the last checkpointed height ${height}; wait for the next checkpoint`,
        );
      throw cliErrors.notFound(`${r.log} (code ${r.code}, codespace ${r.codespace || "-"}) at height ${height}`);
    }
  });
}

export async function claim(idText: string, o: L1Flags, self: Command): Promise<void> {
  const base = globalOptions(self);
  const g = o.rpc === undefined ? base : { ...base, node: o.rpc };
  if (!/^\d+$/.test(idText)) throw cliErrors.badArgument(`<withdrawal id> must be a whole number, got "${idText}"`);
  const id = BigInt(idText);
  // The contract's and the chain's withdrawal ids are uint64.
  if (id >= 1n << 64n) throw cliErrors.badArgument(`<withdrawal id> ${idText} is too large (at most 2^64 - 1)`);
  const { provider, settlement } = connect(o);
  try {
    if ((await settlement.getFunction("withdrawalPaid")(id)) === true)
      throw l1CliErrors.alreadyPaid(`withdrawal ${id}`);
    const [height, , root] = (await settlement.getFunction("lastCheckpoint")()) as [bigint, string, string];
    if (height === 0n) throw l1CliErrors.notCheckpointed("the contract has no checkpoint yet");
    const p = await checkpointedProof(g, id, height);
    if (p.root !== root)
      throw l1CliErrors.notCheckpointed(
        `Strike's withdrawal root at height ${height} is ${p.root}, the contract has ${root}`,
      );
    const w = p.withdrawal!;
    const receipt = await l1Tx("claimWithdrawal", () =>
      settlement.getFunction("claimWithdrawal")(id, w.l1Recipient, BigInt(w.amount), p.proof),
    );
    print(g.output, {
      id: id.toString(),
      l1_recipient: w.l1Recipient,
      amount: w.amount,
      checkpoint_height: height.toString(),
      l1_tx: receipt.hash,
      gas_used: receipt.gasUsed.toString(),
    });
  } finally {
    provider.destroy();
  }
}
