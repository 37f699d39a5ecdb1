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
import { configFields, type ConfigField, type FieldValue } from "./configFields.js";
import { defaultConfig, type NodeConfig } from "./configTypes.js";

export const configErrors = {
  invalidConfig: registerError("config", 1, "invalid node configuration"),
  unreadableConfig: registerError("config", 2, "cannot read node configuration"),
} as const;

export type { NodeConfig, PruningStrategy, TxIndexer } from "./configTypes.js";
export { defaultConfig } from "./configTypes.js";
export { configFields, type ConfigField, type FieldKind, type FieldValue } from "./configFields.js";

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
