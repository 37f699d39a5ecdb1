/**
 * The one way the node and the relayer reach an L1 endpoint: every JSON-RPC request has a
 * deadline. ethers' own default is five minutes, so one request an endpoint never answered
 * held a relayer round, or a node's deposit poll, for that long.
 */
import { FetchRequest, JsonRpcProvider } from "ethers";

/** A request the L1 has not answered in this long fails (and the loop around it retries). */
export const L1_REQUEST_TIMEOUT_MS = 10_000;

export interface L1ProviderOptions {
  timeoutMs?: number;
  /** ethers' polling for tx receipts and events (off: the caller polls itself). */
  pollingInterval?: number;
}

export function createL1Provider(url: string, o: L1ProviderOptions = {}): JsonRpcProvider {
  const request = new FetchRequest(url);
  request.timeout = o.timeoutMs ?? L1_REQUEST_TIMEOUT_MS;
  return new JsonRpcProvider(request, undefined, {
    staticNetwork: true,
    batchMaxCount: 1,
    // No sharing of identical requests (ethers' default shares them for 250 ms): a relayer that
    // lands one checkpoint and asks for its account's pending nonce again within 250 ms got the
    // old nonce back, and every such send failed with "nonce has already been used" (`make
    // start`'s relayer, on an automining Hardhat, fell further behind with each round).
    cacheTimeout: -1,
    ...(o.pollingInterval === undefined ? { polling: false } : { pollingInterval: o.pollingInterval }),
  });
}
