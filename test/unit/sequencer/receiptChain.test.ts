/**
 * Relayed receipts authenticated through their sequencer's hash chain (receiptChain.ts,
 * service.ts `relayedBatch`): of the receipts read together, the newest of each chain has its
 * signature checked and vouches for the bytes of the ones before; a vouched receipt's own
 * signature is checked before it is handed out (to a client, a subscriber, a peer), and a copy
 * whose signature a peer swapped is never handed out.
 */
import test from "ava";
import { type Receipt, SignedReceipt } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { signReceipt, verifyReceipt } from "../../../chain/sequencer/receipt.js";
import { authenticateRelayed, type RelayedReceipt } from "../../../chain/sequencer/receiptChain.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { other, RECEIPT_CHAIN, receiptFor, seq } from "../../helpers/receipts.js";
import { verifyReceiptJson } from "../../../chain/sequencer/client.js";
import { openRelayingNode } from "../../helpers/relayingNode.js";

type Signer = typeof seq;
type Signed = { signed: SignedReceipt; receipt: Receipt; bytes: Uint8Array };

/** `n` receipts of `signer` at `height`, each naming the one before (the first names `previous`). */
function chainOf(
  signer: Signer,
  n: number,
  tag: string,
  height = 5n,
  previous: Uint8Array = new Uint8Array(0),
): Signed[] {
  const out: Signed[] = [];
  for (let i = 0; i < n; i++) {
    const base = receiptFor(utf8(`${tag}-${i}`), height, i, signer).receipt;
    const receipt: Receipt = { ...base, previousReceiptHash: previous };
    const signed = signReceipt(receipt, signer);
    previous = sha256(signed.receipt);
    out.push({ signed, receipt, bytes: SignedReceipt.encode(signed).finish() });
  }
  return out;
}

/** The same receipt bytes under another (invalid) signature: what a peer that swapped it sends. */
function swappedSignature(r: Signed, at = 5): Signed {
  const signature = r.signed.signature.slice();
  signature[at]! ^= 0x40;
  const signed = { ...r.signed, signature };
  return { signed, receipt: r.receipt, bytes: SignedReceipt.encode(signed).finish() };
}

function counting() {
  const checked: string[] = [];
  const valid = (s: SignedReceipt) => {
    checked.push(Buffer.from(sha256(s.receipt)).toString("hex"));
    try {
      verifyReceipt(s, { chainId: RECEIPT_CHAIN });
      return true;
    } catch {
      return false;
    }
  };
  return { checked, valid };
}

const relayedOf = (r: Signed, held = false): RelayedReceipt => ({ signed: r.signed, receipt: r.receipt, held });

/** A full node; `seq` and `other` are the validators. */
const fullNode = () => openRelayingNode({ chainId: RECEIPT_CHAIN, validators: [seq, other] });

test("a chain read in order: one signature checked, the newest's; it vouches for the rest", (t) => {
  const c = chainOf(seq, 6, "a");
  const { checked, valid } = counting();
  t.deepEqual(
    authenticateRelayed(
      c.map((r) => relayedOf(r)),
      valid,
    ),
    ["chain", "chain", "chain", "chain", "chain", "signature"],
  );
  t.is(checked.length, 1);
});

test("two sequencers' chains interleaved: each newest is checked; one sequencer's receipt vouches for nothing of the other's", (t) => {
  const a = chainOf(seq, 3, "a");
  const b = chainOf(other, 3, "b");
  const batch = [a[0]!, b[0]!, a[1]!, b[1]!, a[2]!, b[2]!].map((r) => relayedOf(r));
  const { checked, valid } = counting();
  t.deepEqual(authenticateRelayed(batch, valid), ["chain", "chain", "chain", "chain", "signature", "signature"]);
  t.is(checked.length, 2);

  // `other` signs a receipt naming a receipt in `seq`'s name that seq never signed.
  const forged = chainOf(seq, 1, "forged")[0]!;
  const unsigned = swappedSignature(forged);
  const liar = chainOf(other, 1, "liar", 5n, sha256(unsigned.signed.receipt))[0]!;
  const second = counting();
  t.deepEqual(authenticateRelayed([relayedOf(unsigned), relayedOf(liar)], second.valid), ["refused", "signature"]);
  t.is(second.checked.length, 2, "the forged receipt's own signature was checked, and failed");
});

test("out of order, changed bytes, a broken link, a held successor: only what a checked or held receipt names is vouched for", (t) => {
  const c = chainOf(seq, 4, "a");
  // Newest first: nothing later in the batch names the older ones.
  const reversed = counting();
  t.deepEqual(
    authenticateRelayed(
      [...c].reverse().map((r) => relayedOf(r)),
      reversed.valid,
    ),
    ["signature", "signature", "signature", "signature"],
  );
  // A receipt whose bytes differ from what its successor names (a field changed, resigned by nobody).
  const tampered: Signed = {
    ...c[1]!,
    signed: { ...c[1]!.signed, receipt: new Uint8Array(SignedReceipt.encode(c[2]!.signed).finish()) },
  };
  const t2 = counting();
  t.deepEqual(
    authenticateRelayed([relayedOf(c[0]!), relayedOf(tampered), relayedOf(c[2]!)], t2.valid),
    ["signature", "refused", "signature"],
    "the tampered one is not vouched for, fails its signature, and vouches for nothing",
  );
  // The newest is held already (a peer catching us up): it vouches like a checked one.
  const t3 = counting();
  t.deepEqual(authenticateRelayed([relayedOf(c[2]!), relayedOf(c[3]!, true)], t3.valid), ["chain", "held"]);
  t.is(t3.checked.length, 0);
  // An entry refused before (undefined) breaks nothing after it.
  t.deepEqual(authenticateRelayed([relayedOf(c[0]!), undefined, relayedOf(c[2]!)], counting().valid), [
    "signature",
    undefined,
    "signature",
  ]);
});

test("a node keeps a batch on one signature, checks a vouched receipt's own signature before a client gets it, and counts both", async (t) => {
  const s = await fullNode();
  const c = chainOf(seq, 5, "a");
  t.deepEqual(
    s.relayedBatch(c.map((r) => r.bytes)),
    c.map(() => ({ verdict: "new" })),
  );
  t.deepEqual(s.relayStats(), { signature: 1, chain: 4, onServe: 0 });
  t.false(s.receipts.get(c[0]!.receipt.txHash)!.signatureChecked);
  t.true(s.receipts.get(c[4]!.receipt.txHash)!.signatureChecked);
  // The ladder knows it sequenced already, on the chain's word.
  t.deepEqual(
    s.ladder.get(c[0]!.receipt.txHash)?.steps.map((step) => [step.stage, step.height]),
    [["sequenced", 5n]],
  );

  const json = await s.receipt(c[0]!.receipt.txHash, 0);
  t.truthy(json);
  t.notThrows(() => verifyReceiptJson(json, { chainId: RECEIPT_CHAIN }));
  t.deepEqual(s.relayStats(), { signature: 1, chain: 4, onServe: 1 });
  await s.receipt(c[0]!.receipt.txHash, 0);
  t.is(s.relayStats().onServe, 1, "checked once");
  t.true(s.receipts.get(c[0]!.receipt.txHash)!.signatureChecked);
});

test("a copy whose signature a peer swapped is kept on the chain's word but never handed out; the sequencer's copy replaces it", async (t) => {
  const s = await fullNode();
  const c = chainOf(seq, 3, "a");
  const bad = swappedSignature(c[0]!);
  t.deepEqual(s.relayedBatch([bad.bytes, c[1]!.bytes, c[2]!.bytes]), [
    { verdict: "new" },
    { verdict: "new" },
    { verdict: "new" },
  ]);
  const hash = c[0]!.receipt.txHash;
  t.is(await s.receipt(hash, 0), undefined, "not handed to a client");
  t.false(s.servableRelayed(bad.bytes), "nor to a peer that asks for it");
  // Judged (height 5 committed without them): what a peer that connects is caught up on.
  s.receipts.blockCommitted(5n, [], [], 0);
  const caughtUp = () =>
    s.catchUpReceipts({ maxCount: 100, maxBytes: 1 << 20 }).map((b) => Buffer.from(b).toString("hex"));
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  t.deepEqual(caughtUp(), [hex(c[1]!.bytes), hex(c[2]!.bytes)], "nor sent to a peer that connects");
  t.true(s.servableRelayed(c[1]!.bytes));

  // A second bad copy is the peer's fault now that it is looked at; the sequencer's copy replaces the held one.
  const worse = swappedSignature(bad, 9);
  t.is(s.relayed(worse.bytes).verdict, "invalid");
  t.deepEqual(s.relayed(c[0]!.bytes), { verdict: "kept" });
  const json = await s.receipt(hash, 0);
  t.truthy(json);
  t.notThrows(() => verifyReceiptJson(json, { chainId: RECEIPT_CHAIN }));
  t.true(s.servableRelayed(c[0]!.bytes));
  t.deepEqual(caughtUp(), [hex(c[0]!.bytes), hex(c[1]!.bytes), hex(c[2]!.bytes)]);
});

test("a swapped signature with nothing to vouch for it is refused as before; a lone receipt is checked on arrival", async (t) => {
  const s = await fullNode();
  const c = chainOf(seq, 2, "a");
  t.is(s.relayed(swappedSignature(c[1]!).bytes).verdict, "invalid");
  t.is(s.relayedBatch([c[0]!.bytes, swappedSignature(c[1]!).bytes])[1]!.verdict, "invalid");
  t.deepEqual(
    s.relayStats(),
    { signature: 1, chain: 0, onServe: 0 },
    "the first, named by nothing that checked, had its own checked",
  );
});

test("a receipt a client of this node waits for is checked on arrival: a swapped signature is refused, and the client gets the sequencer's copy", async (t) => {
  const s = await fullNode();
  const c = chainOf(seq, 3, "a");
  const hash = c[0]!.receipt.txHash;
  const waiting = s.receipt(hash, 5_000);
  t.deepEqual(
    s.relayedBatch([swappedSignature(c[0]!).bytes, c[1]!.bytes, c[2]!.bytes]).map((v) => v.verdict),
    ["invalid", "new", "new"],
  );
  t.is(s.receipts.get(hash), undefined);
  t.deepEqual(s.relayedBatch([c[0]!.bytes]), [{ verdict: "new" }]);
  const json = await waiting;
  t.truthy(json);
  t.notThrows(() => verifyReceiptJson(json, { chainId: RECEIPT_CHAIN }));
  t.deepEqual(s.relayStats(), { signature: 2, chain: 1, onServe: 1 });
});
