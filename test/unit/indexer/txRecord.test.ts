import test from "ava";
import fc from "fast-check";
import { decodeTxRecord, encodeTxRecord } from "../../../chain/indexer/txRecord.js";
import { concatBytes, utf8 } from "../../../chain/types/bytes.js";
import type { TxResult } from "../../../chain/types/abci.js";

const result: TxResult = {
  code: 5,
  codespace: "sdk",
  log: "spendable balance 0ustrike is smaller than 1ustrike: insufficient funds — ünïcode",
  info: "",
  data: Uint8Array.of(0, 1, 255),
  gasWanted: 200000n,
  gasUsed: 51234n,
  events: [
    { type: "tx", attributes: [{ key: "fee", value: "5000ustrike", index: true }] },
    {
      type: "message",
      attributes: [
        { key: "memo", value: "", index: false },
        { key: "msg_index", value: "0", index: true },
      ],
    },
  ],
};

test("a record round-trips height, index, tx bytes and every result field", (t) => {
  const tx = Uint8Array.of(9, 8, 7);
  const decoded = decodeTxRecord(encodeTxRecord(1234567n, 42, tx, result));
  t.is(decoded.height, 1234567n);
  t.is(decoded.index, 42);
  t.deepEqual(decoded.tx, tx);
  t.deepEqual(decoded.result, result);
});

test("records written in the earlier JSON layout still decode", (t) => {
  const tx = utf8("legacy");
  const head = new Uint8Array(16);
  const view = new DataView(head.buffer);
  view.setBigUint64(0, 7n);
  view.setUint32(8, 1);
  view.setUint32(12, tx.length);
  const json = { ...result, data: Buffer.from(result.data).toString("base64"), gasWanted: "200000", gasUsed: "51234" };
  const decoded = decodeTxRecord(concatBytes(head, tx, utf8(JSON.stringify(json))));
  t.is(decoded.height, 7n);
  t.deepEqual(decoded.result, result);
});

test("a truncated record is reported as corrupt, not returned half-read", (t) => {
  const bytes = encodeTxRecord(1n, 0, Uint8Array.of(1), result);
  t.throws(() => decodeTxRecord(bytes.subarray(0, bytes.length - 3)), { message: /corrupt/ });
});

test("any strings round-trip as UTF-8: short and long ASCII, non-ASCII after an ASCII start, lone surrogates", (t) => {
  const text = fc.oneof(
    fc.string({ maxLength: 70 }),
    fc.string({ minLength: 60, maxLength: 200 }),
    fc
      .tuple(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", minLength: 1, maxLength: 5 }))
      .map(([a, b]) => a + b),
    fc.string({ unit: "binary", maxLength: 10 }),
  );
  const asUtf8 = (s: string) => Buffer.from(s, "utf8").toString("utf8");
  fc.assert(
    fc.property(text, text, text, fc.array(fc.tuple(text, text)), (codespace, log, type, attrs) => {
      const r: TxResult = {
        ...result,
        codespace,
        log,
        events: [{ type, attributes: attrs.map(([key, value]) => ({ key, value, index: key.length % 2 === 0 })) }],
      };
      const back = decodeTxRecord(encodeTxRecord(1n, 0, Uint8Array.of(1), r)).result;
      t.is(back.codespace, asUtf8(codespace));
      t.is(back.log, asUtf8(log));
      t.is(back.events[0]!.type, asUtf8(type));
      t.deepEqual(
        back.events[0]!.attributes,
        attrs.map(([key, value]) => ({ key: asUtf8(key), value: asUtf8(value), index: key.length % 2 === 0 })),
      );
    }),
    { numRuns: 500 },
  );
});
