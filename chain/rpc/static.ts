/**
 * The dashboard's files at /ui: a flat folder of built assets, read-only, no directory walking.
 * Each file is read once and kept while its size and modification time stay (a rebuild is
 * served at once), so every client is sent the same buffer: counted once in the node's write
 * budget however many clients hold it unread (sendBudget.ts), where a fresh copy per request
 * (the source map is ~1.4 MB) was memory outside it.
 */
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  map: "application/json",
  svg: "image/svg+xml",
};
/** One path segment of letters, digits, dots, dashes and underscores, not starting with a dot. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** A file as read (or being read): served again while its size and modification time are the same. */
interface Cached {
  mtimeMs: number;
  size: number;
  body: Promise<Buffer>;
}
const MAX_CACHED_FILES = 64;

/** A file's contents, from `cache` when unchanged since it was read; requests that come together share one read. */
async function contents(cache: Map<string, Cached>, path: string): Promise<Buffer> {
  const s = await stat(path);
  const hit = cache.get(path);
  if (hit !== undefined && hit.mtimeMs === s.mtimeMs && hit.size === s.size) return hit.body;
  if (cache.size >= MAX_CACHED_FILES) cache.clear();
  const body = readFile(path);
  cache.set(path, { mtimeMs: s.mtimeMs, size: s.size, body });
  body.catch(() => {
    if (cache.get(path)?.body === body) cache.delete(path);
  });
  return body;
}

/** Sends a body through the write budget: a 503 when it has no room, and counted until written. */
export type SendShared = (res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer) => void;

export function createStaticFiles(send: SendShared) {
  const cache = new Map<string, Cached>();
  return (req: IncomingMessage, res: ServerResponse, dir: string | undefined, name: string) =>
    serveStatic(req, res, dir, name, cache, send);
}

async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  dir: string | undefined,
  name: string,
  cache: Map<string, Cached>,
  send: SendShared,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  if (dir === undefined) {
    res.writeHead(404, { "content-type": "text/plain" }).end("the dashboard is not built: run `make build`\n");
    return;
  }
  const file = name === "" ? "index.html" : name;
  const ext = file.slice(file.lastIndexOf(".") + 1);
  const type = TYPES[ext];
  if (!FILE_NAME.test(file) || type === undefined) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  let body: Buffer;
  try {
    body = await contents(cache, join(dir, file));
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  const headers = { "content-type": type, "cache-control": "no-cache" };
  if (req.method === "HEAD") res.writeHead(200, { ...headers, "content-length": String(body.length) }).end();
  else send(res, 200, headers, body);
}
