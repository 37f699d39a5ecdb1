/**
 * Answers an HTTP JSON-RPC batch as a stream, with backpressure: each response is written
 * as soon as it is computed, and the next call waits until the client has taken what was
 * written. A client that does not read therefore holds one response in memory, not the
 * whole batch. Past `maxBatchResponseBytes` the remaining calls are not run; each gets an
 * error instead, so a batch cannot answer with many times its own size without bound.
 */
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import type { RpcLimits } from "./context.js";
import { JSONRPC_SERVER_ERROR, jsonRpcError } from "./errors.js";
import { errorResponse, serialize, type JsonRpcResponse } from "./jsonrpc.js";

export async function answerBatch(
  res: ServerResponse,
  requests: readonly unknown[],
  call: (request: unknown) => Promise<JsonRpcResponse | undefined>,
  limits: Pick<RpcLimits, "maxBatchResponseBytes">,
): Promise<void> {
  let first: string | undefined;
  let started = false;
  let bytes = 0;
  const gone = (): boolean => res.destroyed || res.writableEnded;

  for (const request of requests) {
    if (gone()) return;
    let response: JsonRpcResponse | undefined;
    if (bytes > limits.maxBatchResponseBytes) {
      const id = idOf(request);
      if (id === undefined) continue;
      const error = jsonRpcError(
        JSONRPC_SERVER_ERROR,
        `batch response exceeds max_batch_response_bytes ${limits.maxBatchResponseBytes}`,
      );
      response = errorResponse(id, error);
    } else {
      response = await call(request);
    }
    if (response === undefined) continue;
    const text = serialize(response);
    bytes += text.length;
    if (first === undefined && !started) {
      first = text;
      continue;
    }
    if (!started) {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(`[${first}`);
      started = true;
    }
    if (!res.write(`,${text}`)) await drainedOrClosed(res);
  }
  if (gone()) return;
  if (started) res.end("]");
  // As CometBFT: a single response is written as an object, even for a batch of one.
  else res.writeHead(200, { "content-type": "application/json" }).end(first ?? "");
}

/** The id a response must carry, or undefined for a notification (or a request too broken to have one). */
function idOf(request: unknown): string | number | null | undefined {
  if (typeof request !== "object" || request === null || Array.isArray(request)) return null;
  const id = (request as Record<string, unknown>).id;
  if (id === undefined || id === null) return undefined;
  return typeof id === "string" || typeof id === "number" ? id : null;
}

async function drainedOrClosed(res: ServerResponse): Promise<void> {
  const done = new AbortController();
  const { signal } = done;
  try {
    await Promise.race([once(res, "drain", { signal }), once(res, "close", { signal })]);
  } finally {
    done.abort();
  }
}
