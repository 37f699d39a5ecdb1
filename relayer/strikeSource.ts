/**
 * Reads checkpoints from a Strike node over its CometBFT JSON-RPC (`abci_query` on the
 * checkpoint module's query paths): the relayer needs nothing but a node's RPC address.
 */
import {
  QueryCheckpointsRequest,
  QueryCheckpointsResponse,
  type QueryCheckpointResponse,
} from "../chain/codec/generated/strike/checkpoint/v1/query.js";
import { relayerErrors } from "./errors.js";

export type ChainCheckpoint = QueryCheckpointResponse;

export interface StrikeSource {
  /** Checkpoints above `afterHeight`, ascending, with their signatures. */
  checkpointsAfter(afterHeight: bigint, limit?: number): Promise<ChainCheckpoint[]>;
}

interface AbciQueryResult {
  response: { code: number; log: string; value?: string | null };
}

export function createStrikeSource(rpcUrl: string, timeoutMs = 10_000): StrikeSource {
  const url = rpcUrl.replace(/^tcp:\/\//, "http://");
  let id = 0;
  const abciQuery = async (path: string, data: Uint8Array): Promise<Uint8Array> => {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: ++id,
      method: "abci_query",
      params: { path, data: Buffer.from(data).toString("hex"), height: "0", prove: false },
    });
    let json: { result?: AbciQueryResult; error?: { message: string; data?: string } };
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      json = (await res.json()) as typeof json;
    } catch (e) {
      throw relayerErrors.strikeRpc(`${url}: ${String(e)}`);
    }
    if (json.result === undefined) throw relayerErrors.strikeRpc(`${path}: ${json.error?.message ?? "no result"}`);
    const r = json.result.response;
    if (r.code !== 0) throw relayerErrors.strikeRpc(`${path}: code ${r.code} ${r.log}`);
    return new Uint8Array(Buffer.from(r.value ?? "", "base64"));
  };
  return {
    async checkpointsAfter(afterHeight, limit = 50) {
      const raw = await abciQuery(
        "/strike.checkpoint.v1.Query/Checkpoints",
        QueryCheckpointsRequest.encode({ afterHeight, limit }).finish(),
      );
      return QueryCheckpointsResponse.decode(raw).checkpoints;
    },
  };
}
