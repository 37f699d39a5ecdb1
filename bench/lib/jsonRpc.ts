/**
 * The load generators' JSON-RPC over HTTP: node:http on kept-alive connections. The clients
 * share this machine's two cores with the validators they measure, so what a request costs
 * the client is taken from the validators. Node's `fetch` (undici) cost 370–620 µs of CPU per
 * small POST here against 57–125 µs for `http.request` on a kept-alive agent (4,000 requests,
 * 32 in flight, 2026-12-05); at 500 orders/s that difference alone is ~0.2 of a core.
 */
import http from "node:http";

/** One pool for the whole run: a connection per request in flight, reused after. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

/**
 * POSTs `body` (JSON text) to `url`; resolves with the status and the response's text. A
 * kept-alive connection the server closed as it was reused is reset before the request
 * reached it: that one request is sent again on a fresh connection (Node's documented
 * pattern, `request.reusedSocket`).
 */
export function postJson(url: string, body: string, timeoutMs?: number): Promise<{ status: number; text: string }> {
  return post(url, body, timeoutMs).catch((e: unknown) => {
    if (e instanceof StaleConnection) return post(url, body, timeoutMs);
    throw e;
  });
}

class StaleConnection extends Error {}

function post(url: string, body: string, timeoutMs?: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.once("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.once("error", reject);
      },
    );
    if (timeoutMs !== undefined)
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} in ${timeoutMs} ms`)));
    req.once("error", (e: NodeJS.ErrnoException) =>
      reject(req.reusedSocket && e.code === "ECONNRESET" ? new StaleConnection(e.message) : e),
    );
    req.end(body);
  });
}

/** A JSON-RPC call: its result, or an Error carrying the node's error message (or the HTTP status when the body is not JSON). */
export async function jsonRpc<T>(
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  timeoutMs?: number,
): Promise<T> {
  const { status, text } = await postJson(url, JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }), timeoutMs);
  let body: { result?: T; error?: { message: string; data?: string } };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`${method}: HTTP ${status}, not JSON: ${text.slice(0, 120)}`);
  }
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message} ${body.error.data ?? ""}`);
  return body.result as T;
}
