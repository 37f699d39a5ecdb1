/** `strike receipt watch`: a websocket subscription to the node's Receipt events, printed as they come. */
import type { Command } from "commander";
import WebSocket from "ws";
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { checkReceiptJson } from "../../chain/sequencer/receiptTrust.js";
import { withComet } from "../abciQuery.js";
import { addressArg } from "../context.js";
import { timeoutFlagMs } from "../durationFlag.js";
import { cliErrors } from "../errors.js";
import { globalOptions, rpcHttpUrl } from "../globalOptions.js";
import { note } from "../output.js";
import { marketsById, receiptEventText, type ReceiptEventJson } from "../receiptText.js";

export interface WatchFlags {
  stage?: string;
  count?: string;
  timeout?: string;
}

const STAGES = ["sequenced", "rejected", "committed", "reverted"];

function positiveNumber(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw cliErrors.badArgument(`${flag} must be a positive ${integer ? "integer" : "number"}, got "${text}"`);
  return n;
}

export async function receiptWatch(address: string | undefined, flags: WatchFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const owner = address === undefined ? undefined : addressArg(g, address);
  if (flags.stage !== undefined && !STAGES.includes(flags.stage))
    throw cliErrors.badArgument(`--stage must be one of ${STAGES.join(", ")}, got "${flags.stage}"`);
  const count = positiveNumber("--count", flags.count, true);
  const timeoutMs = flags.timeout === undefined ? undefined : timeoutFlagMs("--timeout", flags.timeout);
  const query = [
    "tm.event='Receipt'",
    ...(owner === undefined ? [] : [`receipt.account='${owner}'`]),
    ...(flags.stage === undefined ? [] : [`receipt.stage='${flags.stage}'`]),
  ].join(" AND ");
  const url = `${rpcHttpUrl(g.node).replace(/^http/, "ws")}/websocket`;
  // Sizes in contracts need the markets' decimals: read once (unknown markets print in chain units).
  const markets: ReadonlyMap<string, Market> = g.output === "text" ? await withComet(g, marketsById) : new Map();

  const ws = new WebSocket(url);
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    let subscribed = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => finish(`--timeout reached: ${seen} receipt(s)`), timeoutMs);
    const onSignal = () => finish(`stopped: ${seen} receipt(s)`);
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    function cleanUp() {
      if (timer !== undefined) clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      ws.removeAllListeners();
      ws.on("error", () => {});
      ws.close();
    }
    function finish(message?: string) {
      cleanUp();
      if (message !== undefined) note(message);
      resolve();
    }
    function fail(e: Error) {
      cleanUp();
      reject(e);
    }
    ws.once("open", () => {
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query } }));
      note(`watching ${owner === undefined ? "every receipt" : `the receipts of ${owner}`} at ${url} (Ctrl-C stops)`);
    });
    ws.on("error", (e) => fail(cliErrors.nodeUnreachable(`cannot reach the node's websocket at ${url}: ${e.message}`)));
    ws.on("close", () =>
      fail(
        cliErrors.nodeUnreachable(
          `the node at ${url} closed the connection${subscribed ? ` after ${seen} receipt(s)` : " before the subscription was made"}`,
        ),
      ),
    );
    ws.on("message", (raw: WebSocket.RawData) => {
      let msg: { result?: { data?: { value?: ReceiptEventJson } }; error?: { message?: string; data?: string } };
      try {
        msg = JSON.parse(raw.toString()) as typeof msg;
      } catch {
        return;
      }
      if (msg.error !== undefined) {
        fail(cliErrors.badArgument(`the node refused the subscription: ${msg.error.data ?? msg.error.message ?? "?"}`));
        return;
      }
      subscribed = true;
      const event = msg.result?.data?.value;
      if (event === undefined) return;
      seen++;
      const check = checkReceiptJson(event, g.chainId);
      const problem = check.valid
        ? ""
        : `\n  NOT A VALID PROMISE: ${check.problem}; keep it (--output json) for \`strike receipt report\``;
      process.stdout.write(
        (g.output === "json"
          ? JSON.stringify({ ...event, check })
          : receiptEventText(event, markets, owner) + problem) + "\n",
      );
      if (count !== undefined && seen >= count) finish();
    });
  });
}
