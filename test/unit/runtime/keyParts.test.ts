import test from "ava";
import fc from "fast-check";
import { concatBytes, u32be, utf8 } from "../../../chain/types/bytes.js";
import { lengthPrefixed, lengthPrefixedUtf8 } from "../../../chain/runtime/collection.js";
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
