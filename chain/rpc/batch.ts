/**
 * Answers an HTTP JSON-RPC batch, with backpressure. Responses are written in request order,
 * gathered into writes of up to `WRITE_CHUNK_BYTES` (one socket write per response would
 * cost a loopback write, and the receiver's wake-up, per tx), and the next call waits while
 * the client has not taken what was written: a client that does not read holds one chunk and
 * the calls in flight in memory, not the whole batch. Past `maxBatchResponseBytes` the
 * remaining calls are not run; each gets an error instead, so a batch cannot answer with many
 * times its own size without bound. What is written is counted against the node's write budget
 * (sendBudget.ts) until the kernel has it.
 *
 * Calls run one after another, except that a call `overlaps` accepts may start before the
 * calls ahead of it have answered, when those are overlapping calls too (up to
 * `MAX_IN_FLIGHT` at once). Broadcasts overlap: their effects are ordered by the mempool's
 * admission queue, which they join in request order as they start, so an account's
 * consecutive sequences in one batch are admitted in order while the batch's signatures are
 * verified together. Any other call starts only once every call before it has answered, and
 * the calls after it wait for it, as before.
 */
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import type { RpcLimits } from "./context.js";
import { JSONRPC_SERVER_ERROR, jsonRpcError } from "./errors.js";
import { errorResponse, requestId, serialize, type JsonRpcResponse } from "./jsonrpc.js";
import type { SendLedger } from "./sendBudget.js";

export const WRITE_CHUNK_BYTES = 16 * 1024;
export const MAX_IN_FLIGHT = 64;

export async function answerBatch(
  res: ServerResponse,
  requests: readonly unknown[],
  call: (request: unknown) => Promise<JsonRpcResponse | undefined>,
  limits: Pick<RpcLimits, "maxBatchResponseBytes">,
  overlaps: (request: unknown) => boolean = () => false,
  ledger?: SendLedger,
): Promise<void> {
  let first: string | undefined;
  let started = false;
  /** Serialized text not yet written. */
  let chunk = "";
  let bytes = 0;
  const gone = (): boolean => res.destroyed || res.writableEnded;
  /**
   * Writes (or, `last`, ends with) text counted against the node's write budget until the
   * kernel has it; undefined, and the response cut, when the budget has no room for it.
   */
  const write = (text: string, last = false): boolean | undefined => {
    const size = Buffer.byteLength(text);
    if (ledger !== undefined && !ledger.reserve(size)) {
      res.destroy();
      return undefined;
    }
    const written = (): void => ledger?.release(size);
    if (!last) return res.write(text, written);
    res.end(text, written);
    return true;
  };

  /** Calls started and not yet written, in request order. */
  const inFlight: Promise<JsonRpcResponse | undefined>[] = [];
  /** Whether the calls in flight are overlapping ones (a lone other call is never joined). */
  let inFlightOverlap = false;
  let next = 0;
  const start = (): void => {
    const request = requests[next++];
    if (bytes > limits.maxBatchResponseBytes) {
      const id = requestId(request);
      if (id === undefined) return;
      const error = jsonRpcError(
        JSONRPC_SERVER_ERROR,
        `batch response exceeds max_batch_response_bytes ${limits.maxBatchResponseBytes}`,
      );
      inFlight.push(Promise.resolve(errorResponse(id, error)));
      return;
    }
    inFlight.push(call(request));
  };

  while (next < requests.length || inFlight.length > 0) {
    if (gone()) return;
    // Start what may run now: a call when nothing is in flight, or an overlapping call
    // behind overlapping ones.
    while (next < requests.length && inFlight.length < MAX_IN_FLIGHT) {
      const overlapping = overlaps(requests[next]);
      if (inFlight.length > 0 && !(overlapping && inFlightOverlap)) break;
      inFlightOverlap = overlapping;
      start();
    }
    if (inFlight.length === 0) continue; // a notification past the limit: nothing to answer
    const response = await inFlight.shift()!;
    if (response === undefined) continue;
    const text = serialize(response);
    bytes += text.length;
    if (first === undefined && !started) {
      first = text;
      continue;
    }
    if (!started) {
      res.writeHead(200, { "content-type": "application/json" });
      chunk = `[${first}`;
      started = true;
    }
    chunk += `,${text}`;
    if (chunk.length >= WRITE_CHUNK_BYTES) {
      const written = write(chunk);
      chunk = "";
      if (written === undefined) return;
      if (!written) await drainedOrClosed(res);
    }
  }
  if (gone()) return;
  if (started) write(`${chunk}]`, true);
  else {
    // As CometBFT: a single response is written as an object, even for a batch of one.
    res.writeHead(200, { "content-type": "application/json" });
    write(first ?? "", true);
  }
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
