/**
 * `abci_query` as a JSON-RPC call over any transport that can send one (an HTTP POST, a
 * browser's websocket). Free of Node's Buffer, so the dashboard bundles it as it is.
 */
import type { AbciQuerier } from "./queryRpc.js";

/** Sends one JSON-RPC call and resolves with its `result` (rejects on an error answer). */
export type JsonRpcCall = (method: string, params: Record<string, string>) => Promise<unknown>;

interface AbciQueryResult {
  response: { code?: number; codespace?: string; log?: string; value?: string | null };
}

function hexOf(data: Uint8Array): string {
  let out = "";
  for (const b of data) out += b.toString(16).padStart(2, "0");
  return out;
}

function bytesOfBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function jsonRpcAbciQuerier(call: JsonRpcCall): AbciQuerier {
  return async (path, data, height) => {
    const params: Record<string, string> = { path, data: hexOf(data) };
    if (height !== undefined) params["height"] = height.toString();
    const { response: r } = (await call("abci_query", params)) as AbciQueryResult;
    return {
      code: r.code ?? 0,
      codespace: r.codespace ?? "",
      log: r.log ?? "",
      value: bytesOfBase64(r.value ?? ""),
    };
  };
}
