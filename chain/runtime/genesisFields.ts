/**
 * What every module's genesis parser shares: field schemas for the Cosmos JSON forms
 * (bech32 addresses, coin lists, denoms) and one way to parse a module's section of
 * `app_state` with zod (chain/types/schema.ts) into the module's own registered error.
 * A module's genesis parser is its only validation: genesis/validate.ts calls it too.
 */
import { z } from "zod";
import { bech32ToAddressBytes } from "../crypto/address.js";
import { isStrikeError, type RegisteredError } from "../types/errors.js";
import { DEC_ONE, decFromString, type Dec } from "../types/fixed/index.js";
import { parseWithSchema } from "../types/schema.js";
import { isValidDenom } from "./coins.js";

/** A bech32 account address with the chain's prefix. */
export const addressField = z.string({ error: "must be a bech32 address string" }).check((ctx) => {
  const problem = addressProblem(ctx.value);
  if (problem !== undefined) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
});

/** Why `address` is not an account address of this chain (prefix, bech32, length), or undefined. */
function addressProblem(address: string): string | undefined {
  try {
    bech32ToAddressBytes(address);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message.replace(/: invalid address$/, "") : `invalid address "${address}"`;
  }
}

/** A denom by the SDK's rule (a letter, then 2-127 of letters, digits and /:._-). */
export const denomField = z
  .string({ error: "must be a denom string" })
  .refine(isValidDenom, { error: (iss) => `invalid denom ${JSON.stringify(iss.input)}` });

/** `{denom, amount}` as written; amounts, order and duplicates are checked by parseCoins. */
export const coinField = z.strictObject({
  denom: z.string({ error: "must be a denom string" }),
  amount: z.string({ error: "must be an integer string" }),
});

/** A fraction between 0 and 1 written as a decimal string ("0.05"), parsed to a fixed-point Dec. */
export const fractionField = z.string({ error: "must be a decimal string" }).transform((v, ctx): Dec => {
  let d: Dec | undefined;
  try {
    d = decFromString(v);
  } catch (e) {
    if (!isStrikeError(e)) throw e;
  }
  if (d === undefined) {
    ctx.issues.push({ code: "custom", message: `must be a decimal string, got ${JSON.stringify(v)}`, input: v });
    return z.NEVER;
  }
  if (d < 0n || d > DEC_ONE) {
    ctx.issues.push({ code: "custom", message: "must be between 0 and 1", input: v });
    return z.NEVER;
  }
  return d;
});

/** An optional free-text string (missing or null reads as ""). */
export const textField = z
  .string({ error: "must be a string" })
  .nullish()
  .transform((v) => v ?? "");

/** A list that may be missing or null (read as empty), as the SDK writes empty lists. */
export function listField<T extends z.ZodType>(item: T) {
  return z
    .array(item, { error: "must be a list" })
    .nullish()
    .transform((v) => v ?? []);
}

/**
 * Parses `raw` (the module's `app_state` section at `root`) with `schema`; the first
 * problem becomes the module's `invalidGenesis` error naming the key and what is allowed.
 */
export function parseGenesisSection<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  root: string,
  invalidGenesis: RegisteredError,
): z.output<S> {
  return parseWithSchema(schema, raw, root, (p) => {
    throw invalidGenesis(p.message, { field: p.key });
  });
}

/** The module's `invalidGenesis` error for a rule zod cannot say (duplicates, sums, …). */
export function genesisFail(invalidGenesis: RegisteredError, field: string, message: string): never {
  throw invalidGenesis(`${field}: ${message}`, { field });
}

/** Refuses a value that stands twice in `values`, naming the second place (`field(i)`). */
export function refuseDuplicates(
  invalidGenesis: RegisteredError,
  values: readonly string[],
  field: (i: number) => string,
  what: string,
): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) genesisFail(invalidGenesis, field(i), `duplicate ${what} ${v}`);
    seen.add(v);
  });
}

const snakeCase = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * For sections written in protobuf JSON, whose generated `fromJSON` ignores keys it does not
 * know: refuses such a key, naming it and the keys allowed there (snake_case or camelCase, as
 * protobuf JSON accepts both). `fields` are the message's field names (Object.keys of a
 * decoded empty message).
 */
export function refuseUnknownKeys(
  raw: unknown,
  fields: readonly string[],
  root: string,
  invalidGenesis: RegisteredError,
): void {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return;
  const allowed = new Set(fields.flatMap((k) => [k, snakeCase(k)]));
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key))
      genesisFail(invalidGenesis, `${root}.${key}`, `unknown key; allowed here: ${fields.map(snakeCase).join(", ")}`);
  }
}
