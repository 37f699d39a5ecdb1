/**
 * One JSON-RPC 2.0 call, from the parsed request object to the response object, with
 * CometBFT's error codes. Nothing a client sends can make this throw.
 */
import type { CallContext, JsonRpcId, RouteTable } from "./context.js";
import {
  JSONRPC_INTERNAL_ERROR,
  JSONRPC_INVALID_REQUEST,
  JSONRPC_METHOD_NOT_FOUND,
  jsonRpcError,
  toJsonRpcError,
  type JsonRpcError,
} from "./errors.js";
import { argsFromJson } from "./params.js";

export interface JsonRpcResponse {
  jsonrpc: "2.0";
  id: JsonRpcId | null;
  result?: unknown;
  error?: JsonRpcError;
}

export function errorResponse(id: JsonRpcId | null, error: JsonRpcError): JsonRpcResponse {
  return { jsonrpc: "2.0", id, error };
}

function isValidId(id: unknown): id is JsonRpcId {
  return typeof id === "string" || (typeof id === "number" && Number.isSafeInteger(id));
}

/** Returns undefined for notifications (requests without an id), which get no reply. */
export async function callMethod(
  routes: RouteTable,
  base: Omit<CallContext, "id">,
  request: unknown,
  transport: "http" | "ws",
): Promise<JsonRpcResponse | undefined> {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    return errorResponse(null, jsonRpcError(JSONRPC_INVALID_REQUEST, "request must be a JSON object"));
  }
  const { id, method, params } = request as Record<string, unknown>;
  if (id === undefined || id === null) return undefined;
  if (!isValidId(id))
    return errorResponse(null, jsonRpcError(JSONRPC_INVALID_REQUEST, "id must be a string or an integer"));
  if (typeof method !== "string")
    return errorResponse(id, jsonRpcError(JSONRPC_INVALID_REQUEST, "method must be a string"));
  const route = Object.hasOwn(routes, method) ? routes[method] : undefined;
  if (route === undefined || (route.wsOnly === true && transport !== "ws")) {
    return errorResponse(id, jsonRpcError(JSONRPC_METHOD_NOT_FOUND));
  }
  try {
    const args = argsFromJson(route.args, params);
    const result = await route.handler({ ...base, id }, args);
    return { jsonrpc: "2.0", id, result };
  } catch (e) {
    return errorResponse(id, toJsonRpcError(e, "json"));
  }
}

/** The id a response must carry, or undefined for a notification (or a request too broken to have one). */
export function requestId(request: unknown): JsonRpcId | null | undefined {
  if (typeof request !== "object" || request === null || Array.isArray(request)) return null;
  const id = (request as Record<string, unknown>).id;
  if (id === undefined || id === null) return undefined;
  return isValidId(id) ? id : null;
}

/** Serialises a response; a result that cannot be serialised becomes an internal error instead of a crash. */
export function serialize(response: JsonRpcResponse | JsonRpcResponse[]): string {
  try {
    return JSON.stringify(response);
  } catch (e) {
    return marshalFailure(Array.isArray(response) ? null : response.id, e);
  }
}

/** The internal-error response sent in place of a response that could not be encoded. */
export function marshalFailure(id: JsonRpcId | null, e: unknown): string {
  return JSON.stringify(
    errorResponse(id, jsonRpcError(JSONRPC_INTERNAL_ERROR, `error marshaling response: ${String(e)}`)),
  );
}
