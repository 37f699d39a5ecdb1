import test from "ava";
import type { Receipt } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { ReceiptStatus } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { checkReceipt } from "../../../chain/sequencer/receiptVerdict.js";
import { fillsFromEvents } from "../../../chain/sequencer/fills.js";
import { forJudging, resultHashOf } from "../../../chain/sequencer/receiptStore.js";
import type { TxResult } from "../../../chain/types/abci.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { okTxResult as ok } from "../../helpers/txResults.js";

const seq = ed25519Address(createEd25519Signer(new Uint8Array(32).fill(7)).publicKey);
const other = ed25519Address(createEd25519Signer(new Uint8Array(32).fill(9)).publicKey);
const tx = utf8("the tx");
const filler = utf8("another tx");

const receipt = (over: Partial<Receipt> = {}): Receipt => ({
  chainId: "c",
  height: 9n,
  index: 1,
  txHash: sha256(tx),
  code: 0,
  codespace: "",
  resultHash: resultHashOf(ok),
  fills: [],
  sequencerAddress: seq,
  epoch: 1n,
  previousReceiptHash: new Uint8Array(0),
  status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
  log: "",
  data: new Uint8Array(0),
  gasWanted: 0n,
  gasUsed: 0n,
  ...over,
});
const block = (txs: Uint8Array[], results: TxResult[], proposer = seq) => ({ height: 9n, proposer, txs, results });

test("honoured: the sequencer's block holds the tx at its index with the promised result", (t) => {
  t.is(checkReceipt(receipt(), block([filler, tx], [ok, ok])).verdict, "honoured");
});

test("pending: the height is not committed yet", (t) => {
  t.is(checkReceipt(receipt(), undefined).verdict, "pending");
});

test("reverted: another validator proposed the height, whatever the block holds", (t) => {
  t.is(checkReceipt(receipt(), block([filler, tx], [ok, ok], other)).verdict, "reverted");
  t.is(checkReceipt(receipt(), block([], [], other)).verdict, "reverted");
});

test("violated: the sequencer's own block breaks the promise (another tx, a missing index, another result)", (t) => {
  t.is(checkReceipt(receipt(), block([tx, filler], [ok, ok])).verdict, "violated");
  t.is(checkReceipt(receipt(), block([filler], [ok])).verdict, "violated");
  t.is(checkReceipt(receipt(), block([filler, tx], [ok, { ...ok, gasUsed: 91n }])).verdict, "violated");
  t.is(checkReceipt(receipt(), block([filler, tx], [ok, { ...ok, code: 5, codespace: "bank" }])).verdict, "violated");
  const withFill: TxResult = {
    ...ok,
    events: [{ type: "trade", attributes: [{ key: "market", value: "ETH-PERP", index: false }] }],
  };
  t.is(checkReceipt(receipt(), block([filler, tx], [ok, withFill])).verdict, "violated");
});

test("a signed rejection promised nothing to check", (t) => {
  t.is(
    checkReceipt(receipt({ status: ReceiptStatus.RECEIPT_STATUS_REJECTED, code: 32 }), block([], [])).verdict,
    "rejected",
  );
});

test("violated: a fill that names another owner than the committed trade (the maker a receipt told it was hit)", (t) => {
  const attrs = (kv: Record<string, string>) => Object.entries(kv).map(([key, value]) => ({ key, value, index: true }));
  const traded: TxResult = {
    ...ok,
    events: [
      { type: "message", attributes: attrs({ sender: "taker" }) },
      {
        type: "trade",
        attributes: attrs({
          market: "ETH-PERP",
          seq: "1",
          price: "3000000000",
          size: "1000",
          taker_side: "buy",
          maker: "maker",
          taker: "taker",
          maker_order_id: "7",
          taker_order_id: "8",
          maker_fee: "0",
          taker_fee: "0",
          maker_subaccount: "0",
          taker_subaccount: "0",
        }),
      },
    ],
  };
  const promised = fillsFromEvents(traded.events);
  const r = (fills: typeof promised) => receipt({ resultHash: resultHashOf(traded), fills });
  t.is(checkReceipt(r(promised), block([filler, tx], [ok, traded])).verdict, "honoured");
  t.is(
    checkReceipt(r([{ ...promised[0]!, counterparty: "someone-else" }]), block([filler, tx], [ok, traded])).verdict,
    "violated",
  );
  t.is(
    checkReceipt(r([{ ...promised[0]!, counterpartySubaccount: 3 }]), block([filler, tx], [ok, traded])).verdict,
    "violated",
  );
});

test("the slim result a node keeps for late receipts gives every receipt the verdict the whole result gives", (t) => {
  const attrs = (kv: Record<string, string>) => Object.entries(kv).map(([key, value]) => ({ key, value, index: true }));
  const tradeEvent = (seqNo: string, maker: string, taker: string) => ({
    type: "trade",
    attributes: attrs({
      market: "ETH-PERP",
      seq: seqNo,
      price: "3000000000",
      size: "1000",
      taker_side: "sell",
      maker,
      taker,
      maker_order_id: "7",
      taker_order_id: "8",
      maker_fee: "-5",
      taker_fee: "10",
      maker_subaccount: "0",
      taker_subaccount: "0",
    }),
  });
  const noise = (type: string) => ({ type, attributes: attrs({ spender: "maker", amount: "10uusdc" }) });
  // The maker's own tx (it reads the first message's sender), with a trade where it took too.
  const whole: TxResult = {
    ...ok,
    events: [
      noise("coin_spent"),
      { type: "message", attributes: attrs({ sender: "maker", module: "orderbook" }) },
      noise("tx"),
      tradeEvent("1", "maker", "someone"),
      { type: "message", attributes: attrs({ sender: "someone" }) },
      noise("transfer"),
      tradeEvent("2", "other", "maker"),
      noise("coin_received"),
    ],
  };
  const slim = forJudging(whole);
  t.deepEqual(
    slim.events.map((e) => e.type),
    ["message", "trade", "trade"],
  );
  t.is(slim.events[0], whole.events[1], "the first message, as it was");
  t.deepEqual(fillsFromEvents(slim.events), fillsFromEvents(whole.events));
  t.deepEqual(resultHashOf(slim), resultHashOf(whole));
  const fills = fillsFromEvents(whole.events);
  t.is(fills.length, 2);
  const receipts = [
    receipt({ resultHash: resultHashOf(whole), fills }),
    receipt({ resultHash: resultHashOf(whole), fills: fills.slice(1) }),
    receipt({ resultHash: resultHashOf(whole), fills: [{ ...fills[0]!, fee: "-4" }, fills[1]!] }),
    receipt({ resultHash: resultHashOf(whole), fills, code: 5 }),
    receipt({ resultHash: resultHashOf({ ...whole, gasUsed: whole.gasUsed + 1n }), fills }),
  ];
  const verdicts = (r: TxResult) => receipts.map((x) => checkReceipt(x, block([filler, tx], [ok, r])).verdict);
  t.deepEqual(verdicts(slim), verdicts(whole));
  t.deepEqual(verdicts(whole), ["honoured", "violated", "violated", "violated", "violated"]);
  // A result with nothing to drop is kept as it is.
  t.is(forJudging(ok), ok);
});

test("a result without trades keeps no events for judging, and its receipts are judged as before", (t) => {
  const attrs = (kv: Record<string, string>) => Object.entries(kv).map(([key, value]) => ({ key, value, index: true }));
  const send: TxResult = {
    ...ok,
    events: [
      { type: "message", attributes: attrs({ sender: "alice" }) },
      { type: "transfer", attributes: attrs({ recipient: "bob", amount: "1uusdc" }) },
    ],
  };
  const slim = forJudging(send);
  t.deepEqual(slim.events, []);
  t.deepEqual({ ...slim, events: send.events }, send);
  for (const r of [receipt({ resultHash: resultHashOf(send) }), receipt({ resultHash: resultHashOf(send), code: 3 })])
    t.is(
      checkReceipt(r, block([filler, tx], [ok, slim])).verdict,
      checkReceipt(r, block([filler, tx], [ok, send])).verdict,
    );
});
