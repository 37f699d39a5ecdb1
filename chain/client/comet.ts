/** The query transports a client has: a cosmjs Comet client, or a node's JSON-RPC URL without cosmjs. */
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

/** `abci_query` over plain JSON-RPC (fetch): for tests and tools that do not load cosmjs. */
export function jsonRpcQuerier(url: string): AbciQuerier {
  return jsonRpcAbciQuerier(async (method, params) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string; data?: string } };
    if (body.result === undefined)
      throw new Error(`${method}: ${body.error?.message ?? "no result"} ${body.error?.data ?? ""}`);
    return body.result;
  });
}
