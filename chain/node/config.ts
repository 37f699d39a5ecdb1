/**
 * Node configuration: CometBFT's `config/config.toml` plus the Cosmos SDK's
 * `config/app.toml`, so that an operator who knows those files knows these. Every field
 * is declared once in `configFields` with its TOML key, its kind and where it lives in
 * `NodeConfig`; defaults, parsing, command-line overrides and writing all read that table.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, isAbsolute } from "node:path";
import { parse as parseToml, stringify as stringifyToml, TomlError } from "smol-toml";
import { registerError } from "../types/errors.js";

export const configErrors = {
  invalidConfig: registerError("config", 1, "invalid node configuration"),
  unreadableConfig: registerError("config", 2, "cannot read node configuration"),
} as const;

export type PruningStrategy = "default" | "nothing" | "everything" | "custom";
export type TxIndexer = "kv" | "null";

export interface NodeConfig {
  moniker: string;
  logLevel: string;
  /** File locations, relative to the home directory unless absolute. */
  genesisFile: string;
  nodeKeyFile: string;
  privValidatorKeyFile: string;
  privValidatorStateFile: string;
  dbDir: string;
  rpc: {
    laddr: string;
    corsAllowedOrigins: string[];
    maxBodyBytes: number;
    maxSubscriptionClients: number;
    timeoutBroadcastTxCommitMs: number;
    // Connection and reply bounds (issue 9, holes 2 and 6).
    maxOpenConnections: number;
    maxBatchRequests: number;
    maxBatchResponseBytes: number;
    websocketWriteBufferBytes: number;
  };
  p2p: {
    laddr: string;
    externalAddress: string;
    seeds: string[];
    persistentPeers: string[];
    maxNumInboundPeers: number;
    maxNumOutboundPeers: number;
  };
  mempool: {
    size: number;
    maxTxBytes: number;
    maxTxsBytes: number;
    cacheSize: number;
    recheck: boolean;
  };
  consensus: {
    walFile: string;
    timeoutProposeMs: number;
    timeoutProposeDeltaMs: number;
    timeoutPrevoteMs: number;
    timeoutPrevoteDeltaMs: number;
    timeoutPrecommitMs: number;
    timeoutPrecommitDeltaMs: number;
    timeoutCommitMs: number;
    createEmptyBlocks: boolean;
    createEmptyBlocksIntervalMs: number;
  };
  txIndex: { indexer: TxIndexer };
  app: {
    minimumGasPrices: string;
    pruning: PruningStrategy;
    pruningKeepRecent: number;
    pruningInterval: number;
    haltHeight: number;
  };
}

export function defaultConfig(moniker: string): NodeConfig {
  return {
    moniker,
    logLevel: "info",
    genesisFile: "config/genesis.json",
    nodeKeyFile: "config/node_key.json",
    privValidatorKeyFile: "config/priv_validator_key.json",
    privValidatorStateFile: "data/priv_validator_state.json",
    dbDir: "data/strike.db",
    rpc: {
      laddr: "tcp://127.0.0.1:26657",
      corsAllowedOrigins: [],
      maxBodyBytes: 1_000_000,
      maxSubscriptionClients: 100,
      timeoutBroadcastTxCommitMs: 10_000,
      maxOpenConnections: 900,
      maxBatchRequests: 1000,
      maxBatchResponseBytes: 25_000_000,
      websocketWriteBufferBytes: 16_777_216,
    },
    p2p: {
      laddr: "tcp://0.0.0.0:26656",
      externalAddress: "",
      seeds: [],
      persistentPeers: [],
      maxNumInboundPeers: 40,
      maxNumOutboundPeers: 10,
    },
    mempool: { size: 20_000, maxTxBytes: 1_048_576, maxTxsBytes: 1_073_741_824, cacheSize: 100_000, recheck: true },
    consensus: {
      walFile: "data/cs.wal",
      timeoutProposeMs: 3000,
      timeoutProposeDeltaMs: 500,
      timeoutPrevoteMs: 1000,
      timeoutPrevoteDeltaMs: 500,
      timeoutPrecommitMs: 1000,
      timeoutPrecommitDeltaMs: 500,
      timeoutCommitMs: 100,
      createEmptyBlocks: true,
      createEmptyBlocksIntervalMs: 0,
    },
    txIndex: { indexer: "kv" },
    app: {
      minimumGasPrices: "0.025ustrike",
      pruning: "custom",
      pruningKeepRecent: 100_000,
      pruningInterval: 100,
      haltHeight: 0,
    },
  };
}

type FieldKind = "string" | "duration" | "uint" | "bool" | "list" | { oneOf: readonly string[] };
type FieldValue = string | number | boolean | string[];

export interface ConfigField {
  file: "config.toml" | "app.toml";
  /** The TOML key, dotted by table; also the `--flag` name of `strike start`. */
  key: string;
  kind: FieldKind;
  description: string;
  get(c: NodeConfig): FieldValue;
  set(c: NodeConfig, v: FieldValue): void;
}

function field(
  file: ConfigField["file"],
  key: string,
  kind: FieldKind,
  description: string,
  get: (c: NodeConfig) => FieldValue,
  set: (c: NodeConfig, v: never) => void,
): ConfigField {
  return { file, key, kind, description, get, set: set as ConfigField["set"] };
}

const C = "config.toml" as const;
const A = "app.toml" as const;

export const configFields: readonly ConfigField[] = [
  field(
    C,
    "moniker",
    "string",
    "node name",
    (c) => c.moniker,
    (c, v: string) => (c.moniker = v),
  ),
  field(
    C,
    "log_level",
    "string",
    "log level",
    (c) => c.logLevel,
    (c, v: string) => (c.logLevel = v),
  ),
  field(
    C,
    "genesis_file",
    "string",
    "genesis file",
    (c) => c.genesisFile,
    (c, v: string) => (c.genesisFile = v),
  ),
  field(
    C,
    "node_key_file",
    "string",
    "node key file",
    (c) => c.nodeKeyFile,
    (c, v: string) => (c.nodeKeyFile = v),
  ),
  field(
    C,
    "priv_validator_key_file",
    "string",
    "validator key file",
    (c) => c.privValidatorKeyFile,
    (c, v: string) => (c.privValidatorKeyFile = v),
  ),
  field(
    C,
    "priv_validator_state_file",
    "string",
    "validator sign state file",
    (c) => c.privValidatorStateFile,
    (c, v: string) => (c.privValidatorStateFile = v),
  ),
  field(
    C,
    "db_dir",
    "string",
    "RocksDB directory",
    (c) => c.dbDir,
    (c, v: string) => (c.dbDir = v),
  ),
  field(
    C,
    "rpc.laddr",
    "string",
    "RPC listen address",
    (c) => c.rpc.laddr,
    (c, v: string) => (c.rpc.laddr = v),
  ),
  field(
    C,
    "rpc.cors_allowed_origins",
    "list",
    "CORS origins",
    (c) => c.rpc.corsAllowedOrigins,
    (c, v: string[]) => (c.rpc.corsAllowedOrigins = v),
  ),
  field(
    C,
    "rpc.max_body_bytes",
    "uint",
    "max RPC request body",
    (c) => c.rpc.maxBodyBytes,
    (c, v: number) => (c.rpc.maxBodyBytes = v),
  ),
  field(
    C,
    "rpc.max_subscription_clients",
    "uint",
    "max websocket subscribers",
    (c) => c.rpc.maxSubscriptionClients,
    (c, v: number) => (c.rpc.maxSubscriptionClients = v),
  ),
  field(
    C,
    "rpc.timeout_broadcast_tx_commit",
    "duration",
    "broadcast_tx_commit timeout",
    (c) => c.rpc.timeoutBroadcastTxCommitMs,
    (c, v: number) => (c.rpc.timeoutBroadcastTxCommitMs = v),
  ),
  // Connection and reply bounds (issue 9, holes 2 and 6).
  field(
    C,
    "rpc.max_open_connections",
    "uint",
    "max open RPC connections, HTTP and websocket together (CometBFT's default 900)",
    (c) => c.rpc.maxOpenConnections,
    (c, v: number) => (c.rpc.maxOpenConnections = v),
  ),
  field(
    C,
    "rpc.max_batch_requests",
    "uint",
    "max requests in one JSON-RPC batch",
    (c) => c.rpc.maxBatchRequests,
    (c, v: number) => (c.rpc.maxBatchRequests = v),
  ),
  field(
    C,
    "rpc.max_batch_response_bytes",
    "uint",
    "max response bytes of one HTTP JSON-RPC batch; later requests get an error",
    (c) => c.rpc.maxBatchResponseBytes,
    (c, v: number) => (c.rpc.maxBatchResponseBytes = v),
  ),
  field(
    C,
    "rpc.websocket_write_buffer_bytes",
    "uint",
    "bytes a websocket client may leave unread before it is disconnected",
    (c) => c.rpc.websocketWriteBufferBytes,
    (c, v: number) => (c.rpc.websocketWriteBufferBytes = v),
  ),
  field(
    C,
    "p2p.laddr",
    "string",
    "P2P listen address",
    (c) => c.p2p.laddr,
    (c, v: string) => (c.p2p.laddr = v),
  ),
  field(
    C,
    "p2p.external_address",
    "string",
    "advertised P2P address",
    (c) => c.p2p.externalAddress,
    (c, v: string) => (c.p2p.externalAddress = v),
  ),
  field(
    C,
    "p2p.seeds",
    "list",
    "seed nodes (id@host:port, comma separated)",
    (c) => c.p2p.seeds,
    (c, v: string[]) => (c.p2p.seeds = v),
  ),
  field(
    C,
    "p2p.persistent_peers",
    "list",
    "persistent peers (id@host:port, comma separated)",
    (c) => c.p2p.persistentPeers,
    (c, v: string[]) => (c.p2p.persistentPeers = v),
  ),
  field(
    C,
    "p2p.max_num_inbound_peers",
    "uint",
    "max inbound peers",
    (c) => c.p2p.maxNumInboundPeers,
    (c, v: number) => (c.p2p.maxNumInboundPeers = v),
  ),
  field(
    C,
    "p2p.max_num_outbound_peers",
    "uint",
    "max outbound peers",
    (c) => c.p2p.maxNumOutboundPeers,
    (c, v: number) => (c.p2p.maxNumOutboundPeers = v),
  ),
  field(
    C,
    "mempool.size",
    "uint",
    "max txs in the mempool",
    (c) => c.mempool.size,
    (c, v: number) => (c.mempool.size = v),
  ),
  field(
    C,
    "mempool.max_tx_bytes",
    "uint",
    "max size of one tx",
    (c) => c.mempool.maxTxBytes,
    (c, v: number) => (c.mempool.maxTxBytes = v),
  ),
  field(
    C,
    "mempool.max_txs_bytes",
    "uint",
    "max total mempool bytes",
    (c) => c.mempool.maxTxsBytes,
    (c, v: number) => (c.mempool.maxTxsBytes = v),
  ),
  field(
    C,
    "mempool.cache_size",
    "uint",
    "seen-tx cache size",
    (c) => c.mempool.cacheSize,
    (c, v: number) => (c.mempool.cacheSize = v),
  ),
  field(
    C,
    "mempool.recheck",
    "bool",
    "recheck txs after each block",
    (c) => c.mempool.recheck,
    (c, v: boolean) => (c.mempool.recheck = v),
  ),
  field(
    C,
    "consensus.wal_file",
    "string",
    "consensus WAL file",
    (c) => c.consensus.walFile,
    (c, v: string) => (c.consensus.walFile = v),
  ),
  field(
    C,
    "consensus.timeout_propose",
    "duration",
    "propose timeout",
    (c) => c.consensus.timeoutProposeMs,
    (c, v: number) => (c.consensus.timeoutProposeMs = v),
  ),
  field(
    C,
    "consensus.timeout_propose_delta",
    "duration",
    "propose timeout increase per round",
    (c) => c.consensus.timeoutProposeDeltaMs,
    (c, v: number) => (c.consensus.timeoutProposeDeltaMs = v),
  ),
  field(
    C,
    "consensus.timeout_prevote",
    "duration",
    "prevote timeout",
    (c) => c.consensus.timeoutPrevoteMs,
    (c, v: number) => (c.consensus.timeoutPrevoteMs = v),
  ),
  field(
    C,
    "consensus.timeout_prevote_delta",
    "duration",
    "prevote timeout increase per round",
    (c) => c.consensus.timeoutPrevoteDeltaMs,
    (c, v: number) => (c.consensus.timeoutPrevoteDeltaMs = v),
  ),
  field(
    C,
    "consensus.timeout_precommit",
    "duration",
    "precommit timeout",
    (c) => c.consensus.timeoutPrecommitMs,
    (c, v: number) => (c.consensus.timeoutPrecommitMs = v),
  ),
  field(
    C,
    "consensus.timeout_precommit_delta",
    "duration",
    "precommit timeout increase per round",
    (c) => c.consensus.timeoutPrecommitDeltaMs,
    (c, v: number) => (c.consensus.timeoutPrecommitDeltaMs = v),
  ),
  field(
    C,
    "consensus.timeout_commit",
    "duration",
    "pause after a commit before the next height",
    (c) => c.consensus.timeoutCommitMs,
    (c, v: number) => (c.consensus.timeoutCommitMs = v),
  ),
  field(
    C,
    "consensus.create_empty_blocks",
    "bool",
    "produce blocks without txs",
    (c) => c.consensus.createEmptyBlocks,
    (c, v: boolean) => (c.consensus.createEmptyBlocks = v),
  ),
  field(
    C,
    "consensus.create_empty_blocks_interval",
    "duration",
    "max wait for txs before an empty block",
    (c) => c.consensus.createEmptyBlocksIntervalMs,
    (c, v: number) => (c.consensus.createEmptyBlocksIntervalMs = v),
  ),
  field(
    C,
    "tx_index.indexer",
    { oneOf: ["kv", "null"] },
    "tx indexer",
    (c) => c.txIndex.indexer,
    (c, v: TxIndexer) => (c.txIndex.indexer = v),
  ),
  field(
    A,
    "minimum-gas-prices",
    "string",
    "minimum gas prices accepted by this node's mempool",
    (c) => c.app.minimumGasPrices,
    (c, v: string) => (c.app.minimumGasPrices = v),
  ),
  field(
    A,
    "pruning",
    { oneOf: ["default", "nothing", "everything", "custom"] },
    "state pruning strategy",
    (c) => c.app.pruning,
    (c, v: PruningStrategy) => (c.app.pruning = v),
  ),
  field(
    A,
    "pruning-keep-recent",
    "uint",
    "recent versions kept (custom pruning)",
    (c) => c.app.pruningKeepRecent,
    (c, v: number) => (c.app.pruningKeepRecent = v),
  ),
  field(
    A,
    "pruning-interval",
    "uint",
    "blocks between prunes (custom pruning)",
    (c) => c.app.pruningInterval,
    (c, v: number) => (c.app.pruningInterval = v),
  ),
  field(
    A,
    "halt-height",
    "uint",
    "stop at this height (0 = never)",
    (c) => c.app.haltHeight,
    (c, v: number) => (c.app.haltHeight = v),
  ),
];

const durationUnitsMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Go-style durations ("200ms", "1s", "1m30s", "1.5s") to whole milliseconds. */
export function parseDuration(s: string): number | undefined {
  const text = s.trim();
  if (text === "0") return 0;
  const part = /(\d+)(?:\.(\d+))?(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(part)) {
    const unit = durationUnitsMs[m[3]!]!;
    const frac = m[2] ?? "";
    // Integer arithmetic on the fraction so "1.5s" is exactly 1500.
    total += Number(m[1]) * unit + Math.round((Number(frac || "0") * unit) / 10 ** frac.length);
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}

export function formatDuration(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A value that failed to convert, with the reason. */
class FieldError {
  constructor(readonly message: string) {}
}

/** Converts a TOML or command-line value to the field's type, or says why it can't. */
function coerceField(f: ConfigField, raw: unknown): FieldValue | FieldError {
  const kind = f.kind;
  if (typeof kind === "object") {
    return typeof raw === "string" && kind.oneOf.includes(raw)
      ? raw
      : new FieldError(`must be one of ${kind.oneOf.join(", ")}, got ${JSON.stringify(raw)}`);
  }
  switch (kind) {
    case "string":
      return typeof raw === "string" ? raw : new FieldError(`must be a string, got ${JSON.stringify(raw)}`);
    case "duration": {
      const ms = typeof raw === "string" ? parseDuration(raw) : undefined;
      return ms ?? new FieldError(`must be a duration like "200ms" or "1s", got ${JSON.stringify(raw)}`);
    }
    case "uint": {
      const n =
        typeof raw === "string" && /^\d+$/.test(raw.trim())
          ? Number(raw)
          : typeof raw === "number" || typeof raw === "bigint"
            ? Number(raw)
            : NaN;
      return Number.isSafeInteger(n) && n >= 0
        ? n
        : new FieldError(`must be a non-negative integer, got ${JSON.stringify(String(raw))}`);
    }
    case "bool":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "false") return raw === "true";
      return new FieldError(`must be true or false, got ${JSON.stringify(raw)}`);
    case "list":
      if (Array.isArray(raw) && raw.every((x) => typeof x === "string")) return raw as string[];
      // CometBFT writes peer lists as one comma-separated string.
      if (typeof raw === "string")
        return raw
          .split(",")
          .map((x) => x.trim())
          .filter((x) => x !== "");
      return new FieldError(`must be a comma-separated string, got ${JSON.stringify(raw)}`);
  }
}

function lookup(table: Record<string, unknown>, dotted: string): unknown {
  let cur: unknown = table;
  for (const part of dotted.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function readToml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "read error";
    const hint = code === "ENOENT" ? " (run `strike init` to create it)" : "";
    throw configErrors.unreadableConfig(`${path}: ${code}${hint}`, { path });
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      throw configErrors.invalidConfig(`${path} line ${e.line}, column ${e.column}: ${e.message.split("\n")[0]}`, {
        path,
        line: e.line,
      });
    }
    throw e;
  }
}

export function configPaths(home: string): { configToml: string; appToml: string } {
  return { configToml: join(home, "config", "config.toml"), appToml: join(home, "config", "app.toml") };
}

/**
 * Reads `config.toml` and `app.toml` from `home` (missing keys keep their defaults, a
 * missing app.toml is allowed) and applies `overrides`, keyed by TOML key
 * (`"consensus.timeout_commit": "1s"`), as `strike start` flags do.
 */
export function loadConfig(home: string, overrides: Readonly<Record<string, string>> = {}): NodeConfig {
  const paths = configPaths(home);
  const files: Record<ConfigField["file"], { path: string; table: Record<string, unknown> }> = {
    "config.toml": { path: paths.configToml, table: readToml(paths.configToml) },
    "app.toml": { path: paths.appToml, table: existsSync(paths.appToml) ? readToml(paths.appToml) : {} },
  };
  const cfg = defaultConfig("");
  for (const f of configFields) {
    const { path, table } = files[f.file];
    const raw = lookup(table, f.key);
    if (raw === undefined) continue;
    const v = coerceField(f, raw);
    if (v instanceof FieldError)
      throw configErrors.invalidConfig(`${path}: ${f.key} ${v.message}`, { path, field: f.key });
    f.set(cfg, v);
  }
  for (const [key, raw] of Object.entries(overrides)) {
    const f = configFields.find((x) => x.key === key);
    if (f === undefined) throw configErrors.invalidConfig(`unknown setting --${key}`, { field: key });
    const v = coerceField(f, raw);
    if (v instanceof FieldError) throw configErrors.invalidConfig(`--${key} ${v.message}`, { field: key });
    f.set(cfg, v);
  }
  validateConfig(cfg);
  return cfg;
}

/** Rules across fields that the per-field types cannot express. */
export function validateConfig(cfg: NodeConfig): void {
  const bad = (fieldKey: string, why: string): never => {
    throw configErrors.invalidConfig(`${fieldKey} ${why}`, { field: fieldKey });
  };
  for (const key of ["rpc.laddr", "p2p.laddr"]) {
    const v = configFields.find((f) => f.key === key)!.get(cfg) as string;
    if (!/^(tcp|unix):\/\/.+/.test(v) && !(key === "rpc.laddr" && v === ""))
      bad(key, `must look like tcp://127.0.0.1:26657, got "${v}"`);
  }
  if (
    !/^(\d+(\.\d+)?[a-zA-Z][a-zA-Z0-9/:._-]{2,127})?(,\d+(\.\d+)?[a-zA-Z][a-zA-Z0-9/:._-]{2,127})*$/.test(
      cfg.app.minimumGasPrices,
    )
  ) {
    bad("minimum-gas-prices", `must look like "0.025ustrike", got "${cfg.app.minimumGasPrices}"`);
  }
  if (cfg.mempool.maxTxBytes === 0) bad("mempool.max_tx_bytes", "must be positive");
  if (cfg.rpc.maxBodyBytes === 0) bad("rpc.max_body_bytes", "must be positive");
  // rpc.max_open_connections may be 0: unlimited, as in CometBFT.
  if (cfg.rpc.maxBatchRequests === 0) bad("rpc.max_batch_requests", "must be positive");
  if (cfg.rpc.maxBatchResponseBytes === 0) bad("rpc.max_batch_response_bytes", "must be positive");
  if (cfg.rpc.websocketWriteBufferBytes === 0) bad("rpc.websocket_write_buffer_bytes", "must be positive");
}

/** Builds the nested TOML tables for one file. */
function tablesFor(cfg: NodeConfig, file: ConfigField["file"]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of configFields) {
    if (f.file !== file) continue;
    const parts = f.key.split(".");
    let table = out;
    for (const p of parts.slice(0, -1)) table = (table[p] ??= {}) as Record<string, unknown>;
    const v = f.get(cfg);
    table[parts.at(-1)!] =
      f.kind === "duration" ? formatDuration(v as number) : f.kind === "list" ? (v as string[]).join(",") : v;
  }
  return out;
}

export function writeConfig(home: string, cfg: NodeConfig): void {
  validateConfig(cfg);
  const paths = configPaths(home);
  mkdirSync(join(home, "config"), { recursive: true });
  const header = '# Strike node configuration (CometBFT layout). Durations: "200ms", "1s".\n\n';
  writeFileSync(paths.configToml, header + stringifyToml(tablesFor(cfg, "config.toml")) + "\n");
  writeFileSync(
    paths.appToml,
    "# Strike application configuration (Cosmos SDK app.toml layout).\n\n" +
      stringifyToml(tablesFor(cfg, "app.toml")) +
      "\n",
  );
}

/** Resolves a configured file path against the home directory. */
export function resolveHomePath(home: string, p: string): string {
  return isAbsolute(p) ? p : join(home, p);
}
