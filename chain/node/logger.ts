/**
 * The node's one logger type, on pino: JSON lines (`log_format = "json"`) or plain
 * `time LEVEL [module] message key=value …` lines, on stderr. Levels are CometBFT's
 * per-module syntax ("consensus:debug,*:info"); each module's child logger gets its own
 * level, so a disabled level costs one comparison.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";
import { levelOf, parseLogLevels, type LogLevel, type LogLevels } from "./logLevels.js";

export type { LogLevel } from "./logLevels.js";

export interface NodeLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  with(module: string): NodeLogger;
}

export type LogFormat = "plain" | "json";

export interface LoggerOptions {
  /** CometBFT syntax; checked by the config schema, so a bad value here falls back to info. */
  level?: string;
  format?: LogFormat;
  module?: string;
  /** Where lines go (tests); stderr by default. */
  write?: (line: string) => void;
}

const PINO_LEVEL: Record<LogLevel, string> = {
  debug: "debug",
  info: "info",
  warn: "warn",
  error: "error",
  none: "silent",
};
const LEVEL_NAME: Record<number, string> = { 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR" };

function plainValue(v: unknown): string {
  if (typeof v === "string") return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** Turns pino's JSON line into the plain form. */
function plainLine(json: string): string {
  const { time, level, module, msg, ...fields } = JSON.parse(json) as Record<string, unknown>;
  const kv = Object.entries(fields)
    .map(([k, v]) => `${k}=${plainValue(v)}`)
    .join(" ");
  const name = (LEVEL_NAME[level as number] ?? String(level)).padEnd(5);
  return `${new Date(time as number).toISOString()} ${name} [${String(module)}] ${String(msg)}${kv === "" ? "" : " " + kv}\n`;
}

/** bigint, bytes and errors as JSON can carry them (hashes as upper-case hex, as CometBFT shows them). */
function jsonSafe(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === "bigint") out[k] = v.toString();
    else if (v instanceof Uint8Array) out[k] = Buffer.from(v).toString("hex").toUpperCase();
    else if (v instanceof Error) out[k] = v.message;
    else out[k] = v;
  }
  return out;
}

function wrap(logger: PinoLogger, levels: LogLevels): NodeLogger {
  const emit =
    (l: "debug" | "info" | "warn" | "error") =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (!logger.isLevelEnabled(l)) return;
      if (fields === undefined) logger[l](msg);
      else logger[l](jsonSafe(fields), msg);
    };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    with: (module) => wrap(logger.child({ module }, { level: PINO_LEVEL[levelOf(levels, module)] }), levels),
  };
}

export function createLogger(options: LoggerOptions = {}): NodeLogger {
  const parsed = parseLogLevels(options.level ?? "info");
  const levels: LogLevels = typeof parsed === "string" ? { defaultLevel: "info", modules: new Map() } : parsed;
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const format = options.format ?? "plain";
  const destination: DestinationStream = {
    write: (line: string) => write(format === "json" ? line : plainLine(line)),
  };
  const module = options.module ?? "node";
  const root = pino(
    {
      // The root admits everything; each module's child sets its own level.
      level: "debug",
      base: null,
      messageKey: "msg",
      formatters: { level: (_label, number) => ({ level: format === "json" ? _label : number }) },
    },
    destination,
  );
  return wrap(root.child({ module }, { level: PINO_LEVEL[levelOf(levels, module)] }), levels);
}
