/**
 * A fast path for the store encoding of BaseAccount (every user account): the ante handler
 * reads and writes the signer's account several times per tx. The bytes are exactly what
 * cosmjs-types writes for `Any{BaseAccount}`; whatever the fast decoder does not expect
 * (module accounts, unknown fields, non-ASCII text) returns undefined, and the caller
 * takes the generic cosmjs-types path.
 */
import { ProtoWriter } from "../../chain/runtime/protoWire.js";
import { BASE_ACCOUNT_TYPE_URL, SECP256K1_PUBKEY_TYPE_URL } from "./keys.js";

/** The fields of a BaseAccount (no module part). */
export interface BaseAccountFields {
  address: string;
  pubKey: Uint8Array | undefined;
  accountNumber: bigint;
  sequence: bigint;
}

export function encodeBaseAccountAny(acc: BaseAccountFields): Uint8Array {
  const base = new ProtoWriter().string(1, acc.address);
  if (acc.pubKey !== undefined) {
    const pubKey = new ProtoWriter().bytes(1, acc.pubKey).finish();
    base.message(2, new ProtoWriter().string(1, SECP256K1_PUBKEY_TYPE_URL).bytes(2, pubKey).finish());
  }
  const value = base.uint64(3, acc.accountNumber).uint64(4, acc.sequence).finish();
  return new ProtoWriter().string(1, BASE_ACCOUNT_TYPE_URL).bytes(2, value).finish();
}

/** Reads proto fields of one message; returns false if it meets a wire type it does not handle. */
class FieldReader {
  at: number;
  constructor(
    readonly b: Uint8Array,
    readonly start: number,
    readonly end: number,
  ) {
    this.at = start;
  }

  varint(): bigint | undefined {
    // Most values (tags, lengths, sequences) fit in 4 bytes: read those without bigint steps.
    let small = 0;
    for (let i = 0; i < 4 && this.at + i < this.end; i++) {
      const byte = this.b[this.at + i]!;
      small |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) {
        this.at += i + 1;
        return BigInt(small >>> 0);
      }
    }
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
    const n = this.varint();
    if (n === undefined || BigInt(this.at) + n > BigInt(this.end)) return undefined;
    const s = this.at;
    this.at += Number(n);
    return [s, this.at];
  }

  ascii([s, e]: [number, number]): string | undefined {
    let out = "";
    for (let i = s; i < e; i++) {
      const c = this.b[i]!;
      if (c > 0x7f) return undefined;
      out += String.fromCharCode(c);
    }
    return out;
  }
}

export function decodeBaseAccountAny(b: Uint8Array): BaseAccountFields | undefined {
  const any = new FieldReader(b, 0, b.length);
  let typeUrl = "";
  let value: [number, number] = [0, 0];
  while (any.at < any.end) {
    const tag = any.varint();
    if (tag !== 10n && tag !== 18n) return undefined;
    const span = any.span();
    if (span === undefined) return undefined;
    if (tag === 10n) {
      const s = any.ascii(span);
      if (s === undefined) return undefined;
      typeUrl = s;
    } else value = span;
  }
  if (typeUrl !== BASE_ACCOUNT_TYPE_URL) return undefined;
  const r = new FieldReader(b, value[0], value[1]);
  let address = "";
  let pubKey: Uint8Array | undefined;
  let accountNumber = 0n;
  let sequence = 0n;
  while (r.at < r.end) {
    const tag = r.varint();
    if (tag === 10n || tag === 18n) {
      const span = r.span();
      if (span === undefined) return undefined;
      if (tag === 10n) {
        const s = r.ascii(span);
        if (s === undefined) return undefined;
        address = s;
      } else {
        pubKey = decodePubKeyAny(b, span);
        if (pubKey === undefined) return undefined;
      }
    } else if (tag === 24n || tag === 32n) {
      const n = r.varint();
      if (n === undefined) return undefined;
      if (tag === 24n) accountNumber = n;
      else sequence = n;
    } else return undefined;
  }
  return { address, pubKey, accountNumber, sequence };
}

function decodePubKeyAny(b: Uint8Array, [s, e]: [number, number]): Uint8Array | undefined {
  const any = new FieldReader(b, s, e);
  let typeUrl = "";
  let key: Uint8Array = new Uint8Array(0);
  while (any.at < any.end) {
    const tag = any.varint();
    if (tag !== 10n && tag !== 18n) return undefined;
    const span = any.span();
    if (span === undefined) return undefined;
    if (tag === 10n) {
      const t = any.ascii(span);
      if (t === undefined) return undefined;
      typeUrl = t;
    } else {
      const inner = new FieldReader(b, span[0], span[1]);
      while (inner.at < inner.end) {
        if (inner.varint() !== 10n) return undefined;
        const k = inner.span();
        if (k === undefined) return undefined;
        key = b.slice(k[0], k[1]);
      }
    }
  }
  // Other key types take the generic path, which rejects them with its error.
  return typeUrl === SECP256K1_PUBKEY_TYPE_URL ? key : undefined;
}
