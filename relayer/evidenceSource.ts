/**
 * What judging a landed checkpoint reads from a Strike node, over its typed query clients:
 * the chain's checkpoint at a height, its newest, the checkpoint params (scheme, pruning
 * depth, L1 domain), the chain id, and which validator operator registered an Ethereum
 * address (staking's validators, then checkpoint's EthKey for each).
 */
import { getAddress, hexlify } from "ethers";
import { jsonRpcQuerier } from "../chain/client/comet.js";
import { strikeQueries } from "../chain/client/queries.js";
import { createQueryRpc, refusal } from "../chain/client/queryRpc.js";
import type { Checkpoint } from "../chain/codec/generated/strike/checkpoint/v1/checkpoint.js";
import { relayerErrors } from "./errors.js";

/** The SDK's "key not found": what a query for something absent is refused with. */
const NOT_FOUND = { code: 22, codespace: "sdk" };

export interface CheckpointParamsView {
  scheme: string;
  keepHeights: bigint;
}

export interface EvidenceSource {
  /** The chain's checkpoint at `height`, or undefined if it recorded none there (or pruned it). */
  checkpointAt(height: bigint): Promise<Checkpoint | undefined>;
  /** The newest checkpoint's height, or undefined before the first. */
  newestCheckpointHeight(): Promise<bigint | undefined>;
  params(): Promise<CheckpointParamsView>;
  chainId(): Promise<string>;
  /** Checksummed Ethereum address → operator, of every validator with a registered key. */
  ethOperators(): Promise<Map<string, string>>;
}

export function createEvidenceSource(rpcUrl: string, timeoutMs = 10_000): EvidenceSource {
  const url = rpcUrl.replace(/^tcp:\/\//, "http://");
  const q = strikeQueries(createQueryRpc(jsonRpcQuerier(url, { timeoutMs })));
  const failed = (what: string) => (e: unknown) => {
    const r = refusal(e);
    throw relayerErrors.strikeRpc(r === undefined ? `${url}: ${String(e)}` : `${what}: code ${r.code} ${r.log}`);
  };
  const absent = (e: unknown): boolean => {
    const r = refusal(e);
    return r !== undefined && r.code === NOT_FOUND.code && r.codespace === NOT_FOUND.codespace;
  };
  const maybe = async <T>(what: string, p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (e) {
      if (absent(e)) return undefined;
      return failed(what)(e);
    }
  };
  return {
    async checkpointAt(height) {
      // Height 0 asks for the newest: never what a landed height means.
      if (height === 0n) return undefined;
      return (await maybe(`checkpoint ${height}`, q.checkpoint.Checkpoint({ height })))?.checkpoint;
    },
    async newestCheckpointHeight() {
      return (await maybe("newest checkpoint", q.checkpoint.Checkpoint({ height: 0n })))?.checkpoint?.height;
    },
    async params() {
      const p = (await q.checkpoint.Params({}).catch(failed("checkpoint params"))).params;
      return { scheme: p?.scheme ?? "ecdsa", keepHeights: p?.keepHeights ?? 0n };
    },
    async chainId() {
      let json: { result?: { node_info: { network: string } } };
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "status", params: {} }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        json = (await res.json()) as typeof json;
      } catch (e) {
        throw relayerErrors.strikeRpc(`${url}: ${String(e)}`);
      }
      if (json.result === undefined) throw relayerErrors.strikeRpc(`${url}: status has no result`);
      return json.result.node_info.network;
    },
    async ethOperators() {
      const { validators } = await q.staking.Validators({ status: "" }).catch(failed("validators"));
      const out = new Map<string, string>();
      for (const v of validators) {
        const operator = v.validator?.operatorAddress;
        if (operator === undefined) continue;
        const key = await maybe(`Ethereum key of ${operator}`, q.checkpoint.EthKey({ operator }));
        if (key?.key !== undefined && key.key.ethAddress.length === 20)
          out.set(getAddress(hexlify(key.key.ethAddress)), operator);
      }
      return out;
    },
  };
}
