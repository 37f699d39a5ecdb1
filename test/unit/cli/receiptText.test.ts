/** A receipt as `strike receipt watch` prints it (cli/receiptText.ts): from the taker's side, or from the maker's when its resting order was hit. */
import test from "ava";
import { Market } from "../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { receiptEventText, type ReceiptEventJson } from "../../../cli/receiptText.js";

const markets = new Map([["ETH-PERP", Market.fromPartial({ id: "ETH-PERP", sizeDecimals: 3 })]]);

const event = (o: Partial<ReceiptEventJson> = {}): ReceiptEventJson => ({
  signed: { receipt: "", signature: "", pub_key: "" },
  stage: "sequenced",
  receipt: {
    height: "42",
    index: 3,
    tx_hash: "AB".repeat(32),
    status: "sequenced",
    code: 0,
    codespace: "",
    log: "",
    sequencer_address: "CD".repeat(20),
    epoch: "2",
    fills: [
      {
        market: "ETH-PERP",
        side: "buy",
        price: "3001500000",
        size: "1500",
        fee: "2251125",
        liquidity: "taker",
        order_id: "9",
        counterparty_order_id: "7",
        account: "alice",
        subaccount: 0,
        counterparty: "mm",
        counterparty_subaccount: 2,
      },
    ],
  },
  positions: [
    { account: "alice", subaccount: 0, market: "ETH-PERP", committed_size: "0", soft_size: "1500" },
    { account: "mm", subaccount: 2, market: "ETH-PERP", committed_size: "-500", soft_size: "-1500" },
  ],
  ...o,
});

test("the maker watching sees its own side of the fill, its order and its position by tier", (t) => {
  t.is(
    receiptEventText(event(), markets, "mm"),
    [
      `sequenced: height 42 index 3, tx ${"AB".repeat(32)}, by ${"CD".repeat(20)} (epoch 2)`,
      "  your fill: sell 1.5 ETH-PERP @ 3001.5 (maker, order 7, subaccount 2) against alice/0",
      "  position alice/0 ETH-PERP: committed 0, soft 1.5",
      "  position mm/2 ETH-PERP: committed -0.5, soft -1.5",
    ].join("\n"),
  );
});

test("anyone else sees the fill from the tx's side, with its fee; L1 and unknown markets are labelled", (t) => {
  const text = receiptEventText(
    event({
      checkpointed_height: "40",
      positions: [
        {
          account: "alice",
          subaccount: 0,
          market: "ETH-PERP",
          committed_size: "",
          soft_size: "1500",
          checkpointed_size: "0",
        },
        { account: "alice", subaccount: 0, market: "XYZ-PERP", committed_size: "5", soft_size: "0" },
      ],
    }),
    markets,
    "alice",
  );
  t.regex(
    text,
    /^ {2}fill: alice\/0 buy 1\.5 ETH-PERP @ 3001\.5 \(taker, fee 2\.251125 USDC\) against order 7 of mm\/2$/m,
  );
  t.regex(text, /^ {2}position alice\/0 ETH-PERP: committed unknown, soft 1\.5, checkpointed 0 \(L1, height 40\)$/m);
  t.regex(text, /^ {2}position alice\/0 XYZ-PERP: committed 5 \(chain units\), soft 0 \(chain units\)$/m);
});

test("a rejection says why", (t) => {
  const e = event({ stage: "rejected", positions: [] });
  Object.assign(e.receipt, { status: "rejected", code: 5, codespace: "margin", log: "insufficient margin", fills: [] });
  t.is(
    receiptEventText(e, markets),
    `rejected: height 42 index 3, tx ${"AB".repeat(32)}, by ${"CD".repeat(20)} (epoch 2)\n  rejected: code 5 (margin): insufficient margin`,
  );
});
