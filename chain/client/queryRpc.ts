/**
 * The one place that turns a protobuf service call into an `abci_query` path: cosmjs's
 * `ProtobufRpcClient` shape (`request(service, method, data)`) over anything that answers
 * `abci_query` — a Comet client, a raw JSON-RPC endpoint, or an in-process app in tests.
 * The generated query clients (chain/client/queries.ts) call it; nobody writes a path.
 */
import { registerError } from "../types/errors.js";

/** What a generated `QueryClientImpl` needs (cosmjs's `ProtobufRpcClient`). */
export interface QueryRpc {
  request(service: string, method: string, data: Uint8Array): Promise<Uint8Array>;
}

/** An `abci_query` answer, in the fields every transport has. */
export interface AbciAnswer {
  code?: number;
  codespace?: string;
  log?: string;
  value: Uint8Array;
}

/** Sends one `abci_query` (path, request bytes, optional height). */
export type AbciQuerier = (path: string, data: Uint8Array, height?: bigint) => Promise<AbciAnswer>;

export const clientErrors = {
  /** The node refused the query; `details` keeps its `code`, `codespace` and `log`. */
  queryFailed: registerError("client", 1, "the node refused the query"),
};

/** The path a service method is served on (`/strike.orderbook.v1.Query/Markets`). */
export function queryPath(service: string, method: string): string {
  return `/${service}/${method}`;
}

/**
 * A `QueryRpc` over `query`; at `height` when given (0 or none: the latest). A refused query
 * throws `client/1` with the node's code, codespace and log in its details.
 */
export function createQueryRpc(query: AbciQuerier, options: { height?: bigint } = {}): QueryRpc {
  const { height } = options;
  return {
    async request(service, method, data) {
      const res = await query(
        queryPath(service, method),
        data,
        height !== undefined && height > 0n ? height : undefined,
      );
      const code = res.code ?? 0;
      if (code !== 0) {
        const codespace = res.codespace ?? "";
        throw clientErrors.queryFailed(`${res.log ?? ""} (code ${code}, codespace ${codespace || "-"})`, {
          code,
          codespace,
          log: res.log ?? "",
        });
      }
      return res.value;
    },
  };
}

/** Why the node refused a query: its own code, codespace and log. */
export interface Refusal {
  code: number;
  codespace: string;
  log: string;
}

/** The node's own code and codespace of a refused query, or undefined for any other error. */
export function refusal(e: unknown): Refusal | undefined {
  if (!clientErrors.queryFailed.is(e)) return undefined;
  const d = (e as { details: Record<string, unknown> }).details;
  return { code: Number(d["code"]), codespace: String(d["codespace"]), log: String(d["log"]) };
}

/**
 * A `.catch` handler that rethrows a refused query as the caller's own error (`as`); any
 * other error (the transport's) passes unchanged.
 */
export function refusedAs(as: (refused: Refusal) => unknown): (e: unknown) => never {
  return (e) => {
    const refused = refusal(e);
    throw refused === undefined ? e : as(refused);
  };
}
