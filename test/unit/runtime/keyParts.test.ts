import test from "ava";
import fc from "fast-check";
import { concatBytes, u32be, u64be, utf8 } from "../../../chain/types/bytes.js";
import { Order, Side, TriggerType } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { keyBuildersForTesting } from "../../../modules/orderbook/state.js";
import { BOOK_PREFIX, ORDERS_PREFIX, TRIGGERS_PREFIX } from "../../../modules/orderbook/keys.js";
import { amountCodec, lengthPrefixed, lengthPrefixedUtf8 } from "../../../chain/runtime/collection.js";
import { balances } from "../../../modules/bank/state.js";
import { accountKeyBytes } from "../../../modules/margin/keys.js";
import { addressBytesView, addressToBech32 } from "../../../chain/crypto/address.js";

// Store keys are consensus data: the one-allocation builders must give exactly the bytes the
// part-by-part concatenations gave, for any input (non-ASCII, long, empty).

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ minLength: 120, maxLength: 300 }),
);

test("lengthPrefixedUtf8 is lengthPrefixed(utf8(s)) for any string, and lengthPrefixed is one length byte then the bytes", (t) => {
  fc.assert(
    fc.property(text, (s) => {
      const bytes = utf8(s);
      t.deepEqual(lengthPrefixedUtf8(s), lengthPrefixed(bytes));
      t.deepEqual(lengthPrefixed(bytes), concatBytes(Uint8Array.of(bytes.length), bytes));
    }),
  );
});

test("accountKeyBytes is prefix, length-prefixed address, u32be number and tail, as the margin keys were built", (t) => {
  fc.assert(
    fc.property(
      // Account addresses (20 bytes) and module addresses (32 bytes).
      fc.oneof(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ minLength: 32, maxLength: 32 })),
      fc.nat({ max: 0xffffffff }),
      fc.uint8Array({ maxLength: 3 }),
      fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
      (address, number, prefix, tail) => {
        const owner = addressToBech32(address);
        const expected = concatBytes(prefix, lengthPrefixed(address), u32be(number), tail ?? new Uint8Array(0));
        t.deepEqual(accountKeyBytes(prefix, { owner, number }, tail), expected);
        t.deepEqual(addressBytesView(owner), address);
      },
    ),
  );
});

test("the orderbook's order, book and trigger keys are the part-by-part concatenations, for any market string, side, price and id", (t) => {
  const { orderKey, bookSidePrefix, bookKey, triggerKey } = keyBuildersForTesting;
  const MAX_U64 = (1n << 64n) - 1n;
  const u64 = fc.bigInt({ min: 0n, max: MAX_U64 });
  fc.assert(
    fc.property(
      fc.oneof(text, fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,63}$/)),
      fc.constantFrom(Side.SIDE_BUY, Side.SIDE_SELL),
      u64,
      u64,
      fc.constantFrom(TriggerType.TRIGGER_TYPE_STOP, TriggerType.TRIGGER_TYPE_TAKE_PROFIT),
      (market, side, price, id, triggerType) => {
        const m = lengthPrefixed(utf8(market));
        const sideByte = Uint8Array.of(side === Side.SIDE_BUY ? 1 : 2);
        const o = Order.fromPartial({ market, side, price, id, triggerType, triggerPrice: price });
        t.deepEqual(orderKey(market, id), concatBytes(ORDERS_PREFIX, m, u64be(id)));
        t.deepEqual(bookSidePrefix(market, side), concatBytes(BOOK_PREFIX, m, sideByte));
        const priceKey = u64be(side === Side.SIDE_BUY ? MAX_U64 - price : price);
        t.deepEqual(bookKey(o), concatBytes(BOOK_PREFIX, m, sideByte, priceKey, u64be(id)));
        const rises = (triggerType === TriggerType.TRIGGER_TYPE_STOP) === (side === Side.SIDE_BUY);
        t.deepEqual(
          triggerKey(o),
          concatBytes(TRIGGERS_PREFIX, m, Uint8Array.of(rises ? 1 : 2), u64be(price), u64be(id)),
        );
      },
    ),
  );
});

test("a balance's store key built in one array is the balances prefix then its encoded (address, denom), for any denom", (t) => {
  const codec = balances.keyCodec;
  fc.assert(
    fc.property(
      fc.oneof(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ minLength: 32, maxLength: 32 })),
      fc.oneof(text, fc.stringMatching(/^[a-z][a-z0-9/]{2,40}$/)),
      fc.uint8Array({ maxLength: 12 }),
      (address, denom, head) => {
        const key: [string, string] = [addressToBech32(address), denom];
        t.deepEqual(codec.encodeAfter!(head, key), concatBytes(head, codec.encode(key)));
        t.deepEqual(codec.encode(key), concatBytes(lengthPrefixed(address), utf8(denom)));
        t.deepEqual(balances.storeKeyOf(key), concatBytes(balances.prefix, codec.encode(key)));
      },
    ),
  );
});

test("a stored amount reads back as the bigint its decimal text says, and non-ASCII bytes are refused as before", (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), (n) => {
      t.is(amountCodec.decode(amountCodec.encode(n)), n);
    }),
  );
  t.throws(() => amountCodec.decode(utf8("12\u00e93")), { instanceOf: SyntaxError });
});
