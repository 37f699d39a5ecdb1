/**
 * Issue 8, holes 2 and 4: makers that cannot back their fills are set aside, however many,
 * without failing the taker or a liquidation; open orders (triggers too) are capped per
 * subaccount and market; a maker is checked against all its fills in a bundle.
 */
import test, { type ExecutionContext } from "ava";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { TriggerType } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { orderbookErrors } from "../../../modules/orderbook/index.js";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertCode, assertOk, bundleResponse, eventsOf, uusdcOf } from "./checks.js";
import {
  createTradingFixture,
  depositAll,
  movePrice,
  openOrders,
  orderSpec,
  place,
  send,
  subaccount,
  trades,
  withdraw,
  USDC,
} from "./fixture.js";
import { leg, placeBundle } from "./messages.js";

const UNBACKED = 40;

/** Bob rests 40 tiny bids at 2990 and then withdraws every USDC behind them. */
async function unbackedBids(
  t: ExecutionContext,
  f: Awaited<ReturnType<typeof createTradingFixture>>,
  bob: TestAccount,
) {
  const bids: EncodeObject[] = [];
  for (let i = 0; i < UNBACKED; i++) bids.push(place(bob.address, orderSpec("ETH-PERP", "buy", "0.001", "2990")));
  assertOk(t, await send(f, bob, bids, 40_000_000));
  assertOk(t, await send(f, bob, [withdraw(bob.address, 100n * USDC)]));
  t.is((await openOrders(f, bob.address)).length, UNBACKED);
}

test("removing unbacked makers never fails the taker: 40 of them are set aside and the order fills behind them", async (t) => {
  const f = await createTradingFixture({ accounts: 4 });
  const [mm, alice, bob] = f.accounts as [TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm, alice], 10_000n);
  await depositAll(f, [bob], 100n);
  await unbackedBids(t, f, bob);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2980"))]));
  const res = await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "sell", "1", "2980"))]);
  assertOk(t, res);
  t.is(eventsOf(res.events, "order_cancelled").filter((e) => e["reason"] === "undercollateralized").length, UNBACKED);
  t.deepEqual(await openOrders(f, bob.address), []);
  t.is((await subaccount(f, alice.address))!.positions[0]!.size, "-1");
  t.deepEqual((await subaccount(f, bob.address))!.positions, []);
});

test("a liquidation cannot be blocked by anyone's unbacked orders (40 tiny bids in its way)", async (t) => {
  const f = await createTradingFixture({ accounts: 4 });
  const [mm, alice, bob] = f.accounts as [TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice], 200n);
  await depositAll(f, [bob], 100n);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "sell", "1", "3000"))]));
  assertOk(t, await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000"))]));
  await unbackedBids(t, f, bob);
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2870"))]));
  // At 2880 alice (equity 78.5) is under maintenance (86.4): liquidated through mm's bid.
  assertOk(t, await movePrice(f, "ETH", "2880"));
  t.is(eventsOf(f.last!.events, "liquidation").length, 1);
  t.deepEqual(eventsOf(f.last!.events, "liquidation_failed"), []);
  t.deepEqual((await subaccount(f, alice.address))!.positions, []);
  t.true((await trades(f, "ETH-PERP")).some((x) => x.liquidation && x.price === 2_870_000_000n));
  t.deepEqual(await openOrders(f, bob.address), []);
});

test("parked trigger orders count toward the open-order cap per subaccount and market", async (t) => {
  const f = await createTradingFixture({ accounts: 3 });
  const [alice] = f.accounts as [TestAccount];
  await depositAll(f, [alice], 100_000n);
  const stops: EncodeObject[] = [];
  for (let i = 0; i < 200; i++)
    stops.push(
      place(
        alice.address,
        orderSpec("ETH-PERP", "sell", "0.001", "2500", {
          triggerType: TriggerType.TRIGGER_TYPE_STOP,
          triggerPrice: "2600",
        }),
      ),
    );
  assertOk(t, await send(f, alice, stops, 200_000_000));
  assertCode(
    t,
    await send(f, alice, [place(alice.address, orderSpec("ETH-PERP", "buy", "0.001", "2000"))]),
    orderbookErrors.tooManyOpenOrders,
  );
  assertCode(
    t,
    await send(f, alice, [
      place(
        alice.address,
        orderSpec("ETH-PERP", "sell", "0.001", "2500", {
          triggerType: TriggerType.TRIGGER_TYPE_STOP,
          triggerPrice: "2600",
        }),
      ),
    ]),
    orderbookErrors.tooManyOpenOrders,
  );
});

test("a maker's margin is checked against all its fills in a bundle, not one leg at a time", async (t) => {
  const f = await createTradingFixture({ accounts: 4 });
  const [mm, alice, bob] = f.accounts as [TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm, alice], 100_000n);
  await depositAll(f, [bob], 200n);
  // Each of bob's asks alone needs 150 of initial margin (5% of 3,000); together 300 > 200.
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("ETH-PERP", "sell", "1", "3000"))]));
  assertOk(t, await send(f, bob, [place(bob.address, orderSpec("BTC-PERP", "sell", "0.05", "60000"))]));
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("BTC-PERP", "sell", "0.05", "60010"))]));
  const res = await send(f, alice, [
    placeBundle(alice.address, [leg("ETH-PERP", "buy", "1", "3000"), leg("BTC-PERP", "buy", "0.05", "60010")]),
  ]);
  assertOk(t, res);
  t.is(bundleResponse(res).legs.length, 2);
  t.deepEqual(
    eventsOf(res.events, "order_cancelled").map((e) => [e["owner"], e["reason"]]),
    [[bob.address, "undercollateralized"]],
  );
  const b = (await subaccount(f, bob.address))!;
  t.deepEqual(
    b.positions.map((p) => [p.market, p.size]),
    [["ETH-PERP", "-1"]],
  );
  t.true(uusdcOf(b.equity) >= uusdcOf(b.initialMargin), "bob is not left under initial margin");
  t.is((await trades(f, "BTC-PERP"))[0]!.price, 60_010_000_000n, "the BTC leg filled against mm instead");
});
