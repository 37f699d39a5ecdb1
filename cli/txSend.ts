/**
 * Signing and broadcasting shared by every `strike tx …` command: flags, confirmation, reporting.
 * The flags live here; the signing itself (cosmjs, about half a second to load) is in
 * txBroadcast.ts and is imported only when a command actually sends, so `--help` stays fast.
 */
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { Command } from "commander";
import { Option } from "commander";
import type { GlobalOptions } from "./context.js";
import { checkFeeFlags, DEFAULT_GAS, DEFAULT_GAS_ADJUSTMENT, type FeeFlags } from "./fees.js";
import type { TxFlags } from "./txFlags.js";

export type { TxFlags } from "./txFlags.js";

/** `defaultGas` lets a command whose cost varies (an order that sweeps many makers) default higher. */
export function addTxOptions(cmd: Command, defaultGas: string = String(DEFAULT_GAS)): Command {
  return (
    cmd
      .option("--fees <coins>", "fee to pay, e.g. 5000ustrike (default: gas × gas price)")
      .option("--gas <limit>", `gas limit, or "auto" to simulate`, defaultGas)
      .option("--gas-adjustment <factor>", "multiplier on simulated gas (with --gas auto)", DEFAULT_GAS_ADJUSTMENT)
      .option("--gas-prices <price>", "price per unit of gas (default 0.025ustrike)")
      .option("--memo <text>", "note attached to the tx", "")
      .addOption(
        new Option(
          "--broadcast-mode <mode>",
          "block: wait until included in a block; sync: return after mempool admission",
        )
          .choices(["block", "sync"])
          .default("block"),
      )
      .option("--timeout <duration>", "how long to wait for inclusion", "30s")
      .addOption(
        new Option(
          "--wait <stage>",
          "sequenced: return on the sequencer's signed receipt; committed: on the block (receipt shown too); none: return once sent (default: print the receipt as it arrives, then wait for the commit)",
        ).choices(["sequenced", "committed", "none"]),
      )
      // Before the command's own checks, some of which ask the node: a malformed fee flag is
      // refused by name, not behind "cannot reach the node" or a market lookup.
      .hook("preAction", (command) => checkFeeFlags(command.opts<FeeFlags>()))
  );
}

/** Signs, asks for confirmation unless --yes, broadcasts, and reports. */
export async function signAndSend(
  g: GlobalOptions,
  fromKey: string,
  messages: EncodeObject[],
  flags: TxFlags,
  summary: string,
): Promise<void> {
  const { signAndBroadcast } = await import("./txBroadcast.js");
  return signAndBroadcast(g, fromKey, messages, flags, summary);
}
