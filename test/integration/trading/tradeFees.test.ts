/**
 * The fee each side of a trade pays is in the trade event and in the fills a receipt
 * carries (chain/sequencer/fills.ts reads them from the tx's events): equal to what the
 * margin ledger actually took, for the taker and for the maker.
 */
import test from "ava";
import { FillSide, Liquidity } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { fillsFromEvents } from "../../../chain/sequencer/fills.js";
import { eventsOf, placeOk, traders, uusdcOf } from "./checks.js";
import { orderSpec, subaccount } from "./fixture.js";

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
