/**
 * cosmjs-types (0.11) hands every encoded message out of `BinaryWriter.alloc`, which builds a
 * new 8 KiB pool on each call: each `finish()` of a message under 4 KiB allocates and zeroes
 * 8 KiB and returns a view of its start. A node encodes a few hundred such messages a block
 * (vote sign bytes, header and commit hashes, the block store's records, sign docs): ~0.7 ms
 * of an idle validator's block on this machine, and 8 KiB of garbage each. Messages are
 * allocated at their exact size instead; the bytes written are the same.
 *
 * Imported for its effect by the modules that encode with cosmjs-types on the hot paths
 * (consensus encoding, the app), so that any process running either has it.
 */
import { BinaryWriter } from "cosmjs-types/binary";

BinaryWriter.alloc = (size: number): Uint8Array => new Uint8Array(size);
