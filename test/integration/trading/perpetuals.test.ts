import test from "ava";
import { Side } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import {
  book,
  createTradingFixture,
  deposit,
  emptyBlock,
  orderSpec,
  place,
  send,
  subaccount,
  submitPrice,
  trades,
} from "./fixture.js";

test("two traders cross on ETH-PERP: the fill is at the maker's price, positions and fees follow", async (t) => {
  const f = await createTradingFixture();
  const [mm, alice] = f.accounts;
  t.is((await send(f, mm!, [deposit(mm!.address, 100_000n)])).code, 0);
  t.is((await send(f, alice!, [deposit(alice!.address, 10_000n)])).code, 0);
  const maker = await send(f, mm!, [
    place(mm!.address, orderSpec("ETH-PERP", "sell", "2", "3001.5", { timeInForce: 4 })),
  ]);
  t.is(maker.code, 0, maker.log);
  const taker = await send(f, alice!, [place(alice!.address, orderSpec("ETH-PERP", "buy", "1", "3002"))]);
  t.is(taker.code, 0, taker.log);

  const fills = await trades(f, "ETH-PERP");
  t.is(fills.length, 1);
  t.is(fills[0]!.price, 3_001_500_000n);
  t.is(fills[0]!.size, 1000n);
  t.is(fills[0]!.takerSide, Side.SIDE_BUY);

  const a = (await subaccount(f, alice!.address))!;
  t.is(a.positions.length, 1);
  t.is(a.positions[0]!.size, "1");
  t.is(a.positions[0]!.entryPrice, "3001.5");
  // 10,000 deposited, 3001.5 paid, taker fee 0.05% of 3001.5 = 1.50075 → 1.500750 rounded up to 1.50075.
  t.is(a.collateral, "6996.99925");
  const m = (await subaccount(f, mm!.address))!;
  t.is(m.positions[0]!.size, "-1");
  const b = await book(f, "ETH-PERP");
  t.deepEqual(
    b.asks.map((l) => [l.price, l.size]),
    [[3_001_500_000n, 1000n]],
  );
  t.is(b.bids.length, 0);
});

test("an account under maintenance margin after an oracle move is liquidated through the book", async (t) => {
  const f = await createTradingFixture();
  const [mm, alice] = f.accounts;
  await send(f, mm!, [deposit(mm!.address, 100_000n)]);
  await send(f, alice!, [deposit(alice!.address, 200n)]);
  await send(f, mm!, [place(mm!.address, orderSpec("ETH-PERP", "sell", "1", "3001.5"))]);
  await send(f, mm!, [place(mm!.address, orderSpec("ETH-PERP", "buy", "1", "2870"))]);
  const r = await send(f, alice!, [place(alice!.address, orderSpec("ETH-PERP", "buy", "1", "3001.5"))]);
  t.is(r.code, 0, r.log);
  t.false((await subaccount(f, alice!.address))!.liquidatable);
  const moved = await send(f, f.feeder, [submitPrice(f.feeder.address, "ETH", "2880")]);
  t.is(moved.code, 0, moved.log);
  await emptyBlock(f);
  const a = (await subaccount(f, alice!.address))!;
  t.is(a.positions.length, 0, "the position was closed");
  const liquidation = (await trades(f, "ETH-PERP")).find((tr) => tr.liquidation);
  t.truthy(liquidation);
  t.is(liquidation!.price, 2_870_000_000n);
});
