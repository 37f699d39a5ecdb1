/**
 * A ViolationSigner over a cosmjs wallet: the reporter's key signs the MsgCommitReport and
 * MsgReceiptViolation txs (account number and sequence read from the node), and the checker broadcasts it.
 */
import type { OfflineDirectSigner } from "@cosmjs/proto-signing";
import { SigningStargateClient, type StdFee } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { createStrikeRegistry } from "../codec/registry.js";
import type { ViolationSigner } from "./violationReport.js";

/** Enough for two receipts and proofs of a large block, at the default minimum gas price. */
export const DEFAULT_VIOLATION_FEE: StdFee = { amount: [{ denom: "ustrike", amount: "20000" }], gas: "800000" };

export async function createCosmjsViolationSigner(
  rpcUrl: string,
  wallet: OfflineDirectSigner,
  fee: StdFee = DEFAULT_VIOLATION_FEE,
): Promise<ViolationSigner & { disconnect(): void }> {
  const [account] = await wallet.getAccounts();
  const address = account!.address;
  const client = await SigningStargateClient.connectWithSigner(rpcUrl, wallet, { registry: createStrikeRegistry() });
  return {
    address,
    async sign(messages) {
      const raw = await client.sign(address, messages, fee, "receipt violation");
      return TxRaw.encode(raw).finish();
    },
    disconnect: () => client.disconnect(),
  };
}
