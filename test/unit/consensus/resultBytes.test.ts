/** deterministicResultBytes is written by hand: its bytes must stay exactly what cosmjs' BinaryWriter writes. */
import test from "ava";
import fc from "fast-check";
import { BinaryWriter } from "cosmjs-types/binary";
import { deterministicResultBytes } from "../../../chain/consensus/encoding.js";
import type { TxResult } from "../../../chain/types/abci.js";

function reference(r: TxResult): Uint8Array {
  const w = new BinaryWriter();
  if (r.code !== 0) w.uint32(8).uint32(r.code);
  if (r.data.length > 0) w.uint32(18).bytes(r.data);
  if (r.gasWanted !== 0n) w.uint32(40).int64(r.gasWanted);
  if (r.gasUsed !== 0n) w.uint32(48).int64(r.gasUsed);
  return w.finish();
}

const int64 = fc.oneof(
  fc.constantFrom(0n, 1n, 127n, 128n, 16_383n, 16_384n, -1n, -(2n ** 63n), 2n ** 63n - 1n),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
);

const result: fc.Arbitrary<TxResult> = fc.record({
  code: fc.oneof(fc.constantFrom(0, 1, 127, 128, 2 ** 32 - 1), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
  codespace: fc.string(),
  log: fc.string(),
  info: fc.constant(""),
  data: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 300 })),
  gasWanted: int64,
  gasUsed: int64,
  events: fc.constant([]),
});

test("a result's deterministic bytes are BinaryWriter's for any code, data and gas, negative int64s included", (t) => {
  fc.assert(
    fc.property(result, (r) => {
      t.deepEqual(Buffer.from(deterministicResultBytes(r)), Buffer.from(reference(r)));
    }),
    { numRuns: 5000 },
  );
});
