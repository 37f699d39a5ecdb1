/**
 * Once the consensus encoding is loaded, cosmjs-types messages are encoded into buffers of
 * their own size (not views of a fresh 8 KiB pool each), with the same bytes; and strings
 * are read as cosmjs-types' decoder reads them (ASCII through a native slicer).
 */
import test from "ava";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { BlockID } from "cosmjs-types/tendermint/types/types";
import { utf8Read } from "cosmjs-types/utf8";
import "../../../chain/consensus/encoding.js";
import { toHex, utf8 } from "../../../chain/types/bytes.js";

test("cosmjs-types messages are encoded at their exact size, byte for byte as before", (t) => {
  const ts = Timestamp.encode({ seconds: 1n, nanos: 2 }).finish();
  t.is(toHex(ts), "08011002");
  t.is(ts.buffer.byteLength, ts.length);

  const id = BlockID.encode({
    hash: new Uint8Array(32).fill(0xab),
    partSetHeader: { total: 3, hash: new Uint8Array(32).fill(0xcd) },
  }).finish();
  t.is(toHex(id), `0a20${"ab".repeat(32)}122408031220${"cd".repeat(32)}`);
  t.is(id.buffer.byteLength, id.length);
});

/** A length-delimited field's payload followed by three more bytes, as a reader meets a string. */
function framed(payload: Uint8Array): Uint8Array {
  const len = new BinaryWriter().uint32(payload.length).finish();
  const out = new Uint8Array(len.length + payload.length + 3);
  out.set(len, 0);
  out.set(payload, len.length);
  out.set([1, 2, 3], len.length + payload.length);
  return out;
}

test("strings read exactly as cosmjs-types' own UTF-8 decoder reads them, invalid UTF-8 included, and the reader ends after them", (t) => {
  let seed = 0x9e3779b9;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const payloads: Uint8Array[] = [
    new Uint8Array(0),
    utf8("/cosmos.bank.v1beta1.MsgSend"),
    utf8("héllo wörld ✓ 𝄞"),
    Uint8Array.of(0xff, 0xfe, 0x41),
    Uint8Array.of(0xc3),
    Uint8Array.of(0x7f, 0x80),
  ];
  for (let k = 0; k < 20_000; k++) {
    const p = new Uint8Array(next() % 48);
    for (let i = 0; i < p.length; i++) p[i] = k % 2 === 0 ? next() % 128 : next() % 256;
    payloads.push(p);
  }
  const mismatches: string[] = [];
  for (const p of payloads) {
    const r = new BinaryReader(framed(p));
    const s = r.string();
    if (s !== utf8Read(p, 0, p.length) || r.pos !== r.len - 3)
      mismatches.push(`bytes ${toHex(p)}: read ${JSON.stringify(s)}, position ${r.pos} of ${r.len}`);
  }
  t.deepEqual(mismatches, [], `${payloads.length} strings read`);
});

test("a string whose length runs past the end is refused as before", (t) => {
  t.throws(() => new BinaryReader(Uint8Array.of(10, 0x41)).string(), { message: /premature EOF|index out of range/ });
});

test("a signed message's strings decode as they were written", (t) => {
  const msg = {
    fromAddress: "strike1sender",
    toAddress: "strike1récipient",
    amount: [{ denom: "uusdc", amount: "12" }],
  };
  t.deepEqual(MsgSend.decode(MsgSend.encode(msg).finish()), msg);
});
