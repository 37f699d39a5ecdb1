/**
 * What rests on receipts only (chain/sequencer/softPositions.ts), fed by a real receipt
 * store: a sequenced receipt's fills count for both owners until the receipt is committed or
 * reverted, a tx sequenced again counts once, and nothing outlives the height it was
 * promised for. The fills are read from trade events the way the sequencer reads them.
 */
import test from "ava";
import { ReceiptStatus, type Receipt } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { fillsFromEvents } from "../../../chain/sequencer/fills.js";
import { signReceipt } from "../../../chain/sequencer/receipt.js";
import { createReceiptStore, resultHashOf } from "../../../chain/sequencer/receiptStore.js";
import { createSoftPositions } from "../../../chain/sequencer/softPositions.js";
import type { TxResult } from "../../../chain/types/abci.js";
import { utf8 } from "../../../chain/types/bytes.js";
import { okTxResult } from "../../helpers/txResults.js";

const seq = createEd25519Signer(new Uint8Array(32).fill(7));
const other = createEd25519Signer(new Uint8Array(32).fill(9));

interface Trade {
  taker: string;
  maker: string;
  takerSide: "buy" | "sell";
  size: bigint;
  makerSubaccount?: number;
  takerSubaccount?: number;
}

/** A tx's result with its trades' events, signed by the taker (the tx's sender). */
function resultOf(trades: Trade[]): TxResult {
  const attrs = (kv: Record<string, string>) => Object.entries(kv).map(([key, value]) => ({ key, value, index: true }));
  return {
    ...okTxResult,
    events: [
      { type: "message", attributes: attrs({ sender: trades[0]?.taker ?? "nobody" }) },
      ...trades.map((x, i) => ({
        type: "trade",
        attributes: attrs({
          market: "ETH-PERP",
          seq: String(i + 1),
          price: "3000000000",
          size: x.size.toString(),
          taker_side: x.takerSide,
          maker: x.maker,
          taker: x.taker,
          maker_order_id: "1",
          taker_order_id: "2",
          maker_fee: "0",
          taker_fee: "0",
          maker_subaccount: String(x.makerSubaccount ?? 0),
          taker_subaccount: String(x.takerSubaccount ?? 0),
        }),
      })),
    ],
  };
}

function setUp() {
  const store = createReceiptStore();
  const soft = createSoftPositions();
  store.onChange((r) => soft.receipt(r));
  let n = 0;
  /** Sequences a tx at `height` with these trades; returns the tx and its result (what an honouring block holds). */
  const sequence = (height: bigint, trades: Trade[], tx = utf8(`tx-${n++}`)) => {
    const result = resultOf(trades);
    const receipt: Receipt = {
      chainId: "strike-test-1",
      height,
      index: 0,
      txHash: sha256(tx),
      code: 0,
      codespace: "",
      resultHash: resultHashOf(result),
      fills: fillsFromEvents(result.events),
      sequencerAddress: ed25519Address(seq.publicKey),
      epoch: 1n,
      previousReceiptHash: new Uint8Array(0),
      status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
      log: "",
      data: new Uint8Array(0),
      gasWanted: 0n,
      gasUsed: 0n,
    };
    store.add(signReceipt(receipt, seq), receipt, 1);
    return { tx, result };
  };
  const size = (owner: string, subaccount = 0) => soft.size({ owner, subaccount, market: "ETH-PERP" });
  return { store, soft, sequence, size };
}

test("a sequenced receipt's fills count for the taker and every maker it hit, until its block commits it", (t) => {
  const { store, soft, sequence, size } = setUp();
  const { tx, result } = sequence(10n, [
    { taker: "taker", maker: "maker", takerSide: "buy", size: 3n },
    { taker: "taker", maker: "maker2", takerSide: "buy", size: 2n, makerSubaccount: 4 },
  ]);
  t.is(size("taker"), 5n);
  t.is(size("maker"), -3n);
  t.is(size("maker2", 4), -2n);
  t.is(size("maker2"), 0n, "another subaccount of the same owner is another position");
  t.deepEqual(
    soft.touched(store.get(sha256(tx))!.receipt).map((p) => `${p.owner}/${p.subaccount}`),
    ["taker/0", "maker/0", "maker2/4"],
  );
  store.blockCommitted(10n, [tx], [result], 2, ed25519Address(seq.publicKey));
  t.is(store.get(sha256(tx))!.stage, "committed");
  t.is(size("taker"), 0n);
  t.is(size("maker"), 0n);
  t.is(size("maker2", 4), 0n);
  t.is(soft.held, 0);
});

test("a receipt reverted (another proposer's block) takes its fills out; the tx sequenced again counts once", (t) => {
  const { store, sequence, size } = setUp();
  const tx = utf8("again");
  sequence(10n, [{ taker: "taker", maker: "maker", takerSide: "sell", size: 4n }], tx);
  t.is(size("taker"), -4n);
  t.is(size("maker"), 4n);
  // The next sequencer sequences it again before height 10 is judged here: the newer replaces the older.
  const again = sequence(12n, [{ taker: "taker", maker: "maker", takerSide: "sell", size: 4n }], tx);
  t.is(size("taker"), -4n, "one tx, counted once");
  store.blockCommitted(10n, [], [], 2, ed25519Address(other.publicKey));
  t.is(size("taker"), -4n, "the older receipt's revert leaves the newer in force");
  store.blockCommitted(12n, [again.tx], [again.result], 3, ed25519Address(seq.publicKey));
  t.is(size("taker"), 0n);
  t.is(size("maker"), 0n);
});

test("fills of several receipts net per position; one owner trading with itself across subaccounts moves both", (t) => {
  const { sequence, size } = setUp();
  sequence(5n, [{ taker: "taker", maker: "maker", takerSide: "buy", size: 2n }]);
  sequence(5n, [{ taker: "maker", maker: "taker", takerSide: "sell", size: 2n }]);
  t.is(size("taker"), 4n);
  t.is(size("maker"), -4n);
  sequence(5n, [{ taker: "solo", maker: "solo", takerSide: "buy", size: 9n, takerSubaccount: 1 }]);
  t.is(size("solo", 1), 9n);
  t.is(size("solo", 0), -9n);
});

test("a judged height forgets whatever is still held for it or below; later heights stay", (t) => {
  const { store, soft, sequence, size } = setUp();
  const low = sequence(5n, [{ taker: "taker", maker: "maker", takerSide: "buy", size: 1n }]);
  sequence(6n, [{ taker: "taker", maker: "maker", takerSide: "buy", size: 10n }]);
  sequence(6n, [{ taker: "taker", maker: "maker", takerSide: "buy", size: 100n }]);
  t.is(size("taker"), 111n);
  // Height 5's block is another proposer's: its receipt is reverted.
  store.blockCommitted(5n, [low.tx], [low.result], 2, ed25519Address(other.publicKey));
  t.is(size("taker"), 110n);
  t.is(soft.held, 2);
});

test("rejections and fills without owners (receipts signed before fills named them) move nothing", (t) => {
  const { store, soft, size } = setUp();
  const receipt: Receipt = {
    chainId: "strike-test-1",
    height: 3n,
    index: 0,
    txHash: sha256(utf8("old")),
    code: 0,
    codespace: "",
    resultHash: new Uint8Array(32),
    fills: fillsFromEvents(resultOf([{ taker: "taker", maker: "maker", takerSide: "buy", size: 1n }]).events).map(
      (f) => ({ ...f, account: "", counterparty: "" }),
    ),
    sequencerAddress: ed25519Address(seq.publicKey),
    epoch: 1n,
    previousReceiptHash: new Uint8Array(0),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
    data: new Uint8Array(0),
    gasWanted: 0n,
    gasUsed: 0n,
  };
  store.add(signReceipt(receipt, seq), receipt, 1);
  t.is(size("taker"), 0n);
  t.deepEqual(soft.touched(receipt), []);
  const rejected = { ...receipt, txHash: sha256(utf8("no")), fills: [], status: ReceiptStatus.RECEIPT_STATUS_REJECTED };
  store.add(signReceipt(rejected, seq), rejected, 1);
  t.is(soft.held, 1);
});
