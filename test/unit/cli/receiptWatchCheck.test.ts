/**
 * `strike receipt watch` checks each streamed receipt itself rather than trusting the node
 * that relays it: the sequencer's signature (on the chain asked for) and its fills against
 * the result it promises.
 */
import test from "ava";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { signReceipt } from "../../../chain/sequencer/receipt.js";
import { receiptToJson } from "../../../chain/sequencer/receiptJson.js";
import { checkStreamed } from "../../../cli/commands/receiptWatchActions.js";
import type { ReceiptEventJson } from "../../../cli/receiptText.js";
import { sampleReceipt } from "../../helpers/receiptTampering.js";

const CHAIN = "strike-watch-1";
const sequencer = createEd25519Signer(new Uint8Array(32).fill(3));

const streamed = (r = sampleReceipt(CHAIN, sequencer)): ReceiptEventJson =>
  ({ ...receiptToJson(signReceipt(r, sequencer)), stage: "sequenced" }) as ReceiptEventJson;

test("a receipt signed by its sequencer whose fills are its result's trades is a valid promise", (t) => {
  t.deepEqual(checkStreamed(streamed()), { valid: true });
  t.deepEqual(checkStreamed(streamed(), CHAIN), { valid: true });
});

test("a receipt that does not verify, or is for another chain, is no promise", (t) => {
  const event = streamed();
  const signed = event.signed as { signature: string };
  const sig = Buffer.from(signed.signature, "base64");
  sig[3] = sig[3]! ^ 1;
  const forged = { ...event, signed: { ...event.signed, signature: sig.toString("base64") } } as ReceiptEventJson;
  t.like(checkStreamed(forged), { valid: false });
  t.regex((checkStreamed(forged) as { problem: string }).problem, /^it does not verify: .*signature/i);
  t.like(checkStreamed(streamed(), "strike-other-1"), { valid: false });
});

test("a signed receipt whose fill its own result denies is marked a slashable lie", (t) => {
  const lying = sampleReceipt(CHAIN, sequencer);
  lying.fills[0]!.size += 1n;
  t.deepEqual(checkStreamed(streamed(lying)), {
    valid: false,
    problem:
      "the receipt contradicts itself (a slashable lie): fill 0 shows size 3; trade 0 of the result it promises has 2",
  });
});
