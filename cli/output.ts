/** Printing results: JSON for scripts (`--output json`), aligned text for people. */
export type OutputFormat = "json" | "text";

/** JSON that survives bigint and byte fields (bytes as upper-case hex, as CometBFT shows hashes). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString("hex").toUpperCase();
      return v;
    },
    2,
  );
}

/** Text as "key: value" lines; nested objects indent, arrays of scalars join. */
export function toText(value: unknown, indent = ""): string {
  if (value === null || value === undefined) return `${indent}-`;
  if (typeof value !== "object" || value instanceof Uint8Array) return `${indent}${scalar(value)}`;
  const lines: string[] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [`- [${i}]`, v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    if (
      v !== null &&
      typeof v === "object" &&
      !(v instanceof Uint8Array) &&
      !(Array.isArray(v) && v.every((x) => typeof x !== "object"))
    ) {
      lines.push(`${indent}${k}:`);
      lines.push(toText(v, indent + "  "));
    } else {
      lines.push(`${indent}${k}: ${Array.isArray(v) ? v.map(scalar).join(", ") : scalar(v)}`);
    }
  }
  return lines.join("\n");
}

function scalar(v: unknown): string {
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex").toUpperCase();
  if (v === null || v === undefined) return "-";
  return String(v);
}

/**
 * Prints `value` in the chosen format; `text` may render its own human form (a table, a
 * sentence) instead of the generic key/value dump.
 */
export function print(format: OutputFormat, value: unknown, text?: () => string): void {
  process.stdout.write((format === "json" ? toJson(value) : text !== undefined ? text() : toText(value)) + "\n");
}

/** Messages for people that must not pollute JSON output. */
export function note(message: string): void {
  process.stderr.write(message + "\n");
}
