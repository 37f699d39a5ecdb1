/**
 * One JSON body POSTed over node:http(s), answered by the parsed JSON body. For the commands
 * that must start at once (`strike status`): the global `fetch` costs about a tenth of a
 * second to load (undici) on every run, node:http almost nothing.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";

export async function postJson(url: string, body: unknown): Promise<unknown> {
  const target = new URL(url);
  // TLS is loaded only for an https node.
  const request = target.protocol === "https:" ? (await import("node:https")).request : httpRequest;
  const options: RequestOptions = { method: "POST", headers: { "content-type": "application/json" } };
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(target, options, (res: IncomingMessage) => {
      let chunks = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (chunks += chunk));
      res.on("end", () => resolve(chunks));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
  return JSON.parse(text) as unknown;
}
