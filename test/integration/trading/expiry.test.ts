/** Expiry at every fill: option series at or after expiry, good-til-time orders; trades of settled markets age out. */
import test from "ava";
import { MarketStatus } from "../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { TimeInForce, TriggerType } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { assertOk, eventsOf, placeOk, placeResponse } from "./checks.js";
import {
  EXPIRY,
  createTradingFixture,
  depositAll,
  emptyBlock,
  emptyBlocks,
  ethCall,
  market,
  nextBlockTime,
  openOrders,
  orderSpec,
  place,
  sendBlock,
  submitPrice,
  subaccount,
  trades,
  type TradingFixture,
} from "./fixture.js";
import type { TestAccount } from "../../unit/runtime/fixture.js";

const CALL = ethCall(3000n);

async function setup(options: Parameters<typeof createTradingFixture>[0] = {}) {
  const f = await createTradingFixture({ accounts: 4, ...options });
  const [mm, alice, bob] = f.accounts as [TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm, alice, bob], 100_000n);
  return { f, mm, alice, bob };
}

/** A resting call ask from mm and a parked stop buy from alice that fires when ETH reaches 3010. */
async function parkedCallBuy(t: Parameters<typeof placeOk>[0], f: TradingFixture, mm: TestAccount, alice: TestAccount) {
  await placeOk(t, f, mm, orderSpec(CALL, "sell", "1", "100"));
  const stop = await placeOk(
    t,
    f,
    alice,
    orderSpec(CALL, "buy", "1", "120", { triggerType: TriggerType.TRIGGER_TYPE_STOP, triggerPrice: "3010" }),
  );
  t.is(stop.response.status, "untriggered");
  return stop.response.orderId;
}

test("no fill on an option series at or after expiry: a trigger crossed in the expiry block does not trade", async (t) => {
  const { f, mm, alice } = await setup();
  await parkedCallBuy(t, f, mm, alice);
  // The price that crosses the trigger arrives in the first block at expiry.
  const [res] = await sendBlock(
    f,
    [{ signer: f.feeder, msgs: [submitPrice(f.feeder.address, "ETH", "3010")] }],
    EXPIRY,
  );
  assertOk(t, res!);
  t.deepEqual(await trades(f, CALL), [], "no trade on the expired series");
  t.is((await market(f, CALL)).status, MarketStatus.MARKET_STATUS_SETTLED);
  t.deepEqual(eventsOf(f.last!.events, "order_triggered"), []);
  t.deepEqual(await openOrders(f, alice.address), [], "the parked order went with the settlement");
});

test("no fill on an option series at or after expiry, even while its settlement is held up", async (t) => {
  // A settlement window longer than the oracle keeps history makes the expiry fail: the market stays active.
  const { f, mm, alice } = await setup({ marginParams: { settlement_twap_blocks: "100000" } });
  const stop = await parkedCallBuy(t, f, mm, alice);
  await sendBlock(f, [{ signer: f.feeder, msgs: [submitPrice(f.feeder.address, "ETH", "3010")] }], EXPIRY + 5n);
  t.is((await market(f, CALL)).status, MarketStatus.MARKET_STATUS_ACTIVE, "not settled");
  t.deepEqual(await trades(f, CALL), [], "no trade on the expired series");
  t.is((await subaccount(f, alice.address))!.positions.length, 0);
  t.deepEqual(eventsOf(f.last!.events, "order_triggered"), [], "an expired series fires no trigger");
  t.deepEqual(
    (await openOrders(f, alice.address)).map((o) => [o.id, o.triggerType]),
    [[stop, TriggerType.TRIGGER_TYPE_STOP]],
    "it stays parked until the settlement cancels it",
  );
});

test("a good-til-time order never fills after its expiry time, even before the end-block sweep", async (t) => {
  const { f, alice, bob } = await setup();
  const until = nextBlockTime(f) + 10n;
  const bid = await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "2990", { goodTilTime: until }));
  // Bob's sell arrives in the first block at the bid's expiry time, before the end block sweeps it.
  const [res] = await sendBlock(
    f,
    [
      {
        signer: bob,
        msgs: [
          place(
            bob.address,
            orderSpec("ETH-PERP", "sell", "1", "2990", { timeInForce: TimeInForce.TIME_IN_FORCE_IOC }),
          ),
        ],
      },
    ],
    until,
  );
  assertOk(t, res!);
  t.is(placeResponse(res!).filled, "0", "the expired bid did not fill");
  t.deepEqual(await trades(f, "ETH-PERP"), []);
  t.is((await subaccount(f, alice.address))!.positions.length, 0);
  t.deepEqual(
    eventsOf(res!.events, "order_cancelled").map((e) => [e["order_id"], e["reason"]]),
    [[bid.response.orderId.toString(), "expired"]],
  );
  // A bid that has not expired yet still fills in the same situation.
  const live = nextBlockTime(f) + 10n;
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "2990", { goodTilTime: live }));
  const [ok] = await sendBlock(
    f,
    [
      {
        signer: bob,
        msgs: [
          place(
            bob.address,
            orderSpec("ETH-PERP", "sell", "1", "2990", { timeInForce: TimeInForce.TIME_IN_FORCE_IOC }),
          ),
        ],
      },
    ],
    live - 1n,
  );
  t.is(placeResponse(ok!).filled, "1");
});

test("trades of a settled market are pruned once they are older than the retention window", async (t) => {
  const { f, mm, alice } = await setup({ tradesKept: 5 });
  await placeOk(t, f, mm, orderSpec(CALL, "sell", "1", "100"));
  await placeOk(t, f, alice, orderSpec(CALL, "buy", "1", "100"));
  t.is((await trades(f, CALL)).length, 1);
  await emptyBlock(f, EXPIRY);
  t.is((await market(f, CALL)).status, MarketStatus.MARKET_STATUS_SETTLED);
  await emptyBlocks(f, 6);
  t.deepEqual(await trades(f, CALL), []);
});
