/**
 * encodeMessage (chain/codec/encode.ts) reuses one protobuf writer: its bytes must be
 * exactly what a fresh writer gives for any message, whatever was encoded before it — a
 * longer message, a nested one, one whose encoding threw half-way, or one too large to keep.
 */
import test from "ava";
import fc from "fast-check";
import type { BinaryWriter } from "@bufbuild/protobuf/wire";
import { encodeMessage, type MessageEncoder } from "../../../chain/codec/encode.js";
import { Position } from "../../../chain/codec/generated/strike/margin/v1/margin.js";
import { Order } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { Checkpoint } from "../../../chain/codec/generated/strike/checkpoint/v1/checkpoint.js";

// Some fields are int64: values a generated encoder takes.
const u64 = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
const text = fc.string({ unit: "grapheme", maxLength: 70 });

const order = fc.record({
  id: u64,
  market: text,
  owner: text,
  subaccount: fc.nat({ max: 2 ** 32 - 1 }),
  clientId: u64,
  price: u64,
  size: u64,
  remaining: u64,
  reduceOnly: fc.boolean(),
  goodTilBlock: u64,
  createdHeight: u64,
});
const position = fc.record({
  owner: text,
  subaccount: fc.nat({ max: 2 ** 32 - 1 }),
  market: text,
  size: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  entryCost: text,
});

type Item = { kind: "order"; m: Order } | { kind: "position"; m: Position } | { kind: "throws" } | { kind: "huge" };
const item: fc.Arbitrary<Item> = fc.oneof(
  order.map((m) => ({ kind: "order" as const, m: Order.fromPartial(m) })),
  position.map((m) => ({ kind: "position" as const, m: Position.fromPartial(m) })),
  fc.constant({ kind: "throws" as const }),
  fc.constant({ kind: "huge" as const }),
);

/** Writes some fields, then fails: the writer it was given is left mid-message. */
const failing: MessageEncoder<Position> = {
  encode(m: Position, w?: BinaryWriter): BinaryWriter {
    Position.encode(m, w).uint32(10).fork().string("half");
    throw new Error("encode failed");
  },
};

const hugeOwner = "x".repeat(70_000);

test("encodeMessage gives a fresh writer's bytes after any sequence of messages, failed encodes and huge ones", (t) => {
  fc.assert(
    fc.property(fc.array(item, { maxLength: 30 }), (items) => {
      for (const it of items) {
        if (it.kind === "order") t.deepEqual(encodeMessage(Order, it.m), Order.encode(it.m).finish());
        else if (it.kind === "position") t.deepEqual(encodeMessage(Position, it.m), Position.encode(it.m).finish());
        else if (it.kind === "throws")
          t.throws(() => encodeMessage(failing, Position.fromPartial({ owner: "a", market: "b" })), {
            message: "encode failed",
          });
        else {
          const p = Position.fromPartial({ owner: hugeOwner, market: "ETH-PERP", size: 5n });
          t.deepEqual(encodeMessage(Position, p), Position.encode(p).finish());
        }
      }
    }),
    { numRuns: 200 },
  );
});

test("a message with nested messages encodes alike, and the result is not changed by later encodes", (t) => {
  const c = Checkpoint.fromPartial({
    height: 10n,
    appHash: new Uint8Array(32).fill(1),
    signersSet: [
      { operator: "a", power: 3n },
      { operator: "b", power: 4n },
    ],
  });
  const first = encodeMessage(Checkpoint, c);
  t.deepEqual(first, Checkpoint.encode(c).finish());
  const copy = Uint8Array.from(first);
  encodeMessage(Order, Order.fromPartial({ id: 1n, market: "m".repeat(300) }));
  t.deepEqual(first, copy, "a result owns its bytes");
});
