/** The dashboard's files at /ui: a flat folder of built assets, read-only, no directory walking. */
import { readFile } from "node:fs/promises";
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

export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  dir: string | undefined,
  name: string,
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
    body = await readFile(join(dir, file));
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  res
    .writeHead(200, { "content-type": type, "cache-control": "no-cache" })
    .end(req.method === "HEAD" ? undefined : body);
}
