import test from "ava";
import fc from "fast-check";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { Any } from "cosmjs-types/google/protobuf/any";
import { signDocBytes } from "../../../chain/runtime/ante/index.js";
import { ProtoWriter } from "../../../chain/runtime/protoWire.js";
import { accountToAny, accountFromAny, accounts, type Account } from "../../../modules/auth/state.js";
import { decodeBaseAccountAny, encodeBaseAccountAny } from "../../../modules/auth/accountCodec.js";

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ minLength: 100, maxLength: 300 }),
);

test("sign doc bytes are exactly cosmjs-types' SignDoc encoding", (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 200 }),
      text,
      u64,
      (bodyBytes, authInfoBytes, chainId, accountNumber) => {
        const expected = SignDoc.encode({ bodyBytes, authInfoBytes, chainId, accountNumber }).finish();
        t.deepEqual(signDocBytes(bodyBytes, authInfoBytes, chainId, accountNumber), Uint8Array.from(expected));
      },
    ),
  );
});

test("TxMsgData written by hand matches cosmjs-types for any msg responses", (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ typeUrl: text, value: fc.uint8Array({ maxLength: 200 }) }), { maxLength: 4 }),
      (responses) => {
        const expected = TxMsgData.encode({
          data: [],
          msgResponses: responses.map((r) => Any.fromPartial(r)),
        }).finish();
        const w = new ProtoWriter();
        for (const r of responses) w.message(2, new ProtoWriter().string(1, r.typeUrl).bytes(2, r.value).finish());
        t.deepEqual(w.finish(), Uint8Array.from(expected));
        // As runTx writes it: each response's writer embedded without a finish of its own.
        const e = new ProtoWriter();
        for (const r of responses) e.embed(2, new ProtoWriter().string(1, r.typeUrl).bytes(2, r.value));
        t.deepEqual(e.finish(), Uint8Array.from(expected));
      },
    ),
  );
});

const account = fc.record({
  address: fc.oneof(fc.constant(""), fc.string({ maxLength: 70 }), fc.string({ unit: "grapheme", maxLength: 20 })),
  pubKey: fc.option(fc.uint8Array({ minLength: 0, maxLength: 33 }), { nil: undefined }),
  accountNumber: u64,
  sequence: u64,
});

test("a base account's store bytes are exactly cosmjs-types' Any{BaseAccount} and decode back the same", (t) => {
  fc.assert(
    fc.property(account, (acc: Account) => {
      const expected = Uint8Array.from(Any.encode(accountToAny(acc)).finish());
      const bytes = encodeBaseAccountAny(acc);
      t.deepEqual(bytes, expected);
      const fast = decodeBaseAccountAny(bytes);
      const generic = accountFromAny(Any.decode(bytes));
      // The fast decoder may decline (non-ASCII address), never disagree.
      if (fast !== undefined) t.deepEqual(fast, generic);
      t.deepEqual(accounts.valueCodec.decode(bytes), generic);
    }),
  );
});

test("module accounts still round-trip through the account codec", (t) => {
  const acc: Account = {
    address: "strike1xyz",
    pubKey: undefined,
    accountNumber: 3n,
    sequence: 0n,
    module: { name: "fee_collector", permissions: ["burner"] },
  };
  const bytes = accounts.valueCodec.encode(acc);
  t.deepEqual(bytes, Uint8Array.from(Any.encode(accountToAny(acc)).finish()));
  t.deepEqual(accounts.valueCodec.decode(bytes), acc);
});

test("on damaged account bytes the fast decoder declines or agrees with cosmjs-types, never differs", (t) => {
  let agreed = 0;
  fc.assert(
    fc.property(
      account,
      fc.array(
        fc.record({
          at: fc.nat(),
          // Printable bytes keep more damaged encodings parseable, so both paths are exercised.
          byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0x20, max: 0x7e })),
        }),
        { minLength: 1, maxLength: 2 },
      ),
      fc.oneof(fc.constant(0), fc.nat({ max: 4 })),
      (acc: Account, flips, cut) => {
        const bytes = encodeBaseAccountAny(acc).slice();
        for (const { at, byte } of flips) bytes[at % bytes.length] = byte;
        const damaged = bytes.subarray(0, bytes.length - (cut === 0 ? 0 : cut));
        const fast = decodeBaseAccountAny(damaged);
        if (fast === undefined) return;
        // Whatever the fast path accepts, the generic decoder reads the same way.
        t.deepEqual(fast, accountFromAny(Any.decode(damaged)));
        agreed++;
      },
    ),
    { numRuns: 10_000 },
  );
  t.true(agreed > 50, `the fast path accepted ${agreed} damaged encodings`);
});

interface Nested {
  typeUrl: string;
  leaf: Uint8Array;
  child?: Nested | undefined;
}

const nested: fc.Arbitrary<Nested> = fc.letrec<{ node: Nested }>((tie) => ({
  node: fc.record(
    {
      typeUrl: text,
      leaf: fc.uint8Array({ maxLength: 5000 }),
      child: fc.option(tie("node"), { nil: undefined, depthSize: "small" }),
    },
    { requiredKeys: ["typeUrl", "leaf"] },
  ),
})).node;

function anyOf(n: Nested): Any {
  return { typeUrl: n.typeUrl, value: n.child === undefined ? n.leaf : Any.encode(anyOf(n.child)).finish() };
}

function written(n: Nested): Uint8Array {
  // The child is written while this writer is open: one scratch slot per level, then own buffers.
  const w = new ProtoWriter().string(1, n.typeUrl);
  return w.bytes(2, n.child === undefined ? n.leaf : written(n.child)).finish();
}

test("writers nested at any depth write exactly cosmjs-types' bytes", (t) => {
  fc.assert(
    fc.property(nested, (n) => t.deepEqual(written(n), Uint8Array.from(Any.encode(anyOf(n)).finish()))),
    { numRuns: 200 },
  );
});

/** The same message with every level's writer opened before the level inside it, and embedded unfinished. */
function embedded(n: Nested): ProtoWriter {
  const w = new ProtoWriter().string(1, n.typeUrl);
  return n.child === undefined ? w.bytes(2, n.leaf) : w.embedBytes(2, embedded(n.child));
}

test("writers embedded unfinished, outermost opened first, write exactly cosmjs-types' bytes", (t) => {
  fc.assert(
    fc.property(nested, (n) => t.deepEqual(embedded(n).finish(), Uint8Array.from(Any.encode(anyOf(n)).finish()))),
    { numRuns: 200 },
  );
});

// Last in this file: the writers it leaves open keep their scratch slots for the process.
test("writers left unfinished (as a throw would) leave later writers correct", (t) => {
  fc.assert(
    fc.property(nested, fc.nat({ max: 3 }), (n, abandoned) => {
      for (let i = 0; i < abandoned; i++) new ProtoWriter().string(1, "left open");
      t.deepEqual(written(n), Uint8Array.from(Any.encode(anyOf(n)).finish()));
    }),
    { numRuns: 100 },
  );
});
