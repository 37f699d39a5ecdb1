/**
 * A fast path for the store encoding of BaseAccount (every user account): the ante handler
 * reads and writes the signer's account several times per tx. The bytes are exactly what
 * cosmjs-types writes for `Any{BaseAccount}`; whatever the fast decoder does not expect
 * (module accounts, unknown fields, non-ASCII text) returns undefined, and the caller
 * takes the generic cosmjs-types path.
 */
import { ProtoWriter } from "../../chain/runtime/protoWire.js";
import { BASE_ACCOUNT_TYPE_URL, SECP256K1_PUBKEY_TYPE_URL } from "./keys.js";
import { latin1 } from "../../chain/types/bytes.js";

/** The fields of a BaseAccount (no module part). */
export interface BaseAccountFields {
  address: string;
  pubKey: Uint8Array | undefined;
  accountNumber: bigint;
  sequence: bigint;
}

export function encodeBaseAccountAny(acc: BaseAccountFields): Uint8Array {
  // Writers are opened outermost first and each inner one embedded into the one around it
  // (no array per nested message): this runs at every account write, several per tx.
  const any = new ProtoWriter().string(1, BASE_ACCOUNT_TYPE_URL);
  const base = new ProtoWriter().string(1, acc.address);
  if (acc.pubKey !== undefined) {
    const keyAny = new ProtoWriter().string(1, SECP256K1_PUBKEY_TYPE_URL);
    keyAny.embedBytes(2, new ProtoWriter().bytes(1, acc.pubKey));
    base.embed(2, keyAny);
  }
  base.uint64(3, acc.accountNumber).uint64(4, acc.sequence);
  return any.embedBytes(2, base).finish();
}

const asciiBytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const BASE_ACCOUNT_TYPE_URL_BYTES = asciiBytes(BASE_ACCOUNT_TYPE_URL);
const SECP256K1_PUBKEY_TYPE_URL_BYTES = asciiBytes(SECP256K1_PUBKEY_TYPE_URL);

/**
 * Reads proto fields of one message; undefined wherever it meets what it does not handle.
 * Tags and lengths are read as numbers and type URLs compared as bytes: the ante handler
 * decodes an account several times per tx, and strings and bigints built byte by byte were
 * 12% of a busy node's allocations.
 */
class FieldReader {
  at: number;
  constructor(
    readonly b: Uint8Array,
    readonly start: number,
    readonly end: number,
  ) {
    this.at = start;
  }

  /** A varint below 2^28 (tags, lengths) as a number; undefined for a longer or truncated one. */
  small(): number | undefined {
    let value = 0;
    for (let i = 0; i < 4 && this.at + i < this.end; i++) {
      const byte = this.b[this.at + i]!;
      value |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) {
        this.at += i + 1;
        return value;
      }
    }
    return undefined;
  }

  varint(): bigint | undefined {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10 && this.at < this.end; i++) {
      const byte = this.b[this.at++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    return undefined;
  }

  /** [start, end) of a length-delimited field's payload. */
  span(): [number, number] | undefined {
    const n = this.small();
    if (n === undefined || this.at + n > this.end) return undefined;
    const s = this.at;
    this.at += n;
    return [s, this.at];
  }

  /** The span as a string when it is all ASCII (so latin1 is its UTF-8 reading). */
  ascii([s, e]: [number, number]): string | undefined {
    for (let i = s; i < e; i++) if (this.b[i]! > 0x7f) return undefined;
    return latin1(this.b, s, e);
  }

  is([s, e]: [number, number], expected: Uint8Array): boolean {
    if (e - s !== expected.length) return false;
    for (let i = 0; i < expected.length; i++) if (this.b[s + i] !== expected[i]) return false;
    return true;
  }
}

export function decodeBaseAccountAny(b: Uint8Array): BaseAccountFields | undefined {
  const any = new FieldReader(b, 0, b.length);
  let isBaseAccount = false;
  let value: [number, number] = [0, 0];
  while (any.at < any.end) {
    const tag = any.small();
    if (tag !== 10 && tag !== 18) return undefined;
    const span = any.span();
    if (span === undefined) return undefined;
    if (tag === 10) isBaseAccount = any.is(span, BASE_ACCOUNT_TYPE_URL_BYTES);
    else value = span;
  }
  if (!isBaseAccount) return undefined;
  const r = new FieldReader(b, value[0], value[1]);
  let address = "";
  let pubKey: Uint8Array | undefined;
  let accountNumber = 0n;
  let sequence = 0n;
  while (r.at < r.end) {
    const tag = r.small();
    if (tag === 10 || tag === 18) {
      const span = r.span();
      if (span === undefined) return undefined;
      if (tag === 10) {
        const s = r.ascii(span);
        if (s === undefined) return undefined;
        address = s;
      } else {
        pubKey = decodePubKeyAny(b, span);
        if (pubKey === undefined) return undefined;
      }
    } else if (tag === 24 || tag === 32) {
      const n = r.varint();
      if (n === undefined) return undefined;
      if (tag === 24) accountNumber = n;
      else sequence = n;
    } else return undefined;
  }
  return { address, pubKey, accountNumber, sequence };
}

function decodePubKeyAny(b: Uint8Array, [s, e]: [number, number]): Uint8Array | undefined {
  const any = new FieldReader(b, s, e);
  let isSecp256k1 = false;
  let key: Uint8Array = new Uint8Array(0);
  while (any.at < any.end) {
    const tag = any.small();
    if (tag !== 10 && tag !== 18) return undefined;
    const span = any.span();
    if (span === undefined) return undefined;
    if (tag === 10) isSecp256k1 = any.is(span, SECP256K1_PUBKEY_TYPE_URL_BYTES);
    else {
      const inner = new FieldReader(b, span[0], span[1]);
      while (inner.at < inner.end) {
        if (inner.small() !== 10) return undefined;
        const k = inner.span();
        if (k === undefined) return undefined;
        key = b.slice(k[0], k[1]);
      }
    }
  }
  // Other key types take the generic path, which rejects them with its error.
  return isSecp256k1 ? key : undefined;
}
