/**
 * What a receipt from a peer comes to (service.ts `relayed`): only bytes an honest peer never
 * sends count against it. A well-signed receipt from a key outside our validator set is what a
 * peer behind us (or a validator that has since left) sends: ignored, not penalised.
 */
import test from "ava";
import {
  type Receipt,
  ReceiptStatus,
  SignedReceipt,
} from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { signReceipt } from "../../../chain/sequencer/receipt.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { openRelayingNode } from "../../helpers/relayingNode.js";

const CHAIN = "strike-test-1";
const validatorKey = createEd25519Signer(new Uint8Array(32).fill(3));
const formerValidator = createEd25519Signer(new Uint8Array(32).fill(4));

function receiptBy(signer: ReturnType<typeof createEd25519Signer>, tx: string, chainId = CHAIN): Uint8Array {
  const receipt: Receipt = {
    chainId,
    height: 7n,
    index: 0,
    txHash: sha256(utf8(tx)),
    code: 0,
    codespace: "",
    resultHash: sha256(utf8("result")),
    fills: [],
    sequencerAddress: ed25519Address(signer.publicKey),
    epoch: 1n,
    previousReceiptHash: new Uint8Array(32),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
    data: new Uint8Array(0),
    gasWanted: 0n,
    gasUsed: 0n,
  };
  return SignedReceipt.encode(signReceipt(receipt, signer)).finish();
}

/** A full node; `validatorKey` is the one validator. */
const fullNode = () => openRelayingNode({ chainId: CHAIN, validators: [validatorKey] });

test("a receipt signed by a validator is stored (new, to pass on); an echo of it is kept again without a fault", async (t) => {
  const s = await fullNode();
  const bytes = receiptBy(validatorKey, "tx-1");
  t.deepEqual(s.relayed(bytes), { verdict: "new" });
  t.deepEqual(s.relayed(bytes), { verdict: "kept" });
  const held = s.receipts.get(sha256(utf8("tx-1")));
  t.not(held, undefined, "the receipt is held");
  t.deepEqual(held?.bytes, bytes, "as the bytes it came in, which peers are sent on");
  t.deepEqual(SignedReceipt.encode(held!.signed).finish(), bytes, "and they are its encoding");
});

test("a well-signed receipt by a key outside the set is ignored, not held and not the peer's fault", async (t) => {
  const s = await fullNode();
  t.deepEqual(s.relayed(receiptBy(formerValidator, "tx-2")), { verdict: "ignored" });
  t.is(s.receipts.get(sha256(utf8("tx-2"))), undefined);
});

test("garbage, another chain's receipt and a broken signature are invalid, and nothing is held", async (t) => {
  const s = await fullNode();
  const garbage = s.relayed(utf8("not a receipt at all"));
  t.is(garbage.verdict, "invalid");
  const otherChain = s.relayed(receiptBy(validatorKey, "tx-3", "strike-other-1"));
  t.is(otherChain.verdict, "invalid");
  t.regex(otherChain.verdict === "invalid" ? otherChain.reason : "", /strike-other-1/);
  const good = SignedReceipt.decode(receiptBy(validatorKey, "tx-4"));
  const broken = SignedReceipt.encode({ ...good, signature: new Uint8Array(64).fill(1) }).finish();
  t.is(s.relayed(broken).verdict, "invalid");
  t.is(s.receipts.get(sha256(utf8("tx-4"))), undefined);
  t.is(s.receipts.get(sha256(utf8("tx-3"))), undefined);
});
