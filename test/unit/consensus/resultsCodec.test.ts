/**
 * The block store's results encoding is cosmjs-types' ResponseFinalizeBlock, byte for byte:
 * defaults omitted, negative int64s in ten bytes, codes past 2^31, non-ASCII and lone
 * surrogates written by its UTF-8 writer. And it decodes back to what was encoded.
 */
import test from "ava";
import fc from "fast-check";
import { ResponseFinalizeBlock } from "cosmjs-types/tendermint/abci/types";
import { PublicKey } from "cosmjs-types/tendermint/crypto/keys";
import { decodeFinalizeBlockResponse, encodeFinalizeBlockResponse } from "../../../chain/consensus/protoCodec.js";
import type { AbciEvent, FinalizeBlockResponse } from "../../../chain/types/abci.js";

const text = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
  fc.string({ unit: "binary", maxLength: 10 }),
  fc.string({ minLength: 130, maxLength: 400 }),
);
const int64 = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: 0n, max: 0x7fffffffn }),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
);
const event: fc.Arbitrary<AbciEvent> = fc.record({
  type: text,
  attributes: fc.array(fc.record({ key: text, value: text, index: fc.boolean() }), { maxLength: 6 }),
});
const response: fc.Arbitrary<FinalizeBlockResponse> = fc.record({
  events: fc.array(event, { maxLength: 3 }),
  txResults: fc.array(
    fc.record({
      code: fc.oneof(fc.constant(0), fc.nat(), fc.integer({ min: 0, max: 0xffffffff })),
      codespace: text,
      log: text,
      info: text,
      data: fc.uint8Array({ maxLength: 300 }),
      gasWanted: int64,
      gasUsed: int64,
      events: fc.array(event, { maxLength: 4 }),
    }),
    { maxLength: 8 },
  ),
  validatorUpdates: fc.array(fc.record({ pubKey: fc.uint8Array({ maxLength: 32 }), power: int64 }), { maxLength: 3 }),
  appHash: fc.uint8Array({ maxLength: 32 }),
});

function byCosmjsTypes(r: FinalizeBlockResponse): Uint8Array {
  return ResponseFinalizeBlock.encode({
    events: r.events,
    txResults: r.txResults,
    validatorUpdates: r.validatorUpdates.map((u) => ({
      pubKey: PublicKey.fromPartial({ ed25519: u.pubKey }),
      power: u.power,
    })),
    appHash: r.appHash,
  }).finish();
}

test("results are encoded exactly as cosmjs-types encodes them, and decode back", (t) => {
  fc.assert(
    fc.property(response, (r) => {
      const bytes = encodeFinalizeBlockResponse(r);
      t.deepEqual(bytes, Uint8Array.from(byCosmjsTypes(r)));
      const back = decodeFinalizeBlockResponse(bytes);
      t.is(back.txResults.length, r.txResults.length);
      t.deepEqual(
        back.txResults.map((x) => [x.code, x.gasWanted, x.gasUsed, x.events.length]),
        r.txResults.map((x) => [x.code, x.gasWanted, x.gasUsed, x.events.length]),
      );
    }),
    { numRuns: 400 },
  );
});

test("an empty block's results are the app hash alone", (t) => {
  const appHash = new Uint8Array(32).fill(9);
  const bytes = encodeFinalizeBlockResponse({ events: [], txResults: [], validatorUpdates: [], appHash });
  t.deepEqual(bytes, Uint8Array.of(42, 32, ...appHash));
});
