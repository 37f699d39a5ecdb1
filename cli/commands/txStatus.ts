/** `strike tx status <HASH> [--watch]`: a tx's finality ladder as the node has seen it. */
import { Command } from "commander";
import type { TxStatusJson } from "../../chain/sequencer/ladderJson.js";
import { txStatusLine } from "../../chain/sequencer/ladderJson.js";
import { globalOptions, rpcHttpUrl } from "../globalOptions.js";
import { formatDuration } from "../../chain/node/duration.js";
import { timeoutFlagMs } from "../durationFlag.js";
import { cliErrors } from "../errors.js";
import { withExamples } from "../help.js";
import { print } from "../output.js";
import { isNetworkError } from "../client.js";

const POLL_MS = 50;

/** The tx's ladder, or undefined when the node has not seen it (yet). */
export async function fetchTxStatus(rpcUrl: string, hash: string): Promise<TxStatusJson | undefined> {
  let res: Response;
  try {
    res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "strike_tx_status", params: { hash } }),
    });
  } catch (e) {
    if (isNetworkError(e)) throw cliErrors.notFound(`cannot reach the node at ${rpcUrl}`);
    throw e;
  }
  const body = (await res.json()) as { result?: TxStatusJson; error?: { message: string; data?: string } };
  if (body.error !== undefined) {
    if (/not been seen/.test(body.error.data ?? body.error.message)) return undefined;
    throw cliErrors.notFound(`strike_tx_status: ${body.error.data ?? body.error.message}`);
  }
  return body.result;
}

/** Nothing more will happen: rejected, settled, or committed on a chain without settlement. */
export function isFinal(s: TxStatusJson): boolean {
  if (s.rejected) return true;
  if (s.rungs.settled.state === "reached") return true;
  return s.rungs.committed.state === "reached" && s.rungs.settled.state === "not_available";
}

export function txStatusCommand(): Command {
  const cmd = new Command("status")
    .description(
      "Show a tx's finality ladder as the node saw it: received → sequenced (receipt) → committed → checkpointed → settled, or reverted / rejected, with the time each took since the node received it. `n/a`: the chain has no Ethereum settlement yet; `–`: pending",
    )
    .argument("<hash>", "the tx hash (64 hex characters, as `strike tx …` prints it)")
    .option(
      "--watch",
      "follow the tx until nothing more can happen (text: one line per change; json: one object per line)",
    )
    .option("--timeout <duration>", "with --watch: give up after this long (30s, 5m; a bare number is seconds)", "60s")
    .action(async (hash: string, flags: { watch?: boolean; timeout: string }, self: Command) => {
      const g = globalOptions(self);
      const clean = hash.replace(/^0x/i, "").toUpperCase();
      if (!/^[0-9A-F]{64}$/.test(clean))
        throw cliErrors.badArgument(`the hash must be 64 hex characters, got "${hash}"`);
      const timeoutMs = timeoutFlagMs("--timeout", flags.timeout);
      const url = rpcHttpUrl(g.node);
      const show = (s: TxStatusJson) =>
        process.stdout.write((g.output === "json" ? JSON.stringify(s) : txStatusLine(s)) + "\n");
      if (flags.watch !== true) {
        const s = await fetchTxStatus(url, clean);
        if (s === undefined) throw cliErrors.notFound(`tx ${clean} has not been seen by the node at ${g.node}`);
        print(g.output, s, () => txStatusLine(s));
        return;
      }
      const deadline = Date.now() + timeoutMs;
      let last = "";
      for (;;) {
        const s = await fetchTxStatus(url, clean);
        if (s !== undefined) {
          const key = JSON.stringify(s.steps);
          if (key !== last) {
            show(s);
            last = key;
          }
          if (isFinal(s)) return;
        }
        if (Date.now() > deadline)
          throw cliErrors.notFound(
            s === undefined
              ? `tx ${clean} was not seen by the node within ${formatDuration(timeoutMs)}`
              : `still ${s.stage} after ${formatDuration(timeoutMs)}`,
          );
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    });
  return withExamples(
    cmd,
    "strike tx status 3F2A…(64 hex)",
    "strike tx status 3F2A…(64 hex) --watch",
    "strike tx status 3F2A…(64 hex) --output json",
  );
}
