/**
 * Connections to a node through the unmodified cosmjs clients, with transport failures
 * turned into one clear message that names the URL. cosmjs is imported only when a command
 * connects (it costs about half a second to load), so `--help` and offline commands start at once.
 */
import type { StargateClient } from "@cosmjs/stargate";
import type { Comet38Client } from "@cosmjs/tendermint-rpc";
import { cliErrors } from "./errors.js";
import { rpcHttpUrl } from "./globalOptions.js";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

export function isNetworkError(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    const err = cur as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown };
    if (typeof err.code === "string" && NETWORK_CODES.has(err.code)) return true;
    if (err.name === "TimeoutError" && typeof err.message === "string" && err.message.includes("aborted")) return true;
    if (typeof err.message === "string" && /fetch failed|Bad status on response: 5\d\d/.test(err.message)) return true;
    if (Array.isArray((cur as { errors?: unknown }).errors))
      return (cur as { errors: unknown[] }).errors.some(isNetworkError);
    cur = err.cause;
  }
  return false;
}

/** Runs `fn`; a connection failure becomes "cannot reach the node at <url>". */
export async function withNode<T>(node: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isNetworkError(e)) {
      throw cliErrors.nodeUnreachable(
        `cannot reach the node at ${rpcHttpUrl(node)} (is \`strike start\` running? set --node)`,
        { url: rpcHttpUrl(node) },
      );
    }
    throw e;
  }
}

export async function connectComet(node: string): Promise<Comet38Client> {
  const { Comet38Client } = await import("@cosmjs/tendermint-rpc");
  return Comet38Client.connect(rpcHttpUrl(node));
}

export async function connectQueryClient(node: string): Promise<{ comet: Comet38Client; client: StargateClient }> {
  const [comet, { StargateClient }] = await Promise.all([connectComet(node), import("@cosmjs/stargate")]);
  return { comet, client: StargateClient.create(comet) };
}
