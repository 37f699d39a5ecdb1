/**
 * Reads checkpoints from a Strike node over its CometBFT JSON-RPC (the checkpoint module's
 * typed query client over `abci_query`): the relayer needs nothing but a node's RPC address.
 */
import { jsonRpcQuerier } from "../chain/client/comet.js";
import { strikeQueries } from "../chain/client/queries.js";
import { createQueryRpc, refusal } from "../chain/client/queryRpc.js";
import type { QueryCheckpointResponse } from "../chain/codec/generated/strike/checkpoint/v1/query.js";
import { relayerErrors } from "./errors.js";

export type ChainCheckpoint = QueryCheckpointResponse;

export interface StrikeSource {
  /** Checkpoints above `afterHeight`, ascending, with their signatures. */
  checkpointsAfter(afterHeight: bigint, limit?: number): Promise<ChainCheckpoint[]>;
  /** The node's latest committed height (CometBFT `status`). */
  latestHeight(): Promise<bigint>;
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
  const checkpoint = strikeQueries(createQueryRpc(jsonRpcQuerier(url, { timeoutMs }))).checkpoint;
  return {
    async checkpointsAfter(afterHeight, limit = 50) {
      // Every failure, the node's refusal or the transport's, is the relayer's strike_rpc kind.
      const res = await checkpoint.Checkpoints({ afterHeight, limit }).catch((e: unknown) => {
        const r = refusal(e);
        throw relayerErrors.strikeRpc(
          r === undefined ? `${url}: ${String(e)}` : `checkpoints after ${afterHeight}: code ${r.code} ${r.log}`,
        );
      });
      return res.checkpoints;
    },
    async latestHeight() {
      const s = await call<{ sync_info: { latest_block_height: string } }>("status", {});
      return BigInt(s.sync_info.latest_block_height);
    },
  };
}
