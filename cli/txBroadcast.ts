/** The signing and broadcasting behind `signAndSend` (txSend.ts), loaded only when a command sends. */
import { DirectSecp256k1Wallet, type EncodeObject } from "@cosmjs/proto-signing";
import { SigningStargateClient, type IndexedTx, type StdFee } from "@cosmjs/stargate";
import type { Comet38Client } from "@cosmjs/tendermint-rpc";
import { createStrikeRegistry } from "../chain/codec/registry.js";
import { parseDuration } from "../chain/node/config.js";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { createSoftFinalityClient } from "../chain/sequencer/client.js";
import { checkReceiptJson } from "../chain/sequencer/receiptTrust.js";
import type { ReceiptJson } from "../chain/sequencer/receiptJson.js";
import type { Market } from "../chain/codec/generated/strike/orderbook/v1/market.js";
import { connectComet, withNode } from "./client.js";
import { openKeyring, rpcHttpUrl, type GlobalOptions } from "./context.js";
import { cliErrors } from "./errors.js";
import { formatFee, resolveFee } from "./fees.js";
import { hasOrderEvents, orderLines } from "./orderEvents.js";
import { fillMarkets, fillText, marketsById, receiptOrderLines, type ReceiptFillJson } from "./receiptText.js";
import { note, print } from "./output.js";
import { confirm } from "./prompt.js";
import type { TxFlags } from "./txFlags.js";

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
export async function signAndBroadcast(
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
      if (flags.broadcastMode === "sync" && flags.wait === undefined) {
        const hash = await client.signAndBroadcastSync(key.address, messages, fee, flags.memo);
        print(g.output, { txhash: hash }, () => `txhash: ${hash}`);
        return;
      }
      const signed = TxRaw.encode(await client.sign(key.address, messages, fee, flags.memo)).finish();
      if (flags.wait === "none") {
        const r = await comet.broadcastTxAsync({ tx: signed });
        const hash = Buffer.from(r.hash).toString("hex").toUpperCase();
        print(g.output, { txhash: hash }, () => `txhash: ${hash}`);
        return;
      }
      await sendWithReceipt(g, { comet, client, signed, flags, timeoutMs, messages, chainId: status.nodeInfo.network });
    });
  } finally {
    comet.disconnect();
  }
}

/** The soft-finality path: the receipt first (printed at once in text mode), then, unless --wait sequenced, the commit. */
async function sendWithReceipt(
  g: GlobalOptions,
  o: {
    comet: Comet38Client;
    client: SigningStargateClient;
    signed: Uint8Array;
    flags: TxFlags;
    timeoutMs: number;
    messages: readonly EncodeObject[];
    chainId: string;
  },
): Promise<void> {
  const { flags, timeoutMs } = o;
  const soft = createSoftFinalityClient(rpcHttpUrl(g.node));
  const sent = await soft.submit(o.signed, { receiptWaitMs: Math.min(timeoutMs, 10_000) });
  const receipt = sent.receipt;
  // The node that hands the receipt over is not trusted: a receipt that does not verify, or
  // contradicts itself, is said to be no promise (exit code 3), whatever then commits.
  const check = receipt === undefined ? undefined : checkReceiptJson(receipt, o.chainId);
  if (check?.valid === false) {
    note(`NOT A VALID PROMISE: ${check.problem}; keep the receipt (--output json) for \`strike receipt report\``);
    process.exitCode = 3;
  }
  const checked = check === undefined ? {} : { receipt_check: check };
  if (sent.checkTx.code !== 0) {
    throw cliErrors.txFailed(
      `rejected by the node: code ${sent.checkTx.code}, codespace ${sent.checkTx.codespace || "-"}: ${sent.checkTx.log}${receipt !== undefined ? " (the sequencer signed the rejection)" : ""}`,
      { code: sent.checkTx.code, codespace: sent.checkTx.codespace, ...(receipt === undefined ? {} : { receipt }) },
    );
  }
  const latency = sent.receiptLatencyMs === undefined ? undefined : Math.round(sent.receiptLatencyMs * 100) / 100;
  if (receipt !== undefined && g.output === "text" && flags.wait !== "sequenced")
    process.stdout.write(receiptText(receipt, latency, await fillMarkets(o.comet, receipt)) + "\n");
  if (flags.wait === "sequenced") {
    if (receipt === undefined)
      throw cliErrors.txTimeout(
        `tx ${sent.hash} was accepted but no receipt came within the wait${sent.receiptMissing === undefined ? "" : ` (${sent.receiptMissing.message})`}; check later with \`strike tx status ${sent.hash}\``,
        { txhash: sent.hash, ...(sent.receiptMissing === undefined ? {} : { receipt_missing: sent.receiptMissing }) },
      );
    const markets = g.output === "text" ? await fillMarkets(o.comet, receipt) : new Map<string, Market>();
    // The ids of the orders it placed, from the receipt: what a cancel takes, before the commit.
    const orders = receiptOrderLines(receipt, (i) => marketOfMessage(o.messages[i]));
    print(g.output, { txhash: sent.hash, receipt, receipt_latency_ms: latency, ...checked }, () =>
      [receiptText(receipt, latency, markets), ...orders].join("\n"),
    );
    return;
  }
  const res = await waitForTx(o.client, sent.hash, timeoutMs);
  if (res === undefined) {
    throw cliErrors.txTimeout(
      `tx ${sent.hash} was accepted but not included in a block within ${flags.timeout}; check later with \`strike query tx ${sent.hash}\``,
      { txhash: sent.hash },
    );
  }
  if (res.code !== 0) {
    const d = await failureDetails(o.comet, res.hash);
    throw cliErrors.txFailed(
      `tx ${res.hash} failed in block ${res.height}: code ${res.code}, codespace ${d.codespace || "-"}: ${d.log || res.rawLog || ""}`,
      { txhash: res.hash, code: res.code, codespace: d.codespace },
    );
  }
  const out = {
    txhash: res.hash,
    height: res.height,
    code: res.code,
    gas_wanted: res.gasWanted,
    gas_used: res.gasUsed,
    events: res.events,
    ...(receipt === undefined ? {} : { receipt, receipt_latency_ms: latency, ...checked }),
  };
  // What it did to orders: the ids the chain gave them (what a cancel takes), resting or filled.
  const orders =
    g.output === "text" && hasOrderEvents(res.events) ? orderLines(res.events, await marketsById(o.comet)) : [];
  print(g.output, out, () =>
    [
      `txhash: ${res.hash}`,
      `included in block ${res.height} (gas used ${res.gasUsed} of ${res.gasWanted})`,
      ...orders,
    ].join("\n"),
  );
}

async function waitForTx(
  client: SigningStargateClient,
  hash: string,
  timeoutMs: number,
): Promise<IndexedTx | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await client.getTx(hash);
    if (found !== null) return found;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One line for people: where the tx will be, who promised it, and its fills. */
function receiptText(r: ReceiptJson, latencyMs: number | undefined, markets: ReadonlyMap<string, Market>): string {
  const d = r.receipt as {
    height: string;
    index: number;
    code: number;
    sequencer_address: string;
    epoch: string;
    fills: ReceiptFillJson[];
  };
  const fills = d.fills.map((f) => fillText(f, markets)).join("; ");
  return (
    `sequenced: height ${d.height} index ${d.index} code ${d.code} by ${d.sequencer_address} (epoch ${d.epoch})` +
    (latencyMs === undefined ? "" : ` in ${latencyMs} ms`) +
    (fills === "" ? "" : `\n  fills: ${fills}`)
  );
}

/** The market an order message names (MsgPlaceOrder's spec), if it is one. */
function marketOfMessage(m: EncodeObject | undefined): string | undefined {
  const order = (m?.value as { order?: { market?: unknown } } | undefined)?.order;
  return typeof order?.market === "string" ? order.market : undefined;
}
