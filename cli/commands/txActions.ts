/** What `strike tx bank send` does when it runs (tx.ts defines it). */
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { Command } from "commander";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { formatCoins } from "../../genesis/coins.js";
import { cliCoins } from "../fees.js";
import { checkBech32Address } from "../../genesis/address.js";
import { globalOptions, openKeyring } from "../context.js";
import { cliErrors } from "../errors.js";
import { signAndSend, type TxFlags } from "../txSend.js";

export async function bankSend(
  from: string,
  to: string,
  amountText: string,
  flags: TxFlags,
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  const bad = checkBech32Address(to);
  if (bad !== undefined) throw cliErrors.badArgument(`recipient ${to}: ${bad}`);
  const amount = cliCoins(amountText, "<amount>");
  const fromAddress = openKeyring(g).resolve(from).address;
  const msg: EncodeObject = {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: MsgSend.fromPartial({ fromAddress, toAddress: to, amount }),
  };
  await signAndSend(g, from, [msg], flags, `Send ${formatCoins(amount)}\n  from:   ${fromAddress}\n  to:     ${to}`);
}
