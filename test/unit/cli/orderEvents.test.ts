/** The order lines a committed trading tx prints (cli/orderEvents.ts), from the events the orderbook module emits. */
import test from "ava";
import { Market } from "../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { hasOrderEvents, orderLines, type TxEvent } from "../../../cli/orderEvents.js";

const ev = (type: string, attrs: Record<string, string>): TxEvent => ({
  type,
  attributes: Object.entries(attrs).map(([key, value]) => ({ key, value })),
});
const markets = new Map([["ETH-PERP", Market.fromPartial({ id: "ETH-PERP", sizeDecimals: 3 })]]);
const placed = (status: string, remaining: string) =>
  ev("order_placed", {
    market: "ETH-PERP",
    order_id: "12",
    side: "buy",
    price: "2900000000",
    size: "1500",
    status,
    remaining,
  });

test("a placed order is named by its id with what became of it, in contracts and USDC", (t) => {
  t.deepEqual(orderLines([placed("rests", "1500")], markets), [
    "order 12: buy 1.5 ETH-PERP @ 2900, rests on the book with 1.5",
  ]);
  t.deepEqual(orderLines([placed("filled", "0")], markets), ["order 12: buy 1.5 ETH-PERP @ 2900, filled"]);
  t.deepEqual(
    orderLines(
      [
        placed("cancelled_remainder", "500"),
        ev("order_expired", { market: "ETH-PERP", order_id: "12", remaining: "500", reason: "ioc" }),
      ],
      markets,
    ),
    [
      "order 12: buy 1.5 ETH-PERP @ 2900, 0.5 not filled and not kept",
      "order 12 on ETH-PERP expired with 0.5 left (immediate-or-cancel)",
    ],
  );
});

test("a stop order waits for its trigger; cancels say why; unknown reasons are shown as the chain gives them", (t) => {
  t.deepEqual(
    orderLines(
      [
        ev("order_placed", {
          market: "ETH-PERP",
          order_id: "13",
          side: "sell",
          price: "2800000000",
          trigger_price: "2850000000",
          remaining: "1000",
        }),
        ev("order_cancelled", { market: "ETH-PERP", order_id: "9", remaining: "250", reason: "user" }),
        ev("order_cancelled", { market: "ETH-PERP", order_id: "8", remaining: "1000", reason: "self_trade" }),
        ev("order_cancelled", {
          market: "ETH-PERP",
          order_id: "7",
          remaining: "1",
          reason: "trigger_failed: no margin",
        }),
      ],
      markets,
    ),
    [
      "order 13: sell 1 ETH-PERP @ 2800, waits off the book for the trigger at 2850",
      "order 9 on ETH-PERP cancelled with 0.25 left (by you)",
      "order 8 on ETH-PERP cancelled with 1 left (self-trade prevention)",
      "order 7 on ETH-PERP cancelled with 0.001 left (trigger failed: no margin)",
    ],
  );
});

test("without the market's decimals a size is printed in the chain's units and labelled; other events are not orders", (t) => {
  const other = ev("transfer", { amount: "5ustrike" });
  t.false(hasOrderEvents([other]));
  t.true(hasOrderEvents([other, placed("rests", "1500")]));
  t.deepEqual(orderLines([other, placed("rests", "1500")], new Map()), [
    "order 12: buy 1500 ETH-PERP @ 2900, rests on the book with 1500 (size in chain units)",
  ]);
});
