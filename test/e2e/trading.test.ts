/**
 * Trading through the `strike` CLI against a real node: two traders cross on ETH-PERP,
 * fills and positions appear, an oracle move gets one liquidated; bad orders are refused
 * with their code and change nothing.
 */
import anyTest, { type TestFn } from "ava";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { MsgDeposit } from "../../chain/codec/generated/strike/margin/v1/tx.js";
import { Side, TimeInForce } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import {
  MsgPlaceOrder,
  MsgReplaceOrder,
  type MsgPlaceOrderResponse,
} from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { createStrikeRegistry } from "../../chain/codec/registry.js";
import { createTestNode, runCli, runCliOk, waitForHeight, latestHeight, type TestNode } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ node: TestNode }>;

test.before(async (t) => {
  t.context.node = await createTestNode({
    accounts: ["mm", "alice", "feeder"],
    editGenesis: (doc, accounts) => {
      const oracle = (doc["app_state"] as Record<string, Record<string, unknown>>)["oracle"]!;
      oracle["feeders"] = [{ address: accounts["feeder"]!.address, weight: "1" }];
      // Nobody runs a feeder in this test: keep the genesis prices fresh until the feeder votes.
      (oracle["params"] as Record<string, string>)["stale_after_seconds"] = "1000000";
    },
  });
});

test.after.always(async (t) => {
  await t.context.node?.destroy();
});

function tx(node: TestNode, args: string[]): Promise<string> {
  return runCliOk(["tx", ...args, "--yes", "--output", "json", ...node.common]);
}

async function query<T>(node: TestNode, args: string[]): Promise<T> {
  return JSON.parse(await runCliOk(["query", ...args, "--output", "json", ...node.common])) as T;
}

interface Positions {
  subaccounts: {
    collateral: string;
    equity: string;
    positions: { market: string; size: string; entry_price: string; liquidation_price: string }[];
  }[];
}

test.serial("query markets lists the default perpetuals and an option ladder", async (t) => {
  const out = await query<{ markets: { id: string; type: string }[] }>(t.context.node, ["markets"]);
  const ids = out.markets.map((m) => m.id);
  t.true(ids.includes("ETH-PERP"));
  t.true(ids.includes("BTC-PERP"));
  t.true(out.markets.filter((m) => m.type === "option" && /^ETH-\d{8}-\d+-[CP]$/.test(m.id)).length >= 10);
});

test.serial("two traders cross through the CLI; one is liquidated after an oracle move", async (t) => {
  const { node } = t.context;
  // Before any deposit the chain would refuse alice's order in its block (orderbook code 24)
  // after charging the fee: the CLI says why and signs nothing.
  const aliceAccount = () => query<{ sequence: string }>(node, ["auth", "account", node.accounts["alice"]!.address]);
  const sequenceBefore = (await aliceAccount()).sequence;
  const early = ["trade", "place", "--market", "ETH-PERP", "--side", "buy", "--size", "1", "--price", "2900"];
  const refused = await runCli(["tx", ...early, "--from", "alice", "--yes", ...node.common]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /subaccount 0 of strike1\w+ has no collateral: deposit first .*nothing was sent/);
  t.is((await aliceAccount()).sequence, sequenceBefore, "nothing signed");
  await tx(node, ["margin", "deposit", "100000000000uusdc", "--from", "mm"]);
  await tx(node, [
    "trade",
    "place",
    "--market",
    "ETH-PERP",
    "--side",
    "sell",
    "--size",
    "1",
    "--price",
    "3001.5",
    "--tif",
    "post-only",
    "--from",
    "mm",
  ]);
  await tx(node, [
    "trade",
    "place",
    "--market",
    "ETH-PERP",
    "--side",
    "buy",
    "--size",
    "1",
    "--price",
    "2870",
    "--client-id",
    "7",
    "--from",
    "mm",
  ]);
  // A deposit on its receipt only, not yet committed, is enough for the CLI's check, which
  // reads the sequencer's speculative state; the order goes right after it.
  await tx(node, ["margin", "deposit", "200000000uusdc", "--from", "alice", "--wait", "sequenced"]);
  // In text, as a trader reads it: the receipt's fill in contracts and USDC, with the fee
  // alice paid (the default taker fee, 0.05% of 3001.5).
  const placed = await runCliOk([
    "tx",
    "trade",
    "place",
    "--market",
    "ETH-PERP",
    "--side",
    "buy",
    "--size",
    "1",
    "--price",
    "3001.5",
    "--from",
    "alice",
    "--yes",
    ...node.common,
  ]);
  t.regex(placed, /^ {2}fills: buy 1 ETH-PERP @ 3001\.5 \(taker, fee 1\.50075 USDC\)$/m, placed);
  // After the commit, the order the chain made of it, with its id.
  t.regex(placed, /^order \d+: buy 1 ETH-PERP @ 3001\.5, filled$/m, placed);

  const trades = await query<{ trades: { price: string; size: string; taker_side: string }[] }>(node, [
    "trades",
    "--market",
    "ETH-PERP",
  ]);
  t.deepEqual(
    trades.trades.map((x) => [x.price, x.size, x.taker_side]),
    [["3001.5", "1", "buy"]],
  );
  const before = await query<Positions>(node, ["positions", "alice"]);
  t.is(before.subaccounts[0]!.positions[0]!.size, "1");
  t.is(before.subaccounts[0]!.positions[0]!.entry_price, "3001.5");
  t.not(before.subaccounts[0]!.positions[0]!.liquidation_price, "");
  const ladder = await query<{ bids: { price: string; size: string }[] }>(node, ["book", "ETH-PERP"]);
  t.deepEqual(ladder.bids, [{ price: "2870", size: "1", orders: 1 }] as unknown as typeof ladder.bids);

  await tx(node, ["oracle", "submit-prices", "ETH=2880", "--from", "feeder"]);
  await waitForHeight(node.rpcUrl, (await latestHeight(node.rpcUrl)) + 2n);
  const after = await query<Positions>(node, ["positions", "alice"]);
  t.is(after.subaccounts[0]!.positions.length, 0, "alice's long was liquidated");
  const all = await query<{ trades: { price: string; liquidation: boolean }[] }>(node, [
    "trades",
    "--market",
    "ETH-PERP",
  ]);
  t.deepEqual(
    all.trades.filter((x) => x.liquidation).map((x) => x.price),
    ["2870"],
  );
});

test.serial(
  "orders the chain would refuse for their shape are refused before signing: no fee, the book as it was",
  async (t) => {
    const { node } = t.context;
    const before = await query<unknown>(node, ["book", "ETH-PERP"]);
    const mm = node.accounts["mm"]!.address;
    const fees = async () =>
      (await query<{ balances: { denom: string; amount: string }[] }>(node, ["bank", "balances", mm])).balances.find(
        (b) => b.denom === "ustrike",
      )?.amount;
    const feesBefore = await fees();
    const cases: [string[], RegExp][] = [
      [["--market", "ETH-PERP", "--size", "1", "--price", "2000.05"], /not a multiple of the tick size/],
      [["--market", "ETH-PERP", "--size", "1", "--price", "1e9"], /price "1e9" is not a decimal number/],
      [["--market", "ETH-PERP", "--size", "-1", "--price", "2000"], /size "-1" is not a decimal number/],
      [["--market", "ETH-PERP", "--size", "0", "--price", "2000"], /size must be positive/],
      [["--market", "ETH-PERP", "--size", "1", "--price", "99999999999999"], /price is too large/],
      [["--market", "NOPE-PERP", "--size", "1", "--price", "2000"], /unknown market "NOPE-PERP"/],
    ];
    for (const [flags, reason] of cases) {
      const r = await runCli([
        "tx",
        "trade",
        "place",
        ...flags,
        "--side",
        "buy",
        "--from",
        "mm",
        "--yes",
        ...node.common,
      ]);
      t.is(r.code, 1, flags.join(" "));
      t.regex(r.stderr, reason);
      t.regex(r.stderr, /nothing was sent/);
    }
    const bundle = await runCli([
      "tx",
      "trade",
      "bundle",
      "--leg",
      "ETH-PERP:buy:1@2000",
      "--leg",
      "ETH-PERP:sell:1@2000.05",
      "--from",
      "mm",
      "--yes",
      ...node.common,
    ]);
    t.is(bundle.code, 1);
    t.regex(bundle.stderr, /leg 2 \(ETH-PERP:sell:1@2000\.05\): .*not a multiple of the tick size/);
    t.deepEqual(await query<unknown>(node, ["book", "ETH-PERP"]), before);
    t.is(await fees(), feesBefore, "no fee was charged: nothing reached the chain");
  },
);

test.serial("cancel by client id removes the order from the book", async (t) => {
  const { node } = t.context;
  await tx(node, [
    "trade",
    "place",
    "--market",
    "ETH-PERP",
    "--side",
    "buy",
    "--size",
    "0.5",
    "--price",
    "2500",
    "--client-id",
    "9",
    "--from",
    "mm",
  ]);
  const orders = await query<{ orders: { order_id: string; client_id: string }[] }>(node, [
    "orders",
    "mm",
    "--market",
    "ETH-PERP",
  ]);
  const mine = orders.orders.find((o) => o.client_id === "9");
  t.not(mine, undefined);
  // In text, the cancel names the order it removed, by the id `query orders` shows.
  const cancelled = await runCliOk([
    "tx",
    "trade",
    "cancel",
    "--market",
    "ETH-PERP",
    "--client-id",
    "9",
    "--from",
    "mm",
    "--yes",
    ...node.common,
  ]);
  t.regex(
    cancelled,
    new RegExp(`^order ${mine?.order_id} on ETH-PERP cancelled with 0\\.5 left \\(by you\\)$`, "m"),
    cancelled,
  );
  const left = await query<{ orders: { client_id: string }[] }>(node, ["orders", "mm", "--market", "ETH-PERP"]);
  t.false(left.orders.some((o) => o.client_id === "9"));
});

test.serial(
  "an unmodified SigningStargateClient with Strike's registry deposits, places and replaces an order, and decodes every response",
  async (t) => {
    const { node } = t.context;
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(node.accounts["alice"]!.mnemonic, { prefix: "strike" });
    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("0.025ustrike"),
      registry: createStrikeRegistry(),
    });
    try {
      const owner = node.accounts["alice"]!.address;
      const order = {
        market: "BTC-PERP",
        side: Side.SIDE_BUY,
        price: "55000",
        size: "0.01",
        timeInForce: TimeInForce.TIME_IN_FORCE_GTC,
        clientId: 42n,
      };
      const res = await client.signAndBroadcast(
        owner,
        [
          {
            typeUrl: "/strike.margin.v1.MsgDeposit",
            value: MsgDeposit.fromPartial({ owner, subaccount: 1, amount: "1000000000" }),
          },
          {
            typeUrl: "/strike.orderbook.v1.MsgPlaceOrder",
            value: MsgPlaceOrder.fromPartial({ owner, subaccount: 1, order }),
          },
        ],
        "auto",
      );
      t.is(res.code, 0, res.rawLog);
      // The tx's msg responses decode with the same registry, by their type URLs.
      t.deepEqual(
        res.msgResponses.map((r) => r.typeUrl),
        ["/strike.margin.v1.MsgDepositResponse", "/strike.orderbook.v1.MsgPlaceOrderResponse"],
      );
      const placed = client.registry.decode(res.msgResponses[1]!) as MsgPlaceOrderResponse;
      t.like(placed, { status: "rests", remaining: "0.01", market: "BTC-PERP", owner, subaccount: 1 });

      const replaced = await client.signAndBroadcast(
        owner,
        [
          {
            typeUrl: "/strike.orderbook.v1.MsgReplaceOrder",
            value: MsgReplaceOrder.fromPartial({
              owner,
              subaccount: 1,
              clientId: 42n,
              order: { ...order, price: "54000" },
            }),
          },
        ],
        "auto",
      );
      t.is(replaced.code, 0, replaced.rawLog);
      t.deepEqual(
        replaced.msgResponses.map((r) => r.typeUrl),
        ["/strike.orderbook.v1.MsgReplaceOrderResponse"],
      );
      const replacement = client.registry.decode(replaced.msgResponses[0]!) as MsgPlaceOrderResponse;
      t.like(replacement, { status: "rests", remaining: "0.01", market: "BTC-PERP", side: Side.SIDE_BUY, owner });
      t.not(replacement.orderId, placed.orderId, "the replacement is a new order");

      const orders = await query<{
        orders: { market: string; order_id: string; client_id: string; subaccount: number; price: string }[];
      }>(node, ["orders", owner]);
      t.deepEqual(
        orders.orders
          .filter((o) => o.market === "BTC-PERP")
          .map((o) => [o.order_id, o.client_id, o.subaccount, o.price]),
        [[replacement.orderId.toString(), "42", 1, "54000"]],
      );
    } finally {
      client.disconnect();
    }
  },
);
