/**
 * Tx malleability rules, as Cosmos applies them before it decodes a tx (ADR-027 and
 * `codec/unknownproto`):
 *
 * - the TxRaw envelope is canonical: only fields 1–3, each length-delimited, in ascending
 *   order, varints as short as possible, body and auth-info at most once. The envelope is
 *   not signed, so without this anyone could re-encode a signed tx into one with another
 *   hash that still verifies; once that copy lands the signer's original fails (code 32)
 *   and a wallet tracking its hash never sees it.
 * - TxBody, AuthInfo (with SignerInfo, fees, public keys) and every message carry no
 *   field their schema does not know, except, inside the body, fields whose number has
 *   bit 11 set (1024–2047, …): Cosmos' non-critical range, which a node may ignore.
 *
 * Unknown fields are found by decoding with a reader whose "skip an unknown field" step
 * refuses: the generated decoders (ts-proto over cosmjs-types' reader and over
 * @bufbuild/protobuf's) call it for exactly the fields they do not know, nested
 * messages included, since those are decoded with the same reader.
 */
import { BinaryReader as BufReader } from "@bufbuild/protobuf/wire";
import { BinaryReader as CosmReader } from "cosmjs-types/binary";
import { sdkErrors } from "../types/errors.js";

const NON_CRITICAL_BIT = 1 << 10;
const WIRE_BYTES = 2;

/** Throws sdk/2 unless `bytes` is a canonical TxRaw envelope (ADR-027). */
export function assertCanonicalTxRaw(bytes: Uint8Array): void {
  let pos = 0;
  let previous = 0;
  while (pos < bytes.length) {
    const tag = readMinimalVarint(bytes, pos, "field tag");
    pos = tag.next;
    const fieldNo = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (fieldNo < 1 || fieldNo > 3) throw malleable(`unknown field ${fieldNo} in TxRaw`);
    if (wireType !== WIRE_BYTES) throw malleable(`field ${fieldNo} of TxRaw has wire type ${wireType}, expected 2`);
    if (fieldNo < previous)
      throw malleable(`TxRaw field ${fieldNo} follows field ${previous}; fields must be in order`);
    // Only the signatures are repeated; a second body or auth-info would silently replace the first.
    if (fieldNo === previous && fieldNo !== 3) throw malleable(`TxRaw field ${fieldNo} appears twice`);
    previous = fieldNo;
    const length = readMinimalVarint(bytes, pos, `length of TxRaw field ${fieldNo}`);
    pos = length.next + length.value;
    if (pos > bytes.length) throw malleable(`TxRaw field ${fieldNo} runs past the end of the tx`);
  }
}

function malleable(reason: string) {
  return sdkErrors.txDecode(`tx is not canonical (ADR-027): ${reason}`);
}

function readMinimalVarint(bytes: Uint8Array, start: number, what: string): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = start; i < bytes.length && i - start < 5; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) {
      // A varint whose last byte is 0 (other than the single byte 0) could have been shorter.
      if (b === 0 && i > start) throw malleable(`${what} is a varint longer than needed`);
      return { value, next: i + 1 };
    }
  }
  throw malleable(`${what} is not a valid varint`);
}

export interface StrictOptions {
  /** What is being decoded, for the error ("TxBody", "message 0 (/cosmos.bank.v1beta1.MsgSend)"). */
  what: string;
  /** Allow unknown fields in the non-critical range (bit 11 of the field number), as in a TxBody. */
  allowNonCritical: boolean;
}

function unknownField(tag: number, options: StrictOptions) {
  return sdkErrors.txDecode(`unknown field ${tag >>> 3} (wire type ${tag & 7}) in ${options.what}`);
}

function tolerated(tag: number, options: StrictOptions): boolean {
  const fieldNo = tag >>> 3;
  return options.allowNonCritical && fieldNo > 0 && (fieldNo & NON_CRITICAL_BIT) !== 0;
}

/** cosmjs-types' reader: `skipType` is what its decoders call for an unknown field. */
class StrictCosmReader extends CosmReader {
  private lastTag = 0;
  constructor(
    bytes: Uint8Array,
    private readonly options: StrictOptions,
  ) {
    super(bytes);
  }
  override uint32(): number {
    const v = super.uint32();
    this.lastTag = v;
    return v;
  }
  override skipType(wireType: number): this {
    if (!tolerated(this.lastTag, this.options)) throw unknownField(this.lastTag, this.options);
    return super.skipType(wireType);
  }
}

/** @bufbuild/protobuf's reader (Strike's generated code): `skip` is called for an unknown field. */
class StrictBufReader extends BufReader {
  private lastTag = 0;
  constructor(
    bytes: Uint8Array,
    private readonly options: StrictOptions,
  ) {
    super(bytes);
    // `uint32` is an instance property of this reader, not a method: wrap it to see tags.
    const read = this.uint32.bind(this);
    this.uint32 = () => (this.lastTag = read());
  }
  override skip(wireType: number, fieldNo?: number, recursionLimit?: number): Uint8Array {
    if (!tolerated(this.lastTag, this.options)) throw unknownField(this.lastTag, this.options);
    return super.skip(wireType, fieldNo, recursionLimit);
  }
}

type Decoder<T> = (input: Uint8Array) => T;

/**
 * Decodes `bytes` with a generated decoder that rejects unknown fields. `decode` must hand
 * its input to a ts-proto decoder (which accepts a reader in place of bytes); the reader
 * family is found by trying, and a decoder that did not consume every byte through our
 * reader is treated as a failure rather than trusted.
 */
export function decodeStrict<T>(decode: Decoder<T>, bytes: Uint8Array, options: StrictOptions, bufFirst = false): T {
  const families = bufFirst ? [StrictBufReader, StrictCosmReader] : [StrictCosmReader, StrictBufReader];
  let lastError: unknown;
  for (const Family of families) {
    const reader = new Family(bytes, options);
    let value: T;
    try {
      value = decode(reader as unknown as Uint8Array);
    } catch (e) {
      if (sdkErrors.txDecode.is(e)) throw e;
      lastError = e;
      continue;
    }
    if (reader.pos === bytes.length) return value;
    lastError = undefined;
  }
  const reason = lastError instanceof Error ? ` (${lastError.message})` : "";
  throw sdkErrors.txDecode(`malformed ${options.what}${reason}`);
}
