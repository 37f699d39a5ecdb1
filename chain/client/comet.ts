/** The query transports a client has: a cosmjs Comet client, or a node's JSON-RPC URL without cosmjs. */
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
  return async (path, data, height) => {
    const params: Record<string, string> = { path, data: Buffer.from(data).toString("hex") };
    if (height !== undefined) params["height"] = height.toString();
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "abci_query", params }),
    });
    const body = (await res.json()) as {
      result?: { response: { code?: number; codespace?: string; log?: string; value?: string | null } };
      error?: { message: string; data?: string };
    };
    if (body.result === undefined)
      throw new Error(`abci_query: ${body.error?.message ?? "no result"} ${body.error?.data ?? ""}`);
    const r = body.result.response;
    return {
      code: r.code ?? 0,
      codespace: r.codespace ?? "",
      log: r.log ?? "",
      value: new Uint8Array(Buffer.from(r.value ?? "", "base64")),
    };
  };
}
