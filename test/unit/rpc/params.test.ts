import test from "ava";
import { randomBytes } from "node:crypto";
import { argsFromJson } from "../../../chain/rpc/params.js";

const txOnly = [{ name: "tx", kind: "bytes" }] as const;

test("a bytes argument decodes from padded base64 of every length to exactly its bytes, as a plain Uint8Array", (t) => {
  for (let n = 0; n < 300; n++) {
    const bytes = randomBytes(n);
    const got = argsFromJson(txOnly, { tx: bytes.toString("base64") }).bytes("tx");
    t.true(got instanceof Uint8Array && !Buffer.isBuffer(got), `length ${n}`);
    t.deepEqual(got, new Uint8Array(bytes), `length ${n}`);
  }
});

test("a bytes argument that is not padded base64 is refused as invalid params", (t) => {
  for (const tx of ["abc", "ab=c", "a===", "@@@@", "YQ", 42]) {
    t.throws(() => argsFromJson(txOnly, { tx }), { message: /expected base64 bytes/ }, String(tx));
  }
});
