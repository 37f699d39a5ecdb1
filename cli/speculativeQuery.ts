/**
 * Queries on the sequencer's speculative state (`strike_speculative_query`): committed
 * state plus every tx receipted since, so a trader sees its receipted fills before they
 * commit. Any node answers: one that is not the sequencer forwards the query to it and
 * checks the sequencer's signature on the answer (chain/sequencer/remoteQuery.ts).
 */
import { strikeQueries, type StrikeQueries } from "../chain/client/queries.js";
import { queryPath } from "../chain/client/queryRpc.js";
import { isNetworkError } from "./client.js";
import { rpcHttpUrl, type GlobalOptions } from "./context.js";
import { cliErrors } from "./errors.js";

async function call<T>(url: string, method: string, params: Record<string, string>) {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
  } catch (e) {
    if (isNetworkError(e)) throw cliErrors.notFound(`cannot reach the node at ${url}`);
    throw e;
  }
  return (await res.json()) as { result?: T; error?: { message: string; data?: string } };
}

/** The query's answer on the speculative state, and the height being sequenced. */
export async function speculativeQuery<T>(
  g: GlobalOptions,
  path: string,
  data: Uint8Array,
  decode: (b: Uint8Array) => T,
): Promise<{ height: string; value: T }> {
  const url = rpcHttpUrl(g.node);
  // Between a commit and the next opening there is no open height for a moment: ask again briefly.
  for (let attempt = 0; ; attempt++) {
    const r = await call<{ height: string; value: string }>(url, "strike_speculative_query", {
      path,
      data: Buffer.from(data).toString("hex"),
    });
    if (r.result !== undefined)
      return { height: r.result.height, value: decode(new Uint8Array(Buffer.from(r.result.value, "base64"))) };
    const why = r.error?.data ?? r.error?.message ?? "no answer";
    // Forwarded, and the sequencer could not be reached from that node: the node's own words.
    if (/ask the sequencer's node/.test(why) && !/not sequencing/.test(why))
      throw cliErrors.notFound(`the node at ${g.node} could not get the speculative state: ${why}`);
    if (!/not sequencing/.test(why)) throw cliErrors.badArgument(`strike_speculative_query: ${why}`);
    if (attempt >= 10) {
      const s = await call<{ address: string; is_self: boolean }>(url, "strike_sequencer", {});
      throw cliErrors.notFound(
        `the node at ${g.node} is not the sequencer${s.result === undefined ? "" : ` (the sequencer is validator ${s.result.address})`}: query its node for the speculative state`,
      );
    }
    await new Promise((res) => setTimeout(res, 100));
  }
}

/**
 * Strike's typed query clients on the sequencer's speculative state; `height()` is the height
 * the sequencer was sequencing at the latest answer.
 */
export function speculativeQueries(g: GlobalOptions): { queries: StrikeQueries; height(): string | undefined } {
  let height: string | undefined;
  const queries = strikeQueries({
    async request(service, method, data) {
      const r = await speculativeQuery(g, queryPath(service, method), data, (b) => b);
      height = r.height;
      return r.value;
    },
  });
  return { queries, height: () => height };
}

/**
 * The highest height this node has seen checkpointed on L1 (`strike_l1_finality`, from its
 * own reads of the settlement contract), or why there is none.
 */
export async function l1CheckpointedHeight(g: GlobalOptions): Promise<{ height: bigint } | { unavailable: string }> {
  const r = await call<{ available: boolean; checkpointed: { height: string } | null }>(
    rpcHttpUrl(g.node),
    "strike_l1_finality",
    {},
  );
  if (r.result === undefined)
    return { unavailable: `the node cannot say (${r.error?.data ?? r.error?.message ?? "no answer"})` };
  if (!r.result.available) return { unavailable: "this node does not read L1 settlement ([settlement] in app.toml)" };
  if (r.result.checkpointed === null) return { unavailable: "no checkpoint has landed on L1 since this node started" };
  return { height: BigInt(r.result.checkpointed.height) };
}

/** a − b for decimal strings, exactly (sizes are signed decimals). */
export function decimalSub(a: string, b: string): string {
  const scaleOf = (x: string) => (x.includes(".") ? x.length - x.indexOf(".") - 1 : 0);
  const scale = Math.max(scaleOf(a), scaleOf(b));
  const toInt = (x: string) => {
    const neg = x.startsWith("-");
    const [i, f = ""] = (neg ? x.slice(1) : x).split(".");
    const v = BigInt((i || "0") + f.padEnd(scale, "0"));
    return neg ? -v : v;
  };
  const d = toInt(a) - toInt(b);
  const neg = d < 0n;
  const digits = (neg ? -d : d).toString().padStart(scale + 1, "0");
  const int = digits.slice(0, digits.length - scale);
  const frac = scale === 0 ? "" : digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${neg ? "-" : ""}${int}${frac === "" ? "" : `.${frac}`}`;
}
