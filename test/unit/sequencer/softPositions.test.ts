/**
 * What rests on receipts only (chain/sequencer/softPositions.ts): a sequenced receipt's
 * fills count for both owners until the receipt is committed or reverted, a receipt
 * sequenced again replaces the older, and nothing outlives the height it was promised for.
 */
import test from "ava";
import { FillSide, Liquidity, type Fill } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { ReceiptStatus, type Receipt } from "../../../chain/sequencer/receipt.js";
import { createSoftPositions } from "../../../chain/sequencer/softPositions.js";

function fill(o: Partial<Fill> & Pick<Fill, "side" | "size">): Fill {
  return {
    market: "ETH-PERP",
    price: 3000_000000n,
    fee: "0",
    liquidity: Liquidity.LIQUIDITY_TAKER,
    orderId: 2n,
    counterpartyOrderId: 1n,
    tradeSeq: 1n,
    account: "taker",
    subaccount: 0,
    counterparty: "maker",
    counterpartySubaccount: 0,
    ...o,
  };
}

function receipt(tx: number, height: bigint, fills: Fill[]): Receipt {
  return {
    chainId: "c",
    height,
    index: tx,
    txHash: Uint8Array.of(tx),
    code: 0,
    codespace: "",
    resultHash: new Uint8Array(32),
    fills,
    sequencerAddress: new Uint8Array(20),
    epoch: 0n,
    previousReceiptHash: new Uint8Array(0),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
  };
}

const at = (owner: string, market = "ETH-PERP", subaccount = 0) => ({ owner, subaccount, market });

test("a sequenced receipt's fills count for the taker and the maker until the receipt is committed", (t) => {
  const soft = createSoftPositions();
  const r = receipt(1, 10n, [
    fill({ side: FillSide.FILL_SIDE_BUY, size: 3n }),
    fill({ side: FillSide.FILL_SIDE_BUY, size: 2n, counterparty: "maker2", counterpartySubaccount: 4 }),
  ]);
  soft.receipt(r, "sequenced");
  t.is(soft.size(at("taker")), 5n);
  t.is(soft.size(at("maker")), -3n);
  t.is(soft.size(at("maker2", "ETH-PERP", 4)), -2n);
  t.is(soft.size(at("maker2")), 0n, "another subaccount of the same owner is another position");
  t.deepEqual(soft.touched(r), [at("taker"), at("maker"), at("maker2", "ETH-PERP", 4)]);
  soft.receipt(r, "committed");
  t.is(soft.size(at("taker")), 0n);
  t.is(soft.size(at("maker")), 0n);
  t.is(soft.held, 0);
});

test("a reverted receipt takes its fills out; the tx sequenced again counts once, at its new height", (t) => {
  const soft = createSoftPositions();
  const first = receipt(7, 10n, [fill({ side: FillSide.FILL_SIDE_SELL, size: 4n })]);
  soft.receipt(first, "sequenced");
  t.is(soft.size(at("taker")), -4n);
  t.is(soft.size(at("maker")), 4n);
  soft.receipt(first, "reverted");
  t.is(soft.size(at("taker")), 0n);
  const again = receipt(7, 11n, [fill({ side: FillSide.FILL_SIDE_SELL, size: 1n })]);
  soft.receipt(again, "sequenced");
  // The same tx's newer receipt replaces the older even without the older's revert in between.
  soft.receipt({ ...again, height: 12n }, "sequenced");
  t.is(soft.size(at("taker")), -1n);
  t.is(soft.held, 1);
});

test("two owners' receipts and self-trades across subaccounts net per position", (t) => {
  const soft = createSoftPositions();
  soft.receipt(receipt(1, 5n, [fill({ side: FillSide.FILL_SIDE_BUY, size: 2n })]), "sequenced");
  soft.receipt(
    receipt(2, 5n, [fill({ side: FillSide.FILL_SIDE_SELL, size: 2n, account: "maker", counterparty: "taker" })]),
    "sequenced",
  );
  t.is(soft.size(at("taker")), 4n);
  t.is(soft.size(at("maker")), -4n);
  // One owner trading with itself across two subaccounts: each subaccount moves, the owner's net is flat.
  soft.receipt(
    receipt(3, 5n, [
      fill({ side: FillSide.FILL_SIDE_BUY, size: 9n, account: "solo", subaccount: 1, counterparty: "solo" }),
    ]),
    "sequenced",
  );
  t.is(soft.size(at("solo", "ETH-PERP", 1)), 9n);
  t.is(soft.size(at("solo", "ETH-PERP", 0)), -9n);
});

test("a judged height forgets what is still held for it or below (a receipt evicted unjudged); later heights stay", (t) => {
  const soft = createSoftPositions();
  soft.receipt(receipt(1, 5n, [fill({ side: FillSide.FILL_SIDE_BUY, size: 1n })]), "sequenced");
  soft.receipt(receipt(2, 6n, [fill({ side: FillSide.FILL_SIDE_BUY, size: 10n })]), "sequenced");
  soft.receipt(receipt(3, 6n, [fill({ side: FillSide.FILL_SIDE_BUY, size: 100n })]), "sequenced");
  // Height 5's block came and its only other receipt was judged: tx 1's was never seen judged.
  soft.receipt(receipt(9, 5n, []), "committed");
  t.is(soft.size(at("taker")), 110n);
  t.is(soft.held, 2);
});

test("rejections and receipts signed before fills named their owners move nothing", (t) => {
  const soft = createSoftPositions();
  soft.receipt(receipt(1, 5n, []), "rejected");
  soft.receipt(
    receipt(2, 5n, [fill({ side: FillSide.FILL_SIDE_BUY, size: 1n, account: "", counterparty: "" })]),
    "sequenced",
  );
  t.is(soft.size(at("taker")), 0n);
  t.is(soft.size(at("")), 0n);
  t.deepEqual(
    soft.touched(receipt(2, 5n, [fill({ side: FillSide.FILL_SIDE_BUY, size: 1n, account: "", counterparty: "" })])),
    [],
  );
});
