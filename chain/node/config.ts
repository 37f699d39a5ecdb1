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
import { parseWithSchema } from "../types/schema.js";
import { configFields, type ConfigField } from "./configFields.js";
import { coerceField, fileSchema, outOfRange, tomlValue } from "./configSchema.js";
import { defaultConfig, type NodeConfig } from "./configTypes.js";

export const configErrors = {
  invalidConfig: registerError("config", 1, "invalid node configuration"),
  unreadableConfig: registerError("config", 2, "cannot read node configuration"),
} as const;

export type { NodeConfig, PruningStrategy, TxIndexer } from "./configTypes.js";
export { defaultConfig } from "./configTypes.js";
export { configFields, type ConfigField, type FieldKind, type FieldValue } from "./configFields.js";

export { formatDuration, parseDuration } from "./configSchema.js";

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
  for (const [file, { path, table }] of Object.entries(files)) {
    parseWithSchema(fileSchema(file as ConfigField["file"]), table, "", (p) => {
      throw configErrors.invalidConfig(`${path}: ${p.message}`, { path, field: p.key });
    });
  }
  const cfg = defaultConfig("");
  for (const f of configFields) {
    const { path, table } = files[f.file];
    const raw = lookup(table, f.key);
    if (raw === undefined) continue;
    const r = coerceField(f, raw);
    if ("error" in r) throw configErrors.invalidConfig(`${path}: ${f.key} ${r.error}`, { path, field: f.key });
    f.set(cfg, r.value);
  }
  for (const [key, raw] of Object.entries(overrides)) {
    const f = configFields.find((x) => x.key === key);
    if (f === undefined) throw configErrors.invalidConfig(`unknown setting --${key}`, { field: key });
    const r = coerceField(f, raw);
    if ("error" in r) throw configErrors.invalidConfig(`--${key} ${r.error}`, { field: key });
    f.set(cfg, r.value);
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
  for (const f of configFields) {
    const v = f.get(cfg);
    const outside = outOfRange(f, v);
    if (outside !== undefined) bad(f.key, `${outside}, got ${JSON.stringify(tomlValue(f, v))}`);
  }
  if (cfg.mempool.maxTxBytes === 0) bad("mempool.max_tx_bytes", "must be positive");
  if (cfg.rpc.maxBodyBytes === 0) bad("rpc.max_body_bytes", "must be positive");
  // rpc.max_open_connections may be 0: unlimited, as in CometBFT.
  if (cfg.rpc.maxBatchRequests === 0) bad("rpc.max_batch_requests", "must be positive");
  if (cfg.rpc.maxBatchResponseBytes === 0) bad("rpc.max_batch_response_bytes", "must be positive");
  if (cfg.rpc.websocketWriteBufferBytes === 0) bad("rpc.websocket_write_buffer_bytes", "must be positive");
  if (cfg.rpc.writeBufferTotalBytes === 0) bad("rpc.write_buffer_total_bytes", "must be positive");
}

/** Builds the nested TOML tables for one file. */
function tablesFor(cfg: NodeConfig, file: ConfigField["file"]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of configFields) {
    if (f.file !== file) continue;
    const parts = f.key.split(".");
    let table = out;
    for (const p of parts.slice(0, -1)) table = (table[p] ??= {}) as Record<string, unknown>;
    table[parts.at(-1)!] = tomlValue(f, f.get(cfg));
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
