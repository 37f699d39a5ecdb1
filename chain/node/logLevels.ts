/**
 * CometBFT's log-level syntax: one level ("info") or per module with a default
 * ("consensus:debug,p2p:warn,*:info"). Parsed once at start-up; an unknown level or a
 * malformed entry is an error, never a silent fallback.
 */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "none"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogLevels {
  /** The level of modules not named (`*`, default info). */
  defaultLevel: LogLevel;
  /** Per module, e.g. consensus → debug. */
  modules: ReadonlyMap<string, LogLevel>;
}

const isLevel = (s: string): s is LogLevel => (LOG_LEVELS as readonly string[]).includes(s);

/** Parses "info" or "consensus:debug,*:info"; returns a reason string when it is not valid. */
export function parseLogLevels(text: string): LogLevels | string {
  const entries = text
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  if (entries.length === 0) return `must be a level (${LOG_LEVELS.join(", ")}) or module:level pairs`;
  let defaultLevel: LogLevel = "info";
  const modules = new Map<string, LogLevel>();
  for (const entry of entries) {
    const parts = entry.split(":");
    if (parts.length === 1) {
      if (!isLevel(entry))
        return `"${entry}" is not a level; allowed: ${LOG_LEVELS.join(", ")}, or module:level like "consensus:debug,*:info"`;
      defaultLevel = entry;
      continue;
    }
    const [module, level] = parts;
    if (parts.length !== 2 || module === undefined || module === "" || level === undefined || level === "")
      return `"${entry}" must be module:level, e.g. consensus:debug`;
    if (!isLevel(level)) return `"${entry}": "${level}" is not a level; allowed: ${LOG_LEVELS.join(", ")}`;
    if (module === "*") defaultLevel = level;
    else modules.set(module, level);
  }
  return { defaultLevel, modules };
}

/** The level of `module`: its own entry, or that of its first path part ("consensus/wal" → consensus), or the default. */
export function levelOf(levels: LogLevels, module: string): LogLevel {
  return levels.modules.get(module) ?? levels.modules.get(module.split("/")[0]!) ?? levels.defaultLevel;
}
