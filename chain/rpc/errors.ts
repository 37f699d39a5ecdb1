import { isStrikeError, registerError, type StrikeError } from "../types/errors.js";

/**
 * Errors raised by RPC handlers. Each maps onto a JSON-RPC error code the way CometBFT's
 * server does: bad arguments are -32602 "Invalid params", everything a handler reports
 * about the chain (height out of range, tx not found) is -32603 "Internal error" with the
 * sentence in `data`.
 */
export const rpcErrors = {
  invalidParams: registerError("rpc", 1, "invalid params"),
  notFound: registerError("rpc", 2, "not found"),
  heightOutOfRange: registerError("rpc", 3, "height out of range"),
  invalidPage: registerError("rpc", 4, "invalid page"),
  timeout: registerError("rpc", 5, "timed out"),
  subscription: registerError("rpc", 6, "subscription failed"),
  invalidAddress: registerError("rpc", 7, "invalid listen address"),
  unavailable: registerError("rpc", 8, "service unavailable"),
} as const;

export const JSONRPC_PARSE_ERROR = -32700;
export const JSONRPC_INVALID_REQUEST = -32600;
export const JSONRPC_METHOD_NOT_FOUND = -32601;
export const JSONRPC_INVALID_PARAMS = -32602;
export const JSONRPC_INTERNAL_ERROR = -32603;
export const JSONRPC_SERVER_ERROR = -32000;

export interface JsonRpcError {
  code: number;
  message: string;
  data?: string;
}

const messages: Record<number, string> = {
  [JSONRPC_PARSE_ERROR]: "Parse error. Invalid JSON",
  [JSONRPC_INVALID_REQUEST]: "Invalid Request",
  [JSONRPC_METHOD_NOT_FOUND]: "Method not found",
  [JSONRPC_INVALID_PARAMS]: "Invalid params",
  [JSONRPC_INTERNAL_ERROR]: "Internal error",
  [JSONRPC_SERVER_ERROR]: "Server error",
};

export function jsonRpcError(code: number, data?: string): JsonRpcError {
  const error: JsonRpcError = { code, message: messages[code] ?? "Internal error" };
  if (data !== undefined && data !== "") error.data = data;
  return error;
}

/** The answer to a request the node has no room to queue an answer for (chain/rpc/sendBudget.ts). */
export function writeBuffersFull(limit: number): JsonRpcError {
  return jsonRpcError(
    JSONRPC_SERVER_ERROR,
    `the node's RPC write buffers are full (rpc.write_buffer_total_bytes ${limit}, answers clients have not read): read the answers already sent to you, then retry`,
  );
}

/** The message a client sees: the handler's sentence, as CometBFT words it, without our registry suffix. */
function sentence(e: StrikeError): string {
  for (const registered of Object.values(rpcErrors)) {
    const suffix = `: ${registered.description}`;
    if (registered.is(e) && e.message.endsWith(suffix)) return e.message.slice(0, -suffix.length);
  }
  return e.message;
}

/** `transport` names where arguments came from, as in CometBFT's "error converting json params to arguments". */
export function toJsonRpcError(e: unknown, transport: "json" | "http" = "json"): JsonRpcError {
  if (rpcErrors.invalidParams.is(e)) {
    return jsonRpcError(
      JSONRPC_INVALID_PARAMS,
      `error converting ${transport} params to arguments: ${sentence(e as StrikeError)}`,
    );
  }
  if (isStrikeError(e)) return jsonRpcError(JSONRPC_INTERNAL_ERROR, sentence(e));
  if (e instanceof Error) return jsonRpcError(JSONRPC_INTERNAL_ERROR, e.message);
  return jsonRpcError(JSONRPC_INTERNAL_ERROR, String(e));
}
