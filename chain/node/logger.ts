/** A line logger for the node's components: `time level message key=value …` on stderr. */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface NodeLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  with(module: string): NodeLogger;
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function format(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex").toUpperCase();
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === "string") return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
}

export function createLogger(
  level: string = "info",
  module = "node",
  write: (line: string) => void = (l) => process.stderr.write(l),
): NodeLogger {
  const min = rank[(level in rank ? level : "info") as LogLevel];
  const log =
    (l: LogLevel) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (rank[l] < min) return;
      const kv = Object.entries(fields)
        .map(([k, v]) => `${k}=${format(v)}`)
        .join(" ");
      write(
        `${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} [${module}] ${msg}${kv === "" ? "" : " " + kv}\n`,
      );
    };
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    with: (m) => createLogger(level, m, write),
  };
}
