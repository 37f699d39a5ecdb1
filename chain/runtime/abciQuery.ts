/**
 * ABCI queries: typed gRPC-style paths through the query router, raw `store/<module>/key`
 * reads (with proofs from the state store), `/app/version`, and Simulate.
 *
 * Heights: 0 or the latest version read the latest committed state. Older heights are read
 * through `StateStore.getAt`, which serves point reads only: raw store queries and typed
 * queries marked `pointReadsOnly` (Account, Balance, SupplyOf, DenomMetadata, Params) work
 * at past heights; iterating queries (AllBalances, TotalSupply, DenomsMetadata) answer
 * only at the latest height and say so.
 */
import type { KVStore, StateStore } from "../store/types.js";
import type { QueryRequest, QueryResponse } from "../types/abci.js";
import { toHex, utf8 } from "../types/bytes.js";
import { StrikeError, sdkErrors } from "../types/errors.js";
import { createQueryContext } from "./context.js";
import type { Timestamp } from "../types/abci.js";
import { moduleStorePrefix } from "./prefixStore.js";
import type { QueryRoute } from "./types.js";
import { concatBytes } from "../types/bytes.js";

export interface QueryEnv {
  state: StateStore;
  routes: ReadonlyMap<string, QueryRoute>;
  appVersion: string;
  simulate(data: Uint8Array): Uint8Array;
  /** Time of the latest block (queries that value things over time, such as option marks, use it). */
  lastBlockTime?(): Timestamp;
  /** The modules' store keys: a raw `store/<key>/key` query names one of them or is refused. */
  storeKeys?: ReadonlySet<string>;
}

function response(height: bigint, fields: Partial<QueryResponse>): QueryResponse {
  return {
    code: 0,
    codespace: "",
    log: "",
    info: "",
    index: 0n,
    key: new Uint8Array(0),
    value: new Uint8Array(0),
    proofOps: [],
    height,
    ...fields,
  };
}

function errorResponse(e: unknown, height: bigint): QueryResponse {
  const err = e instanceof StrikeError ? e : sdkErrors.unknownRequest("query failed");
  return response(height, { code: err.code, codespace: err.codespace, log: err.message });
}

class MissingKey {
  constructor(readonly key: Uint8Array) {}
}

/** A read-only store over already-fetched past values; an unfetched key throws MissingKey so the caller can fetch and retry. */
function pastStore(fetched: Map<string, Uint8Array | undefined>): KVStore {
  const get = (key: Uint8Array) => {
    const id = toHex(key);
    if (!fetched.has(id)) throw new MissingKey(key);
    return fetched.get(id);
  };
  const readOnly = () => {
    throw sdkErrors.invalidRequest("queries are read-only");
  };
  return {
    get,
    has: (key) => get(key) !== undefined,
    set: readOnly,
    delete: readOnly,
    iterator: () => {
      throw sdkErrors.invalidRequest(
        "this query iterates and can only be served at the latest height; query with height 0",
      );
    },
  };
}

async function runAtPastHeight(
  env: QueryEnv,
  route: QueryRoute,
  data: Uint8Array,
  version: number,
): Promise<Uint8Array> {
  const fetched = new Map<string, Uint8Array | undefined>();
  // Each pass fetches one more key the handler wanted; handlers read a handful of keys.
  for (let pass = 0; pass < 64; pass++) {
    try {
      return route.handle(createQueryContext(pastStore(fetched), BigInt(version), env.lastBlockTime?.()), data);
    } catch (e) {
      if (!(e instanceof MissingKey)) throw e;
      fetched.set(toHex(e.key), (await env.state.getAt(e.key, version)).value);
    }
  }
  throw sdkErrors.invalidRequest("query reads too many keys for a past height");
}

function resolveHeight(env: QueryEnv, requested: bigint): number {
  const latest = env.state.version;
  if (requested === 0n) return latest;
  if (requested > BigInt(latest))
    throw sdkErrors.invalidRequest(
      `cannot query with height in the future; please provide a valid height (latest ${latest})`,
    );
  if (requested < BigInt(env.state.earliestVersion)) {
    throw sdkErrors.invalidRequest(
      `height ${requested} is pruned; earliest available height is ${env.state.earliestVersion}`,
    );
  }
  return Number(requested);
}

async function rawStoreQuery(
  env: QueryEnv,
  req: QueryRequest,
  storeKey: string,
  version: number,
): Promise<QueryResponse> {
  // Every key lives in one tree, so an unknown store would answer with a true but useless proof
  // that the key is absent: say instead that there is no such store (as the Cosmos SDK does).
  if (env.storeKeys !== undefined && !env.storeKeys.has(storeKey))
    throw sdkErrors.unknownRequest(`no such store: "${storeKey}" (stores: ${[...env.storeKeys].sort().join(", ")})`);
  const fullKey = concatBytes(moduleStorePrefix(storeKey), req.data);
  const { value, proof } = await env.state.getAt(fullKey, version);
  const proofOps = req.prove ? [{ type: `strike:state:${proof.kind}`, key: fullKey, data: proof.steps }] : [];
  return response(BigInt(version), { key: req.data, value: value ?? new Uint8Array(0), proofOps });
}

export async function abciQuery(env: QueryEnv, req: QueryRequest): Promise<QueryResponse> {
  let version: number;
  try {
    version = resolveHeight(env, req.height);
  } catch (e) {
    return errorResponse(e, req.height);
  }
  const height = BigInt(version);
  try {
    if (req.path === "/app/version") return response(height, { value: utf8(env.appVersion) });
    if (req.path === "/cosmos.tx.v1beta1.Service/Simulate") return response(height, { value: env.simulate(req.data) });
    const raw = /^\/?store\/([^/]+)\/key$/.exec(req.path);
    if (raw !== null) return await rawStoreQuery(env, req, raw[1]!, version);
    const route = env.routes.get(req.path);
    if (route === undefined) throw sdkErrors.unknownRequest(`unknown query path ${req.path}`);
    if (version === env.state.version) {
      return response(height, {
        value: route.handle(createQueryContext(env.state.working, height, env.lastBlockTime?.()), req.data),
      });
    }
    if (route.pointReadsOnly !== true) {
      throw sdkErrors.invalidRequest(
        `${req.path} iterates over state and can only be served at the latest height; query with height 0`,
      );
    }
    return response(height, { value: await runAtPastHeight(env, route, req.data, version) });
  } catch (e) {
    return errorResponse(e, height);
  }
}
