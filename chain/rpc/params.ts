/**
 * Method arguments, decoded the way CometBFT's server decodes them: in JSON-RPC bodies
 * ints may be strings or numbers, `[]byte` is base64 and HexBytes is hex; in URI queries
 * strings are quoted (`?query="tx.height=5"`) and bytes are `0x…` hex or a quoted string.
 */
import { fromHex, utf8 } from "../types/bytes.js";
import { rpcErrors } from "./errors.js";

/** `bytes` is Go's []byte (base64 in JSON), `hexbytes` CometBFT's HexBytes (hex in JSON). */
export type ArgKind = "int" | "bytes" | "hexbytes" | "string" | "bool";

export interface ArgSpec {
  name: string;
  kind: ArgKind;
}

type ArgValue = bigint | Uint8Array | string | boolean;

export class Args {
  readonly #values: ReadonlyMap<string, ArgValue>;

  constructor(values: ReadonlyMap<string, ArgValue>) {
    this.#values = values;
  }

  int(name: string): bigint | undefined {
    const v = this.#values.get(name);
    return typeof v === "bigint" ? v : undefined;
  }

  /** Small ints (page, per_page, limit): out-of-range values are invalid params. */
  smallInt(name: string): number | undefined {
    const v = this.int(name);
    if (v === undefined) return undefined;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw rpcErrors.invalidParams(`${name} ${v} is out of range`);
    }
    return Number(v);
  }

  bytes(name: string): Uint8Array | undefined {
    const v = this.#values.get(name);
    return v instanceof Uint8Array ? v : undefined;
  }

  string(name: string): string | undefined {
    const v = this.#values.get(name);
    return typeof v === "string" ? v : undefined;
  }

  bool(name: string): boolean {
    return this.#values.get(name) === true;
  }
}

const INT = /^-?[0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

type Base64Write = (this: Uint8Array, s: string, offset: number, length: number) => number;
/** Buffer's native base64 decoder, called on a plain Uint8Array (as types/bytes.ts calls its slicers). */
const base64Write =
  (Buffer.prototype as unknown as Record<string, Base64Write | undefined>)["base64Write"] ??
  function (this: Uint8Array, s: string, offset: number, length: number): number {
    return Buffer.from(this.buffer, this.byteOffset, this.byteLength).write(s, offset, length, "base64");
  };

/**
 * Padded base64 (length a multiple of 4, checked by the caller) decoded straight into a
 * Uint8Array of its exact size: not into a Buffer from the shared pool and then copied, as
 * `new Uint8Array(Buffer.from(s, "base64"))` does for every tx a client broadcasts.
 */
function fromPaddedBase64(s: string): Uint8Array {
  const padding = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - padding);
  base64Write.call(out, s, 0, out.length);
  return out;
}

function bad(name: string, why: string): never {
  throw rpcErrors.invalidParams(`${name}: ${why}`);
}

function intFrom(name: string, v: unknown): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && INT.test(v)) return BigInt(v);
  return bad(name, `expected an integer, got ${JSON.stringify(v)}`);
}

function hexFrom(name: string, s: string): Uint8Array {
  const hex = s.startsWith("0x") || s.startsWith("0X") ? s.slice(2) : s;
  try {
    return fromHex(hex);
  } catch {
    return bad(name, `invalid hex "${s}"`);
  }
}

function fromJsonValue(spec: ArgSpec, v: unknown): ArgValue | undefined {
  if (v === null || v === undefined) return undefined;
  const { name } = spec;
  switch (spec.kind) {
    case "int":
      return intFrom(name, v);
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "false") return v === "true";
      return bad(name, `expected a boolean, got ${JSON.stringify(v)}`);
    case "string":
      if (typeof v === "string") return v;
      return bad(name, `expected a string, got ${JSON.stringify(v)}`);
    case "bytes":
      if (typeof v !== "string" || v.length % 4 !== 0 || !BASE64.test(v)) return bad(name, "expected base64 bytes");
      return fromPaddedBase64(v);
    case "hexbytes":
      if (typeof v !== "string") return bad(name, "expected hex bytes");
      return hexFrom(name, v);
  }
}

/** Decodes JSON-RPC `params`: an object by name or an array by position. */
export function argsFromJson(specs: readonly ArgSpec[], params: unknown): Args {
  const values = new Map<string, ArgValue>();
  if (params === undefined || params === null) return new Args(values);
  if (Array.isArray(params)) {
    if (params.length !== specs.length) {
      throw rpcErrors.invalidParams(
        `expected ${specs.length} parameters (${specs.map((s) => s.name).join(", ")}), got ${params.length}`,
      );
    }
    specs.forEach((spec, i) => {
      const v = fromJsonValue(spec, params[i]);
      if (v !== undefined) values.set(spec.name, v);
    });
    return new Args(values);
  }
  if (typeof params !== "object") throw rpcErrors.invalidParams("params must be an object or an array");
  const record = params as Record<string, unknown>;
  for (const spec of specs) {
    if (!Object.hasOwn(record, spec.name)) continue;
    const v = fromJsonValue(spec, record[spec.name]);
    if (v !== undefined) values.set(spec.name, v);
  }
  return new Args(values);
}

function unquote(s: string): string | undefined {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  return undefined;
}

function fromUriValue(spec: ArgSpec, raw: string): ArgValue | undefined {
  if (raw === "") return undefined;
  const quoted = unquote(raw);
  const { name } = spec;
  switch (spec.kind) {
    case "int":
      return intFrom(name, quoted ?? raw);
    case "bool":
      if ((quoted ?? raw) === "true" || (quoted ?? raw) === "false") return (quoted ?? raw) === "true";
      return bad(name, `expected true or false, got ${raw}`);
    case "string":
      // CometBFT requires the quotes; an unquoted value is taken as written.
      return quoted ?? raw;
    case "bytes":
    case "hexbytes":
      if (raw.startsWith("0x") || raw.startsWith("0X")) return hexFrom(name, raw);
      if (quoted !== undefined) return utf8(quoted);
      if (spec.kind === "hexbytes") return hexFrom(name, raw);
      return bad(name, `expected 0x-prefixed hex or a quoted string, got ${raw}`);
  }
}

/** Decodes URI query arguments (`GET /block?height=5`). */
export function argsFromUri(specs: readonly ArgSpec[], query: URLSearchParams): Args {
  const values = new Map<string, ArgValue>();
  for (const spec of specs) {
    const raw = query.get(spec.name);
    if (raw === null) continue;
    const v = fromUriValue(spec, raw);
    if (v !== undefined) values.set(spec.name, v);
  }
  return new Args(values);
}
