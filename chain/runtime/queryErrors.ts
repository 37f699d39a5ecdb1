/**
 * Query failures worded as Cosmos' gRPC errors reach ABCI query results
 * ("rpc error: code = NotFound desc = …: key not found"): cosmjs matches on this text,
 * e.g. to turn an unknown account into `null`.
 */
import { sdkErrors } from "../types/errors.js";
import type { StrikeError } from "../types/errors.js";

export function grpcNotFound(desc: string): StrikeError {
  return sdkErrors.keyNotFound(`rpc error: code = NotFound desc = ${desc}`);
}

export function grpcInvalidArgument(desc: string): StrikeError {
  return sdkErrors.invalidRequest(`rpc error: code = InvalidArgument desc = ${desc}`);
}
