/**
 * `strike receipt watch` and `strike tx … --wait sequenced` check each receipt themselves
 * rather than trusting the node that hands it over (chain/sequencer/receiptTrust.ts): the
 * sequencer's signature (on the chain asked for) and its fills against the result it promises.
 */
import test from "ava";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { signReceipt } from "../../../chain/sequencer/receipt.js";
import { receiptToJson } from "../../../chain/sequencer/receiptJson.js";
import { checkReceiptJson } from "../../../chain/sequencer/receiptTrust.js";
import { sampleReceipt } from "../../helpers/receiptTampering.js";

const CHAIN = "strike-trust-1";
const sequencer = createEd25519Signer(new Uint8Array(32).fill(3));

type Streamed = { signed: { signature: string }; stage: string };

/** A receipt as a node streams or returns it: its JSON (signed bytes included). */
const streamed = (r = sampleReceipt(CHAIN, sequencer)): Streamed =>
  ({ ...receiptToJson(signReceipt(r, sequencer)), stage: "sequenced" }) as unknown as Streamed;

test("a receipt signed by its sequencer whose fills are its result's trades is a valid promise", (t) => {
  t.deepEqual(checkReceiptJson(streamed()), { valid: true });
  t.deepEqual(checkReceiptJson(streamed(), CHAIN), { valid: true });
});

test("a receipt that does not verify, or is for another chain, is no promise", (t) => {
  const event = streamed();
  const sig = Buffer.from(event.signed.signature, "base64");
  sig[3] = sig[3]! ^ 1;
  const forged = { ...event, signed: { ...event.signed, signature: sig.toString("base64") } };
  t.like(checkReceiptJson(forged), { valid: false });
  t.regex((checkReceiptJson(forged) as { problem: string }).problem, /^it does not verify: .*signature/i);
  t.like(checkReceiptJson(streamed(), "strike-other-1"), { valid: false });
});

test("a signed receipt whose fill its own result denies is marked a slashable lie", (t) => {
  const lying = sampleReceipt(CHAIN, sequencer);
  lying.fills[0]!.size += 1n;
  t.deepEqual(checkReceiptJson(streamed(lying)), {
    valid: false,
    problem:
      "the receipt contradicts itself (a slashable lie): fill 0 shows size 3; trade 0 of the result it promises has 2",
  });
});
