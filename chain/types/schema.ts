/**
 * The one schema library for files people write (config.toml, app.toml, genesis): zod,
 * strict objects everywhere, and one sentence per problem that names the key and what
 * is allowed. Shared field types (uint64 strings) live here so every module checks them
 * the same way.
 */
import { z } from "zod";

const U64_MAX = (1n << 64n) - 1n;

/** A uint64 written as a decimal string (Cosmos JSON), at least `min`. */
export function u64String(min = 0n): z.ZodType<string> {
  return z
    .string({ error: "must be an unsigned integer string" })
    .regex(/^[0-9]{1,20}$/, {
      error: (iss) => `must be an unsigned integer string, got ${JSON.stringify(iss.input)}`,
      abort: true,
    })
    .refine((v) => BigInt(v) <= U64_MAX, { error: "overflows uint64", abort: true })
    .refine((v) => BigInt(v) >= min, { error: `must be at least ${min}` });
}

/** Joins a path the way a person reads it: `params.stale_after_seconds`, `assets[0].price`. */
export function pathText(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out;
}

/** The keys an object schema at `path` accepts, for "unknown key" messages. */
function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let cur: z.ZodType | undefined = schema;
  for (const p of [...path, undefined]) {
    // Optional, default and pipe wrappers sit around the object or array.
    for (;;) {
      if (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable || cur instanceof z.ZodDefault)
        cur = cur.unwrap() as z.ZodType;
      else if (cur instanceof z.ZodPipe) cur = cur.in as z.ZodType;
      else break;
    }
    if (p === undefined) break;
    if (cur instanceof z.ZodObject) cur = (cur.shape as Record<string, z.ZodType>)[String(p)];
    else if (cur instanceof z.ZodArray) cur = cur.element as z.ZodType;
    else return undefined;
  }
  return cur instanceof z.ZodObject ? Object.keys(cur.shape as object) : undefined;
}

export interface SchemaProblem {
  /** The dotted key, from `root`. */
  key: string;
  message: string;
}

/** The first problem zod found, worded for a person: the key and what is allowed. */
export function describeSchemaError(schema: z.ZodType, error: z.ZodError, root = ""): SchemaProblem {
  const issue = error.issues[0]!;
  if (issue.code === "unrecognized_keys") {
    const key = pathText(root, [...issue.path, issue.keys[0]!]);
    const allowed = allowedKeysAt(schema, issue.path);
    const hint = allowed === undefined ? "" : `; allowed here: ${allowed.join(", ")}`;
    return { key, message: `${key}: unknown key${hint}` };
  }
  const key = pathText(root, issue.path);
  let message = issue.message;
  if (issue.code === "invalid_value")
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  return { key, message: `${key === "" ? "(top level)" : key}: ${message}` };
}

/**
 * Parses `value` with `schema`; on failure calls `fail` with the first problem (which
 * throws the caller's registered error).
 */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
  root: string,
  fail: (problem: SchemaProblem) => never,
): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) fail(describeSchemaError(schema, r.error, root));
  return r.data as z.output<S>;
}
