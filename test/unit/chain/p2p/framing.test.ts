import test from "ava";
import fc from "fast-check";
import { encodeFrame, FrameDecoder } from "../../../../chain/p2p/framing.js";
import { assertProperty } from "../../../helpers/property.js";

/** Cuts a byte string at the given offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, p));
    start = p;
  }
  return chunks;
}

test("frames split at arbitrary chunk boundaries are delivered whole and in order", (t) => {
  assertProperty(
    t,
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 40 }),
      (messages, offsets) => {
        const stream = Buffer.concat(messages.map(encodeFrame));
        const decoder = new FrameDecoder(300);
        const out: Uint8Array[] = [];
        for (const chunk of cut(stream, offsets)) {
          if (decoder.push([chunk], (m) => out.push(m)) !== undefined) return false;
        }
        return out.length === messages.length && out.every((m, i) => Buffer.from(m).equals(messages[i]!));
      },
    ),
  );
});

test("an oversized length is rejected from its 4-byte header, before any payload is buffered", (t) => {
  const decoder = new FrameDecoder(1000);
  const delivered: Uint8Array[] = [];
  const ok = encodeFrame(new Uint8Array(1000));
  t.is(
    decoder.push([ok], (m) => delivered.push(m)),
    undefined,
  );
  const header = new Uint8Array([0, 0, 0x03, 0xe9]); // 1001
  t.deepEqual(
    decoder.push([header], (m) => delivered.push(m)),
    { length: 1001, max: 1000 },
  );
  t.is(delivered.length, 1, "the frame before it was delivered");
  t.is(
    decoder.push([new Uint8Array(2000)], (m) => delivered.push(m)),
    undefined,
    "input after a violation is ignored",
  );
  t.is(delivered.length, 1);
});

test("a frame of 4 GiB - 1 announced is refused without allocating it", (t) => {
  const decoder = new FrameDecoder(22 * 1024 * 1024);
  const result = decoder.push([new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2, 3])], () => t.fail());
  t.deepEqual(result, { length: 0xffff_ffff, max: 22 * 1024 * 1024 });
});

test("delivered messages are copies that do not alias the transport's chunks", (t) => {
  const frame = encodeFrame(new Uint8Array([1, 2, 3]));
  const decoder = new FrameDecoder(10);
  let got: Uint8Array | undefined;
  decoder.push([frame], (m) => (got = m));
  frame.fill(0);
  t.deepEqual(got, new Uint8Array([1, 2, 3]));
  t.is(got!.byteOffset, 0);
  t.is(got!.buffer.byteLength, 3);
});
