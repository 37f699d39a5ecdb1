/**
 * A signed receipt has one encoding: the receipt bytes the sequencer signs, and the
 * SignedReceipt framing a peer relays, must be what re-encoding their decoding gives. Unknown
 * fields, padded varints and lengths, defaults written out, repeated or reordered fields are
 * refused with a typed error (a relaying peer is penalised for them); every receipt our own
 * sequencer signs stays valid.
 */
import test from "ava";
import fc from "fast-check";
import {
  FillSide,
  Liquidity,
  Receipt,
  ReceiptStatus,
  SignedReceipt,
} from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { sequencerErrors } from "../../../chain/sequencer/errors.js";
import { createReceiptChecker } from "../../../chain/sequencer/receiptCheck.js";
import { decodeSignedReceipt, receiptSignBytes, signReceipt, verifyReceipt } from "../../../chain/sequencer/receipt.js";
import { concatBytes, utf8 } from "../../../chain/types/bytes.js";
import { openRelayingNode } from "../../helpers/relayingNode.js";

const CHAIN = "strike-test-1";
const sequencer = createEd25519Signer(new Uint8Array(32).fill(7));

function sample(over: Partial<Receipt> = {}): Receipt {
  return {
    chainId: CHAIN,
    height: 42n,
    index: 3,
    txHash: sha256(utf8("tx")),
    code: 0,
    codespace: "",
    resultHash: sha256(utf8("result")),
    fills: [
      {
        market: "ETH-PERP",
        side: FillSide.FILL_SIDE_BUY,
        price: 3000_000000n,
        size: 2n,
        fee: "150",
        liquidity: Liquidity.LIQUIDITY_TAKER,
        orderId: 11n,
        counterpartyOrderId: 7n,
        tradeSeq: 5n,
        account: "strike1taker",
        subaccount: 0,
        counterparty: "strike1maker",
        counterpartySubaccount: 1,
      },
    ],
    sequencerAddress: ed25519Address(sequencer.publicKey),
    epoch: 4n,
    previousReceiptHash: sha256(utf8("previous")),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
    data: new Uint8Array(0),
    gasWanted: 0n,
    gasUsed: 0n,
    ...over,
  };
}

/** The sequencer's key over arbitrary receipt bytes: a validly signed, possibly non-canonical receipt. */
function signBytes(receipt: Uint8Array): SignedReceipt {
  return { receipt, signature: sequencer.sign(receiptSignBytes(CHAIN, receipt)), pubKey: sequencer.publicKey };
}

/** A protobuf varint of n, padded with `extra` redundant zero groups (a non-minimal encoding). */
function varint(n: number, extra = 0): Uint8Array {
  const groups: number[] = [];
  do {
    groups.push(n & 0x7f);
    n = Math.floor(n / 128);
  } while (n > 0);
  for (let i = 0; i < extra; i++) groups.push(0);
  return new Uint8Array(groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const lenField = (field: number, body: Uint8Array, pad = 0) =>
  concatBytes(key(field, 2), varint(body.length, pad), body);
const chainIdField = lenField(1, utf8(CHAIN));
/** The canonical receipt without its chain id (field 1), to splice variants of field 1 in front of. */
const rest = Receipt.encode(sample()).finish().subarray(chainIdField.length);

const nonCanonicalReceipts: [string, Uint8Array][] = [
  ["an unknown varint field (99)", concatBytes(Receipt.encode(sample()).finish(), key(99, 0), varint(1))],
  ["an unknown length-delimited field (15)", concatBytes(Receipt.encode(sample()).finish(), lenField(15, utf8("x")))],
  ["a padded length of chain_id", concatBytes(lenField(1, utf8(CHAIN), 1), rest)],
  ["a padded varint height", concatBytes(chainIdField, key(2, 0), varint(42, 2), rest.subarray(2))],
  ["a padded field key", concatBytes(varint((1 << 3) | 2, 1), varint(CHAIN.length), utf8(CHAIN), rest)],
  ["code 0 written out", concatBytes(Receipt.encode(sample()).finish(), key(5, 0), varint(0))],
  ["chain_id twice", concatBytes(chainIdField, chainIdField, rest)],
  ["chain_id after the other fields", concatBytes(rest, chainIdField)],
];

/** A full node that relays `sequencer`'s receipts. */
const fullNode = () => openRelayingNode({ chainId: CHAIN, validators: [sequencer] });

test("the helpers build what they claim: each variant decodes to the same receipt as the canonical bytes", (t) => {
  t.deepEqual(varint(300), new Uint8Array([0xac, 0x02]));
  t.deepEqual(varint(42, 2), new Uint8Array([0xaa, 0x80, 0x00]));
  t.is(rest[0], 0x10, "field 2 (height) follows chain_id");
  for (const [name, bytes] of nonCanonicalReceipts) t.deepEqual(Receipt.decode(bytes), sample(), name);
});

for (const [name, bytes] of nonCanonicalReceipts) {
  test(`receipt bytes with ${name}, signed by the sequencer, are refused as non-canonical`, (t) => {
    const signed = signBytes(bytes);
    const e = t.throws(() => verifyReceipt(signed, { chainId: CHAIN }));
    t.true(sequencerErrors.nonCanonicalReceipt.is(e), String(e));
    // Only the form is wrong: slashing evidence (which binds the signer to what it signed) takes it.
    t.deepEqual(verifyReceipt(signed, { chainId: CHAIN, acceptNonCanonical: true }), sample());
  });
}

test("a watcher gathering evidence holds non-canonical receipts the sequencer signed (the chain judges them too)", (t) => {
  const checker = createReceiptChecker({ rpcUrl: "http://127.0.0.1:1", chainId: CHAIN });
  for (const [name, bytes] of nonCanonicalReceipts) t.notThrows(() => checker.hold(signBytes(bytes)), name);
  t.throws(() => checker.hold({ ...signBytes(Receipt.encode(sample()).finish()), signature: new Uint8Array(64) }));
});

const canonicalFrame = SignedReceipt.encode(signReceipt(sample(), sequencer)).finish();
const signed = signReceipt(sample(), sequencer);
const nonCanonicalFrames: [string, Uint8Array][] = [
  ["an unknown field (4)", concatBytes(canonicalFrame, key(4, 0), varint(1))],
  ["a long unknown field (15)", concatBytes(canonicalFrame, lenField(15, new Uint8Array(1024)))],
  [
    "a padded length of the receipt",
    concatBytes(lenField(1, signed.receipt, 2), lenField(2, signed.signature), lenField(3, signed.pubKey)),
  ],
  [
    "the key twice",
    concatBytes(
      lenField(1, signed.receipt),
      lenField(2, signed.signature),
      lenField(3, signed.pubKey),
      lenField(3, signed.pubKey),
    ),
  ],
  [
    "the signature last",
    concatBytes(lenField(1, signed.receipt), lenField(3, signed.pubKey), lenField(2, signed.signature)),
  ],
  [
    "a padded field key",
    concatBytes(
      varint((1 << 3) | 2, 1),
      varint(signed.receipt.length),
      signed.receipt,
      lenField(2, signed.signature),
      lenField(3, signed.pubKey),
    ),
  ],
];

test("a signed receipt's canonical framing decodes to what was signed", (t) => {
  t.deepEqual(decodeSignedReceipt(canonicalFrame), signed);
  t.deepEqual(
    concatBytes(lenField(1, signed.receipt), lenField(2, signed.signature), lenField(3, signed.pubKey)),
    canonicalFrame,
  );
});

for (const [name, bytes] of nonCanonicalFrames) {
  test(`a signed receipt framed with ${name} is refused as non-canonical`, (t) => {
    t.notThrows(() => verifyReceipt(SignedReceipt.decode(bytes), { chainId: CHAIN }), "the receipt inside is good");
    t.true(sequencerErrors.nonCanonicalReceipt.is(t.throws(() => decodeSignedReceipt(bytes))));
  });
}

test("undecodable framing is a malformed receipt", (t) => {
  t.true(sequencerErrors.malformedReceipt.is(t.throws(() => decodeSignedReceipt(new Uint8Array([0x0a, 0x05, 1])))));
});

test("on the receipts channel, non-canonical framing or receipt bytes are invalid (the peer's fault) and nothing is held; the canonical receipt is kept", async (t) => {
  const node = await fullNode();
  const txHash = sample().txHash;
  for (const [name, bytes] of nonCanonicalFrames) {
    const v = node.relayed(bytes);
    t.is(v.verdict, "invalid", name);
    t.regex(v.verdict === "invalid" ? v.reason : "", /canonical/, name);
  }
  for (const [name, bytes] of nonCanonicalReceipts) {
    const v = node.relayed(SignedReceipt.encode(signBytes(bytes)).finish());
    t.is(v.verdict, "invalid", name);
    t.regex(v.verdict === "invalid" ? v.reason : "", /canonical/, name);
  }
  t.is(node.receipts.get(txHash), undefined);
  t.deepEqual(node.relayed(canonicalFrame), { verdict: "new" });
  t.not(node.receipts.get(txHash), undefined);
});

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const bytes32 = fc.uint8Array({ minLength: 0, maxLength: 32 });
const fillArb = fc.record({
  market: fc.string({ maxLength: 12 }),
  side: fc.constantFrom(FillSide.FILL_SIDE_UNSPECIFIED, FillSide.FILL_SIDE_BUY, FillSide.FILL_SIDE_SELL),
  price: u64,
  size: u64,
  fee: fc.string({ maxLength: 12 }),
  liquidity: fc.constantFrom(Liquidity.LIQUIDITY_UNSPECIFIED, Liquidity.LIQUIDITY_MAKER, Liquidity.LIQUIDITY_TAKER),
  orderId: u64,
  counterpartyOrderId: u64,
  tradeSeq: u64,
  account: fc.string({ maxLength: 45 }),
  subaccount: fc.nat({ max: 0xffff_ffff }),
  counterparty: fc.string({ maxLength: 45 }),
  counterpartySubaccount: fc.nat({ max: 0xffff_ffff }),
});
const receiptArb = fc.record({
  chainId: fc.constant(CHAIN),
  height: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  index: fc.nat({ max: 0xffff_ffff }),
  txHash: bytes32,
  code: fc.nat({ max: 0xffff_ffff }),
  codespace: fc.string({ maxLength: 10 }),
  resultHash: bytes32,
  fills: fc.array(fillArb, { maxLength: 3 }),
  sequencerAddress: fc.constant(ed25519Address(sequencer.publicKey)),
  epoch: u64,
  previousReceiptHash: bytes32,
  status: fc.constantFrom(
    ReceiptStatus.RECEIPT_STATUS_UNSPECIFIED,
    ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    ReceiptStatus.RECEIPT_STATUS_REJECTED,
  ),
  // Any text, lone surrogates included: what a tx's log might hold.
  log: fc.string({ unit: "binary", maxLength: 20 }),
  data: fc.uint8Array({ maxLength: 64 }),
  gasWanted: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  gasUsed: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
});

test("every receipt our sequencer signs (any field values) is canonical: it verifies, and its framing decodes", (t) => {
  t.notThrows(() =>
    fc.assert(
      fc.property(receiptArb, (r) => {
        const s = signReceipt(r, sequencer);
        verifyReceipt(s, { chainId: CHAIN, sequencerAddress: ed25519Address(sequencer.publicKey) });
        decodeSignedReceipt(SignedReceipt.encode(s).finish());
      }),
      { numRuns: 500 },
    ),
  );
});
