/**
 * The zod schemas of config.toml and app.toml, built from the field table: one schema per
 * field kind (the only place a value is checked), and per file a strict nested object, so
 * that an unknown key is an error naming the file, the key and the keys allowed there.
 */
import { z } from "zod";
import type { ConfigField, FieldKind, FieldValue, HttpSourceConfig } from "./configTypes.js";
import { configFields } from "./configFields.js";
import { formatDuration, parseDuration } from "./duration.js";
import { parseLogLevels } from "./logLevels.js";

export { formatDuration, parseDuration } from "./duration.js";

const got = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** Every duration is some timer's delay: Node waits 1 ms instead of anything longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const duration = z.unknown().transform((raw, ctx) => {
  const ms = typeof raw === "string" ? parseDuration(raw) : undefined;
  if (ms !== undefined && ms <= MAX_TIMER_MS) return ms;
  ctx.addIssue({
    code: "custom",
    message:
      ms === undefined
        ? `must be a duration like "200ms" or "1s", got ${got(raw)}`
        : `must be a duration of at most ${MAX_TIMER_MS}ms (about 596h, the longest a timer waits), got ${got(raw)}`,
  });
  return z.NEVER;
});

const uint = z.unknown().transform((raw, ctx) => {
  const n =
    typeof raw === "string" && /^\d+$/.test(raw.trim())
      ? Number(raw)
      : typeof raw === "number" || typeof raw === "bigint"
        ? Number(raw)
        : NaN;
  if (Number.isSafeInteger(n) && n >= 0) return n;
  ctx.addIssue({ code: "custom", message: `must be a non-negative integer, got ${got(raw)}` });
  return z.NEVER;
});

const bool = z.unknown().transform((raw, ctx) => {
  if (typeof raw === "boolean") return raw;
  if (raw === "true" || raw === "false") return raw === "true";
  ctx.addIssue({ code: "custom", message: `must be true or false, got ${got(raw)}` });
  return z.NEVER;
});

const list = z.unknown().transform((raw, ctx) => {
  if (Array.isArray(raw) && raw.every((x) => typeof x === "string")) return raw as string[];
  // CometBFT writes peer lists as one comma-separated string.
  if (typeof raw === "string")
    return raw
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== "");
  ctx.addIssue({ code: "custom", message: `must be a comma-separated string, got ${got(raw)}` });
  return z.NEVER;
});

const decimal = z
  .string({ error: (iss) => `must be a decimal string like "0.05", got ${got(iss.input)}` })
  .regex(/^\d+(\.\d{1,18})?$/, { error: (iss) => `must be a decimal like "0.05", got ${got(iss.input)}` });

const logLevel = z.unknown().transform((raw, ctx) => {
  if (typeof raw !== "string") {
    ctx.addIssue({ code: "custom", message: `must be a string like "info" or "consensus:debug,*:info"` });
    return z.NEVER;
  }
  const parsed = parseLogLevels(raw);
  if (typeof parsed === "string") {
    ctx.addIssue({ code: "custom", message: parsed });
    return z.NEVER;
  }
  return raw;
});

const httpSources = z.array(
  z.strictObject({
    url: z.url({ error: (iss) => `must be an http(s) URL, got ${got(iss.input)}` }),
    field: z.string().min(1, { error: "must name a JSON field, e.g. data.amount" }),
    weight: uint.default(1),
    timeout: duration.default(5000),
  }),
);

function kindSchema(kind: FieldKind): z.ZodType<FieldValue> {
  if (typeof kind === "object") return z.enum(kind.oneOf as [string, ...string[]]);
  switch (kind) {
    case "string":
      return z.string({ error: (iss) => `must be a string, got ${got(iss.input)}` });
    case "duration":
      return duration;
    case "uint":
      return uint;
    case "bool":
      return bool;
    case "list":
      return list;
    case "decimal":
      return decimal;
    case "logLevel":
      return logLevel;
    case "httpSources":
      return httpSources.transform((xs) =>
        xs.map((x): HttpSourceConfig => ({ url: x.url, field: x.field, weight: x.weight, timeoutMs: x.timeout })),
      );
  }
}

/** Checks one value (from a file or a `--flag`) and converts it; a reason string when it is wrong. */
export function coerceField(f: ConfigField, raw: unknown): { value: FieldValue } | { error: string } {
  const r = kindSchema(f.kind).safeParse(raw);
  if (r.success) {
    const outside = outOfRange(f, r.data);
    return outside === undefined ? { value: r.data } : { error: `${outside}, got ${got(raw)}` };
  }
  const issue = r.error.issues[0]!;
  const where = issue.path.length === 0 ? "" : `${issue.path.join(".")}: `;
  return {
    error:
      issue.code === "invalid_value"
        ? `must be one of ${issue.values.map((v) => String(v)).join(", ")}, got ${got(raw)}`
        : `${where}${issue.message}`,
  };
}

/** What a field with a `max` allows, when `v` is past it (durations in their TOML form). */
export function outOfRange(f: ConfigField, v: FieldValue): string | undefined {
  if (f.max === undefined || typeof v !== "number" || v <= f.max) return undefined;
  return f.kind === "duration"
    ? `must be a duration from 0s to ${formatDuration(f.max)}`
    : `must be an integer from 0 to ${f.max}`;
}

/** The value of a field as it is written to TOML. */
export function tomlValue(f: ConfigField, v: FieldValue): unknown {
  if (f.kind === "duration") return formatDuration(v as number);
  if (f.kind === "list") return (v as string[]).join(",");
  if (f.kind === "httpSources")
    return (v as HttpSourceConfig[]).map((s) => ({
      url: s.url,
      field: s.field,
      weight: s.weight,
      timeout: formatDuration(s.timeoutMs),
    }));
  return v;
}

type Shape = { [key: string]: Shape | null };

/**
 * The strict object schema of one file: tables nest by the dotted keys, every leaf accepts
 * any value (the field's own schema checks it, so each value is checked once) and every
 * table rejects keys it does not know.
 */
export function fileSchema(file: ConfigField["file"]): z.ZodType {
  const shape: Shape = {};
  for (const f of configFields) {
    if (f.file !== file) continue;
    const parts = f.key.split(".");
    let table = shape;
    for (const p of parts.slice(0, -1)) table = (table[p] ??= {}) as Shape;
    table[parts.at(-1)!] = null;
  }
  const build = (s: Shape): z.ZodType =>
    z.strictObject(
      Object.fromEntries(
        Object.entries(s).map(([k, v]) => [k, v === null ? z.unknown().optional() : build(v).optional()]),
      ) as Record<string, z.ZodType>,
    );
  return build(shape);
}
