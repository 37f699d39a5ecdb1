/**
 * Once the consensus encoding is loaded, cosmjs-types messages are encoded into buffers of
 * their own size (not views of a fresh 8 KiB pool each), with the same bytes.
 */
import test from "ava";
import { Timestamp } from "cosmjs-types/google/protobuf/timestamp";
import { BlockID } from "cosmjs-types/tendermint/types/types";
import "../../../chain/consensus/encoding.js";
import { toHex } from "../../../chain/types/bytes.js";

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
