/**
 * The query transports a client has: a cosmjs Comet client, a node's JSON-RPC URL without
 * cosmjs, or the app's own query handler (services run inside the node, in-process tests).
 */
import type { QueryRequest, QueryResponse } from "../types/abci.js";
import { jsonRpcAbciQuerier } from "./jsonRpc.js";
import type { AbciQuerier } from "./queryRpc.js";

/** The part of `Comet38Client` (@cosmjs/tendermint-rpc) a query needs. */
export interface CometQuerier {
  abciQuery(params: { path: string; data: Uint8Array; height?: number }): Promise<AbciAnswerLike>;
}
interface AbciAnswerLike {
  code?: number;
  codespace?: string;
  log?: string;
  value: Uint8Array;
}

export function cometQuerier(comet: CometQuerier): AbciQuerier {
  return (path, data, height) =>
    comet.abciQuery({ path, data, ...(height === undefined ? {} : { height: Number(height) }) });
}

/** The app's query handler (`Application.query`), unproven: what a service inside the node reads. */
export function appQuerier(query: (req: QueryRequest) => Promise<QueryResponse>): AbciQuerier {
  return (path, data, height) => query({ path, data, height: height ?? 0n, prove: false });
}

/**
 * `abci_query` over plain JSON-RPC (fetch): for tests and tools that do not load cosmjs.
 * With `timeoutMs`, a node that does not answer in time fails the query.
 */
export function jsonRpcQuerier(url: string, options: { timeoutMs?: number } = {}): AbciQuerier {
  return jsonRpcAbciQuerier(async (method, params) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string; data?: string } };
    if (body.result === undefined)
      throw new Error(`${method}: ${body.error?.message ?? "no result"} ${body.error?.data ?? ""}`);
    return body.result;
  });
}
