/** What every `strike l1` command runs with: a wallet on the settlement contract, and clear revert errors. */
import { Contract, JsonRpcProvider, NonceManager, Wallet, type TransactionReceipt } from "ethers";
import { loadArtifact } from "../../chain/l1/artifacts.js";
import { cliErrors } from "../errors.js";
import { l1CliErrors } from "./bridge.js";
import { checkL1Rpc, type L1Flags } from "./l1Flags.js";

export function connect(o: L1Flags) {
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(o.l1Key)) throw cliErrors.badArgument("--l1-key must be 64 hex digits");
  if (!/^0x[0-9a-fA-F]{40}$/.test(o.contract)) throw cliErrors.badArgument("--contract must be 0x and 40 hex digits");
  const provider = new JsonRpcProvider(checkL1Rpc(o.l1Rpc), undefined, { polling: false });
  const key = new Wallet(o.l1Key.startsWith("0x") ? o.l1Key : `0x${o.l1Key}`, provider);
  // Approve then deposit are two txs in a row: the provider caches the nonce lookup for a
  // moment, so the second tx would reuse the first's nonce; the manager counts them itself.
  const wallet = Object.assign(new NonceManager(key), { address: key.address });
  const settlement = new Contract(o.contract, loadArtifact("EcdsaSettlement").abi, wallet);
  return { provider, wallet, settlement };
}

/** Runs an L1 call, turning ethers' revert into a clear error naming the contract's reason. */
export async function l1Tx(
  what: string,
  send: () => Promise<{ wait(): Promise<TransactionReceipt | null> }>,
): Promise<TransactionReceipt> {
  try {
    const receipt = await (await send()).wait();
    if (receipt === null || receipt.status !== 1) throw l1CliErrors.l1Failed(`${what}: reverted`);
    return receipt;
  } catch (e) {
    if (l1CliErrors.l1Failed.is(e)) throw e;
    const err = e as { revert?: { name?: string; args?: unknown[] }; shortMessage?: string; message?: string };
    const why =
      err.revert?.name !== undefined
        ? `${err.revert.name}(${(err.revert.args ?? []).join(", ")})`
        : (err.shortMessage ?? err.message);
    throw l1CliErrors.l1Failed(`${what}: ${why}`);
  }
}
