import test from "ava";
import {
  FillSide,
  Liquidity,
  Receipt,
  ReceiptStatus,
} from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { toHex, utf8 } from "../../../chain/types/bytes.js";
import { verifyReceiptJson } from "../../../chain/sequencer/client.js";
import { sequencerErrors } from "../../../chain/sequencer/errors.js";
import { signReceipt } from "../../../chain/sequencer/receipt.js";
import { receiptToJson } from "../../../chain/sequencer/receiptJson.js";

const key = createEd25519Signer(new Uint8Array(32).fill(5));
const signed = signReceipt(
  {
    chainId: "strike-test-1",
    height: 9n,
    index: 1,
    txHash: sha256(utf8("t")),
    code: 0,
    codespace: "",
    resultHash: sha256(utf8("r")),
    fills: [],
    sequencerAddress: ed25519Address(key.publicKey),
    epoch: 2n,
    previousReceiptHash: new Uint8Array(0),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
    data: new Uint8Array(0),
    gasWanted: 0n,
    gasUsed: 0n,
  },
  key,
);

test("a receipt's JSON verifies from its signed bytes, with the chain id it names", (t) => {
  const json = JSON.parse(JSON.stringify(receiptToJson(signed, "sequenced"))) as unknown;
  const r = verifyReceiptJson(json, { sequencerAddress: toHex(ed25519Address(key.publicKey)) });
  t.is(r.height, 9n);
  t.is(r.index, 1);
});

test("editing the readable part of a receipt's JSON changes nothing: only the signed bytes count", (t) => {
  const json = receiptToJson(signed);
  json.receipt["index"] = 7;
  t.is(verifyReceiptJson(json).index, 1);
});

test("a receipt JSON whose signed bytes are missing or not strings is a malformed receipt, and garbage bytes do not verify", (t) => {
  t.true(sequencerErrors.malformedReceipt.is(t.throws(() => verifyReceiptJson({ signed: {} }))));
  const json = receiptToJson(signed);
  t.true(
    sequencerErrors.malformedReceipt.is(
      t.throws(() => verifyReceiptJson({ ...json, signed: { ...json.signed, receipt: 42 } })),
    ),
  );
  json.signed.receipt = "***";
  t.throws(() => verifyReceiptJson(json));
});

test("a receipt's JSON from its decoded form, as the store holds a pending one, is the JSON from its bytes", (t) => {
  const withFills = signReceipt(
    {
      ...Receipt.decode(signed.receipt),
      fills: [
        {
          market: "ETH-PERP",
          side: FillSide.FILL_SIDE_BUY,
          price: 3000n,
          size: 2n,
          fee: "-3",
          liquidity: Liquidity.LIQUIDITY_MAKER,
          orderId: 7n,
          counterpartyOrderId: 8n,
          tradeSeq: 11n,
          account: "strike1maker",
          subaccount: 0,
          counterparty: "strike1taker",
          counterpartySubaccount: 1,
        },
      ],
      log: "a log",
      data: utf8("data"),
      gasWanted: 10n,
      gasUsed: 9n,
    },
    key,
  );
  const decoded = Receipt.decode(withFills.receipt);
  t.deepEqual(receiptToJson(withFills, "sequenced", decoded), receiptToJson(withFills, "sequenced"));
});
