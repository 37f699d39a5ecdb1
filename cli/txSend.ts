/** Signing and broadcasting shared by every `strike tx …` command: flags, confirmation, reporting. */
import { DirectSecp256k1Wallet, type EncodeObject } from "@cosmjs/proto-signing";
import {
  BroadcastTxError,
  SigningStargateClient,
  TimeoutError,
  type DeliverTxResponse,
  type StdFee,
} from "@cosmjs/stargate";
import type { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { Command } from "commander";
import { Option } from "commander";
import { createStrikeRegistry } from "../chain/codec/registry.js";
import { parseDuration } from "../chain/node/config.js";
import { connectComet, withNode } from "./client.js";
import { openKeyring, type GlobalOptions } from "./context.js";
import { cliErrors } from "./errors.js";
import { DEFAULT_GAS, DEFAULT_GAS_ADJUSTMENT, formatFee, resolveFee, type FeeFlags } from "./fees.js";
import { note, print } from "./output.js";
import { confirm } from "./prompt.js";

export interface TxFlags extends FeeFlags {
  memo: string;
  broadcastMode: "block" | "sync";
  timeout: string;
}

/** `defaultGas` lets a command whose cost varies (an order that sweeps many makers) default higher. */
export function addTxOptions(cmd: Command, defaultGas: string = String(DEFAULT_GAS)): Command {
  return cmd
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
    .option("--timeout <duration>", "how long to wait for inclusion", "30s");
}

/** The tx result's codespace and log (cosmjs' DeliverTxResponse has no codespace). */
async function failureDetails(comet: Comet38Client, hash: string): Promise<{ codespace: string; log: string }> {
  try {
    const r = await comet.tx({ hash: Buffer.from(hash, "hex") });
    return { codespace: r.result.codespace ?? "", log: r.result.log ?? "" };
  } catch {
    return { codespace: "", log: "" };
  }
}

/** Signs, asks for confirmation unless --yes, broadcasts, and reports. */
export async function signAndSend(
  g: GlobalOptions,
  fromKey: string,
  messages: EncodeObject[],
  flags: TxFlags,
  summary: string,
): Promise<void> {
  const timeoutMs = parseDuration(flags.timeout);
  if (timeoutMs === undefined || timeoutMs === 0)
    throw cliErrors.badArgument(`--timeout must be a duration like 30s, got "${flags.timeout}"`);
  const kr = openKeyring(g);
  const key = kr.resolve(fromKey);
  const wallet = await DirectSecp256k1Wallet.fromKey(await kr.privateKey(key.name), kr.prefix);
  const comet = await connectComet(g.node);
  try {
    await withNode(g.node, async () => {
      const status = await comet.status();
      if (g.chainId !== undefined && g.chainId !== status.nodeInfo.network) {
        throw cliErrors.chainIdMismatch(
          `--chain-id is ${g.chainId} but the node at ${g.node} runs ${status.nodeInfo.network}`,
        );
      }
      const client = SigningStargateClient.createWithSigner(comet, wallet, {
        registry: createStrikeRegistry(),
        broadcastTimeoutMs: timeoutMs,
        broadcastPollIntervalMs: 500,
      });
      const fee: StdFee = await resolveFee(flags, () => client.simulate(key.address, messages, flags.memo));
      if (!g.yes) {
        note(
          `${summary}\n  chain:  ${status.nodeInfo.network}\n  fee:    ${formatFee(fee)}${flags.memo !== "" ? `\n  memo:   ${flags.memo}` : ""}`,
        );
        if (!(await confirm("confirm transaction before signing and broadcasting")))
          throw cliErrors.aborted("transaction not sent");
      }
      if (flags.broadcastMode === "sync") {
        const hash = await client.signAndBroadcastSync(key.address, messages, fee, flags.memo);
        print(g.output, { txhash: hash }, () => `txhash: ${hash}`);
        return;
      }
      let res: DeliverTxResponse;
      try {
        res = await client.signAndBroadcast(key.address, messages, fee, flags.memo);
      } catch (e) {
        if (e instanceof TimeoutError) {
          throw cliErrors.txTimeout(
            `tx ${e.txId} was accepted but not included in a block within ${flags.timeout}; check later with \`strike query tx ${e.txId}\``,
            { txhash: e.txId },
          );
        }
        if (e instanceof BroadcastTxError) {
          throw cliErrors.txFailed(
            `rejected by the node: code ${e.code}, codespace ${e.codespace || "-"}: ${e.log ?? ""}`,
            { code: e.code, codespace: e.codespace },
          );
        }
        throw e;
      }
      if (res.code !== 0) {
        const d = await failureDetails(comet, res.transactionHash);
        throw cliErrors.txFailed(
          `tx ${res.transactionHash} failed in block ${res.height}: code ${res.code}, codespace ${d.codespace || "-"}: ${d.log || res.rawLog || ""}`,
          {
            txhash: res.transactionHash,
            code: res.code,
            codespace: d.codespace,
          },
        );
      }
      const out = {
        txhash: res.transactionHash,
        height: res.height,
        code: res.code,
        gas_wanted: res.gasWanted,
        gas_used: res.gasUsed,
        events: res.events,
      };
      print(
        g.output,
        out,
        () =>
          `txhash: ${res.transactionHash}\nincluded in block ${res.height} (gas used ${res.gasUsed} of ${res.gasWanted})`,
      );
    });
  } finally {
    comet.disconnect();
  }
}
