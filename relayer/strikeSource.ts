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
  /** The node's latest committed height (CometBFT `status`). */
  latestHeight(): Promise<bigint>;
}

interface AbciQueryResult {
  response: { code: number; log: string; value?: string | null };
}

export function createStrikeSource(rpcUrl: string, timeoutMs = 10_000): StrikeSource {
  const url = rpcUrl.replace(/^tcp:\/\//, "http://");
  let id = 0;
  const call = async <T>(method: string, params: Record<string, unknown>): Promise<T> => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params });
    let json: { result?: T; error?: { message: string; data?: string } };
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
    if (json.result === undefined) throw relayerErrors.strikeRpc(`${method}: ${json.error?.message ?? "no result"}`);
    return json.result;
  };
  const abciQuery = async (path: string, data: Uint8Array): Promise<Uint8Array> => {
    const result = await call<AbciQueryResult>("abci_query", {
      path,
      data: Buffer.from(data).toString("hex"),
      height: "0",
      prove: false,
    });
    const r = result.response;
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
    async latestHeight() {
      const s = await call<{ sync_info: { latest_block_height: string } }>("status", {});
      return BigInt(s.sync_info.latest_block_height);
    },
  };
}
