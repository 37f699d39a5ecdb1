/**
 * Allocation on cosmjs-types' (0.11) hot paths, patched where every process that runs the
 * app or consensus encoding gets it.
 *
 * Writing: cosmjs-types hands every encoded message out of `BinaryWriter.alloc`, which builds
 * a new 8 KiB pool on each call: each `finish()` of a message under 4 KiB allocates and zeroes
 * 8 KiB and returns a view of its start. A node encodes a few hundred such messages a block
 * (vote sign bytes, header and commit hashes, the block store's records, sign docs): ~0.7 ms
 * of an idle validator's block on this machine, and 8 KiB of garbage each. Messages are
 * allocated at their exact size instead; the bytes written are the same.
 *
 * Reading: `BinaryReader.string()` decodes UTF-8 in JavaScript, a char code at a time into a
 * growing array that it copies and spreads into `String.fromCharCode`: ~5 KB of garbage per
 * signed bank send decoded (its type URLs, addresses, denoms and amounts are all strings), the
 * largest single allocator of a saturated node's tx decoding (sampled allocation profile,
 * 2026-12-07). A string whose bytes are all ASCII (every one a tx of this chain needs) is now
 * read with Buffer's native latin1 slicer, which gives the same string for those bytes; any
 * other goes through cosmjs-types' own decoder, so invalid UTF-8 decodes exactly as before.
 *
 * Imported for its effect by the modules that encode with cosmjs-types on the hot paths
 * (consensus encoding, the app), so that any process running either has it.
 */
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";

BinaryWriter.alloc = (size: number): Uint8Array => new Uint8Array(size);

type Slicer = (this: Uint8Array, start: number, end: number) => string;
/** Buffer's native latin1 slicer called on any Uint8Array (chain/types/bytes.ts does the same; codec/ sits below it). */
const latin1Slice: Slicer =
  (Buffer.prototype as unknown as { latin1Slice?: Slicer }).latin1Slice ??
  function (this: Uint8Array, start: number, end: number): string {
    return Buffer.from(this.buffer, this.byteOffset, this.byteLength).toString("latin1", start, end);
  };

const decodeString = BinaryReader.prototype.string;
BinaryReader.prototype.string = function string(this: BinaryReader): string {
  // Where the string's bytes are: `bytes()` reads the length and checks the bounds, as the
  // original does first; the position is put back for it when the fast path does not apply.
  const start = this.pos;
  const bytes = this.bytes();
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! > 0x7f) {
      this.pos = start;
      return decodeString.call(this);
    }
  }
  return latin1Slice.call(bytes, 0, bytes.length);
};
