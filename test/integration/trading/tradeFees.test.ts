/**
 * The fee each side of a trade pays is in the trade event and in the fills a receipt
 * carries (chain/sequencer/fills.ts reads them from the tx's events): equal to what the
 * margin ledger actually took, for the taker and for the maker.
 */
import test from "ava";
import { Side } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { FillSide, Liquidity } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { fillsFromEvents } from "../../../chain/sequencer/fills.js";
import { falseFills } from "../../../chain/sequencer/receiptTrades.js";
import { assertOk, eventsOf, placeOk, placeResponse, traders, uusdcOf } from "./checks.js";
import { orderSpec, place, send, subaccount } from "./fixture.js";
import { leg, placeBundle, replaceOrder } from "./messages.js";
import { sequencedReceiptOf } from "../../helpers/txResults.js";

test("a trade's fees are in its event and in the receipt's fills, as much as each side paid", async (t) => {
  const { f, mm, alice } = await traders(t);
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "2", "3010"));
  const collateral = async (who: string) => uusdcOf((await subaccount(f, who))!.collateral);
  const [mmBefore, aliceBefore] = [await collateral(mm.address), await collateral(alice.address)];

  const { res } = await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "2", "3010"));
  const notional = 2n * 3010n * 1_000_000n;
  const takerPaid = aliceBefore - (await collateral(alice.address)) - notional;
  const makerPaid = notional - ((await collateral(mm.address)) - mmBefore);
  t.true(takerPaid > 0n && makerPaid > 0n, `fees charged: taker ${takerPaid}, maker ${makerPaid}`);
  t.true(takerPaid > makerPaid, "the taker pays the higher rate");

  const trade = eventsOf(res.events, "trade");
  t.is(trade.length, 1);
  t.is(trade[0]!["taker_fee"], takerPaid.toString());
  t.is(trade[0]!["maker_fee"], makerPaid.toString());

  // The receipt of alice's order: her side of the fill, with her fee.
  const fills = fillsFromEvents(res.events);
  t.is(fills.length, 1);
  t.is(fills[0]!.side, FillSide.FILL_SIDE_BUY);
  t.is(fills[0]!.liquidity, Liquidity.LIQUIDITY_TAKER);
  t.is(fills[0]!.fee, takerPaid.toString());
  // Both owners are named: mm, whose resting order alice hit, finds its fill in her receipt.
  t.like(fills[0], { account: alice.address, subaccount: 0, counterparty: mm.address, counterpartySubaccount: 0 });
  t.like(trade[0], { maker: mm.address, maker_subaccount: "0", taker: alice.address, taker_subaccount: "0" });
});

test("the maker's fill in a receipt carries the maker's fee", (t) => {
  const attrs = (kv: Record<string, string>) =>
    Object.entries(kv).map(([key, value]) => ({ key, value, index: false }));
  const events = [
    { type: "message", attributes: attrs({ sender: "maker1" }) },
    {
      type: "trade",
      attributes: attrs({
        market: "ETH-PERP",
        price: "3010000000",
        size: "1000",
        taker_side: "sell",
        maker: "maker1",
        taker: "taker1",
        maker_order_id: "7",
        taker_order_id: "8",
        maker_fee: "602000",
        taker_fee: "1505000",
        maker_subaccount: "3",
        taker_subaccount: "0",
      }),
    },
  ];
  const [fill] = fillsFromEvents(events);
  t.is(fill!.liquidity, Liquidity.LIQUIDITY_MAKER);
  t.is(fill!.side, FillSide.FILL_SIDE_BUY);
  t.is(fill!.fee, "602000");
  // Seen from the maker's side: the maker's order is the fill's own, the taker the counterparty.
  t.like(fill, { account: "maker1", subaccount: 3, counterparty: "taker1", counterpartySubaccount: 0 });
  // A malformed or missing fee attribute reads as "0", never as text the receipt would carry.
  events[1]!.attributes = events[1]!.attributes.map((a) => (a.key === "maker_fee" ? { ...a, value: "1e6" } : a));
  t.is(fillsFromEvents(events)[0]!.fee, "0");
});

test("a tx's result data records its trades as its receipt's fills show them: an order, a replacement and a bundle's legs in one tx", async (t) => {
  const { f, mm, alice, bob } = await traders(t);
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "1", "3010"));
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "1", "3011"));
  await placeOk(t, f, bob, orderSpec("ETH-PERP", "sell", "1", "3012"));
  await placeOk(t, f, mm, orderSpec("BTC-PERP", "sell", "1", "60100"));
  await placeOk(t, f, bob, orderSpec("ETH-PERP", "buy", "1", "2990"));
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "2900", { clientId: 5n }));

  const res = await send(f, alice, [
    place(alice.address, orderSpec("ETH-PERP", "buy", "2", "3011")),
    replaceOrder(alice.address, 5n, orderSpec("ETH-PERP", "buy", "1", "3012", { clientId: 5n })),
    placeBundle(alice.address, [leg("BTC-PERP", "buy", "1", "60100"), leg("ETH-PERP", "sell", "1", "2990")]),
  ]);
  assertOk(t, res, "alice's tx");
  // The receipt a sequencer signs for this tx: its fills from the events, its result as committed.
  const receipt = sequencedReceiptOf(res);
  t.deepEqual(
    receipt.fills.map((x) => [x.market, x.counterparty, x.price]),
    [
      ["ETH-PERP", mm.address, 3_010_000_000n],
      ["ETH-PERP", mm.address, 3_011_000_000n],
      ["ETH-PERP", bob.address, 3_012_000_000n],
      ["BTC-PERP", mm.address, 60_100_000_000n],
      ["ETH-PERP", bob.address, 2_990_000_000n],
    ],
  );
  t.is(falseFills(receipt), undefined, "the honest receipt is consistent with its result");
  // Each trade in the result data, in its exact units, beside the people's decimals.
  const placed = placeResponse(res);
  t.like(placed, { market: "ETH-PERP", side: Side.SIDE_BUY, owner: alice.address, subaccount: 0 });
  t.like(placed.fills[1], { price: "3011", priceUnits: 3_011_000_000n, maker: mm.address, makerSubaccount: 0 });
  t.is(placed.fills[1]!.tradeSeq, receipt.fills[1]!.tradeSeq);
  t.is(placed.fills[1]!.takerFeeUnits, receipt.fills[1]!.fee);
  // One tick better for alice on the bundle's last leg: a lie the receipt's own result denies.
  const better = receipt.fills.map((x, i) => (i === 4 ? { ...x, price: x.price + 1n } : x));
  t.is(
    falseFills({ ...receipt, fills: better }),
    "fill 4 shows price 2990000001; trade 4 of the result it promises has 2990000000",
  );
});
