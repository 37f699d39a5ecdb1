/**
 * CometBFT's event query language, as `tx_search` and `subscribe` accept it:
 *
 *   tm.event = 'Tx' AND transfer.amount >= 100 AND tx.height > 5 AND message.sender EXISTS
 *
 * Conditions are joined by AND; a condition holds when ANY value recorded under its
 * composite key (`event_type.attr_key`) satisfies it, as in CometBFT, so two conditions
 * may be satisfied by two different events of the same tx.
 */
import { indexerErrors } from "./errors.js";

export type QueryOperator = "=" | "<" | "<=" | ">" | ">=" | "CONTAINS" | "EXISTS";

export type QueryValue =
  | { kind: "string"; value: string }
  /** Decimal text, compared exactly (never through floats). */
  | { kind: "number"; value: string }
  /** Milliseconds since the epoch; `text` is the literal as written. */
  | { kind: "time"; ms: number; text: string }
  | { kind: "date"; ms: number; text: string };

export interface QueryCondition {
  key: string;
  op: QueryOperator;
  /** Undefined only for EXISTS. */
  value: QueryValue | undefined;
}

/** Composite key → every value recorded under it (one per event attribute). */
export type EventMap = ReadonlyMap<string, readonly string[]>;

export interface Query {
  readonly text: string;
  readonly conditions: readonly QueryCondition[];
  matches(events: EventMap): boolean;
}

const TAG_START = /[A-Za-z_]/;
const TAG_CHAR = /[A-Za-z0-9_.\-/:]/;
const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const LEADING_NUMBER = /^-?[0-9]+(\.[0-9]+)?/;
const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}$/;
const TIME_LITERAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Token =
  | { t: "tag"; text: string; pos: number }
  | { t: "op"; text: QueryOperator; pos: number }
  | { t: "and"; pos: number }
  | { t: "string"; text: string; pos: number }
  | { t: "number"; text: string; pos: number }
  | { t: "time" | "date"; text: string; pos: number };

function fail(text: string, pos: number, why: string): never {
  throw indexerErrors.invalidQuery(`${why} at position ${pos} in query "${text}"`, { query: text, position: pos });
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const wordAt = (start: number): string => {
    let j = start;
    while (j < text.length && !/\s/.test(text[j]!)) j++;
    return text.slice(start, j);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) fail(text, start, "unterminated string");
      tokens.push({ t: "string", text: text.slice(i + 1, end), pos: start });
      i = end + 1;
    } else if (c === "<" || c === ">" || c === "=") {
      const two = text.slice(i, i + 2);
      const op = (two === "<=" || two === ">=" ? two : c) as QueryOperator;
      tokens.push({ t: "op", text: op, pos: start });
      i += op.length;
    } else if (/[0-9-]/.test(c)) {
      const word = /^-?[0-9.]+/.exec(text.slice(i))?.[0] ?? c;
      if (!NUMBER.test(word)) fail(text, start, `invalid number "${word}"`);
      tokens.push({ t: "number", text: word, pos: start });
      i += word.length;
    } else if (TAG_START.test(c)) {
      let j = i + 1;
      while (j < text.length && TAG_CHAR.test(text[j]!)) j++;
      const word = text.slice(i, j);
      i = j;
      if (word === "AND") tokens.push({ t: "and", pos: start });
      else if (word === "CONTAINS" || word === "EXISTS") tokens.push({ t: "op", text: word, pos: start });
      else if (word === "TIME" || word === "DATE") {
        while (i < text.length && /\s/.test(text[i]!)) i++;
        const literal = wordAt(i);
        const valid = word === "TIME" ? TIME_LITERAL.test(literal) : DATE_LITERAL.test(literal);
        if (!valid) fail(text, i, `invalid ${word} literal "${literal}"`);
        tokens.push({ t: word === "TIME" ? "time" : "date", text: literal, pos: start });
        i += literal.length;
      } else tokens.push({ t: "tag", text: word, pos: start });
    } else {
      fail(text, start, `unexpected character "${c}"`);
    }
  }
  return tokens;
}

function toValue(text: string, tok: Token): QueryValue {
  switch (tok.t) {
    case "string":
      return { kind: "string", value: tok.text };
    case "number":
      return { kind: "number", value: tok.text };
    case "time":
    case "date": {
      const ms = Date.parse(tok.t === "date" ? `${tok.text}T00:00:00Z` : tok.text);
      if (Number.isNaN(ms)) fail(text, tok.pos, `invalid ${tok.t} "${tok.text}"`);
      return { kind: tok.t, ms, text: tok.text };
    }
    default:
      return fail(text, tok.pos, "expected a value ('string', number, TIME or DATE)");
  }
}

/** Parses a query; throws `indexerErrors.invalidQuery` (with the position) when malformed. */
export function parseQuery(text: string): Query {
  const tokens = tokenize(text);
  if (tokens.length === 0) fail(text, 0, "empty query");
  const conditions: QueryCondition[] = [];
  let i = 0;
  for (;;) {
    const tag = tokens[i];
    if (tag === undefined || tag.t !== "tag") fail(text, tag?.pos ?? text.length, "expected an event key");
    const op = tokens[i + 1];
    if (op === undefined || op.t !== "op")
      fail(text, op?.pos ?? text.length, `expected an operator after "${tag.text}"`);
    if (op.text === "EXISTS") {
      conditions.push({ key: tag.text, op: "EXISTS", value: undefined });
      i += 2;
    } else {
      const valueToken = tokens[i + 2];
      if (valueToken === undefined) fail(text, text.length, `expected a value after "${op.text}"`);
      const value = toValue(text, valueToken);
      if (op.text === "CONTAINS" && value.kind !== "string")
        fail(text, valueToken.pos, "CONTAINS needs a quoted string");
      if (value.kind === "string" && op.text !== "=" && op.text !== "CONTAINS") {
        fail(text, op.pos, `operator ${op.text} needs a number, TIME or DATE, not a string`);
      }
      conditions.push({ key: tag.text, op: op.text, value });
      i += 3;
    }
    const next = tokens[i];
    if (next === undefined) break;
    if (next.t !== "and") fail(text, next.pos, "expected AND");
    i++;
  }
  return {
    text,
    conditions,
    matches: (events) => conditions.every((c) => matchesCondition(c, events)),
  };
}

/** A query that every event matches (an empty `subscribe` query). */
export const matchAll: Query = { text: "", conditions: [], matches: () => true };

export function matchesCondition(cond: QueryCondition, events: EventMap): boolean {
  const values = events.get(cond.key);
  if (values === undefined || values.length === 0) return false;
  return values.some((v) => matchesValue(cond, v));
}

/** Whether one attribute value satisfies the condition. */
export function matchesValue(cond: QueryCondition, attr: string): boolean {
  const v = cond.value;
  if (cond.op === "EXISTS" || v === undefined) return true;
  switch (v.kind) {
    case "string":
      return cond.op === "CONTAINS" ? attr.includes(v.value) : attr === v.value;
    case "number": {
      // As CometBFT, a value such as "100stake" compares by its leading number.
      const n = LEADING_NUMBER.exec(attr)?.[0];
      return n !== undefined && ordered(cond.op, compareDecimals(n, v.value));
    }
    case "time":
    case "date": {
      const ms = Date.parse(v.kind === "date" && DATE_LITERAL.test(attr) ? `${attr}T00:00:00Z` : attr);
      if (Number.isNaN(ms)) return false;
      const a = v.kind === "date" ? Math.floor(ms / 86_400_000) : ms;
      const b = v.kind === "date" ? Math.floor(v.ms / 86_400_000) : v.ms;
      return ordered(cond.op, a < b ? -1 : a > b ? 1 : 0);
    }
  }
}

function ordered(op: QueryOperator, cmp: number): boolean {
  switch (op) {
    case "=":
      return cmp === 0;
    case "<":
      return cmp < 0;
    case "<=":
      return cmp <= 0;
    case ">":
      return cmp > 0;
    case ">=":
      return cmp >= 0;
    default:
      return false;
  }
}

/** Exact comparison of two decimal strings ("-12.5", "3"). */
export function compareDecimals(a: string, b: string): number {
  const [ai, af] = splitDecimal(a);
  const [bi, bf] = splitDecimal(b);
  const scale = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(scale, "0"));
  const y = BigInt(bi + bf.padEnd(scale, "0"));
  return x < y ? -1 : x > y ? 1 : 0;
}

function splitDecimal(s: string): [string, string] {
  const dot = s.indexOf(".");
  return dot < 0 ? [s, ""] : [s.slice(0, dot), s.slice(dot + 1)];
}
