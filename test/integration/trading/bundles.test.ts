/** Bundles: up to four legs that fill completely or not at all, a net cost limit, margin on the whole. */
import test, { type ExecutionContext } from "ava";
import { orderbookErrors } from "../../../modules/orderbook/index.js";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk, assertRejected, bundleResponse, eventsOf } from "./checks.js";
import {
  createTradingFixture,
  depositAll,
  ethCall,
  ethPut,
  orderSpec,
  place,
  send,
  setMarginMode,
  subaccount,
  trades,
} from "./fixture.js";
import { leg, placeBundle } from "./messages.js";

const C3000 = ethCall(3000n);
const C3200 = ethCall(3200n);
const P3000 = ethPut(3000n);
const MARKETS = [C3000, C3200, P3000, "ETH-PERP"];

/** mm quotes: 3000C 140/150, 3200C 70/75, 3000P 140/150, ETH-PERP 2999/3001, one contract each. */
async function quoted(t: ExecutionContext) {
  const f = await createTradingFixture({ accounts: 5 });
  const [mm, alice, bob, carol] = f.accounts as [TestAccount, TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm], 100_000n);
  await depositAll(f, [alice, bob], 10_000n);
  const quotes: [string, string, string][] = [
    [C3000, "140", "150"],
    [C3200, "70", "75"],
    [P3000, "140", "150"],
    ["ETH-PERP", "2999", "3001"],
  ];
  for (const [m, bid, ask] of quotes) {
    assertOk(t, await send(f, mm, [place(mm.address, orderSpec(m, "buy", "1", bid))]));
    assertOk(t, await send(f, mm, [place(mm.address, orderSpec(m, "sell", "1", ask))]));
  }
  return { f, mm, alice, bob, carol };
}

const sizes = async (f: Parameters<typeof subaccount>[0], who: TestAccount) =>
  Object.fromEntries((await subaccount(f, who.address))!.positions.map((p) => [p.market, p.size]));

test("a vertical call spread fills both legs in one step", async (t) => {
  const { f, alice } = await quoted(t);
  const res = await send(f, alice, [
    placeBundle(alice.address, [leg(C3000, "buy", "1", "150"), leg(C3200, "sell", "1", "70")]),
  ]);
  assertOk(t, res);
  const r = bundleResponse(res);
  t.is(r.netCost, "80");
  t.deepEqual(
    r.legs.map((l) => l.status),
    ["filled", "filled"],
  );
  t.deepEqual(await sizes(f, alice), { [C3000]: "1", [C3200]: "-1" });
  t.deepEqual(
    eventsOf(res.events, "bundle_filled").map((e) => [e["legs"], e["net_cost"]]),
    [["2", "80000000"]],
  );
  // Two taker fees of 0.05%: on 150 and on 70.
  t.is((await subaccount(f, alice.address))!.collateral, "9919.89");
});

test("a straddle buys the call and the put together", async (t) => {
  const { f, alice } = await quoted(t);
  const res = await send(f, alice, [
    placeBundle(alice.address, [leg(C3000, "buy", "1", "150"), leg(P3000, "buy", "1", "150")]),
  ]);
  assertOk(t, res);
  t.is(bundleResponse(res).netCost, "300");
  t.deepEqual(await sizes(f, alice), { [C3000]: "1", [P3000]: "1" });
});

test("a delta-hedged call (option and perpetual) fills atomically", async (t) => {
  const { f, alice } = await quoted(t);
  const res = await send(f, alice, [
    placeBundle(alice.address, [leg(C3000, "buy", "1", "150"), leg("ETH-PERP", "sell", "0.5", "2999")]),
  ]);
  assertOk(t, res);
  t.deepEqual(await sizes(f, alice), { [C3000]: "1", "ETH-PERP": "-0.5" });
  const view = (await subaccount(f, alice.address))!;
  t.true(Math.abs(Number(view.delta)) < 0.1, `net delta ${view.delta}`);
});

test("if one leg cannot fill completely at its limit, no leg fills", async (t) => {
  const { f, alice } = await quoted(t);
  // Only one 3200 call is bid.
  await assertRejected(
    t,
    f,
    alice,
    [placeBundle(alice.address, [leg(C3000, "buy", "1", "150"), leg(C3200, "sell", "2", "70")])],
    orderbookErrors.bundleNotFilled,
    MARKETS,
  );
  // The bid is below the leg's limit.
  await assertRejected(
    t,
    f,
    alice,
    [placeBundle(alice.address, [leg(C3000, "buy", "1", "150"), leg(C3200, "sell", "1", "71")])],
    orderbookErrors.bundleNotFilled,
    MARKETS,
  );
  // The last of four legs fails.
  await assertRejected(
    t,
    f,
    alice,
    [
      placeBundle(alice.address, [
        leg(C3000, "buy", "1", "150"),
        leg(P3000, "buy", "1", "150"),
        leg(C3200, "sell", "1", "70"),
        leg("ETH-PERP", "buy", "1", "3000"),
      ]),
    ],
    orderbookErrors.bundleNotFilled,
    MARKETS,
  );
  for (const m of MARKETS) t.deepEqual(await trades(f, m), [], m);
});

test("the bundle's net cost limit is enforced, for debits and credits", async (t) => {
  const { f, alice, bob } = await quoted(t);
  const debit = [leg(C3000, "buy", "1", "150"), leg(C3200, "sell", "1", "70")];
  await assertRejected(
    t,
    f,
    alice,
    [placeBundle(alice.address, debit, "79.9")],
    orderbookErrors.netCostExceeded,
    MARKETS,
  );
  assertOk(t, await send(f, alice, [placeBundle(alice.address, debit, "80")]));
  // A credit spread must receive at least 70: it receives 140 − 75 = 65.
  const credit = [leg(C3000, "sell", "1", "140"), leg(C3200, "buy", "1", "75")];
  await assertRejected(t, f, bob, [placeBundle(bob.address, credit, "-70")], orderbookErrors.netCostExceeded, MARKETS);
  const res = await send(f, bob, [placeBundle(bob.address, credit, "-65")]);
  assertOk(t, res);
  t.is(bundleResponse(res).netCost, "-65");
});

test("margin is checked on the whole bundle: a spread whose short leg alone fails passes as a bundle", async (t) => {
  const { f, carol } = await quoted(t);
  await depositAll(f, [carol], 250n);
  assertOk(t, await send(f, carol, [setMarginMode(carol.address, true)]));
  // The naked short call alone loses far more than 250 in the +15% scenario.
  await assertRejected(
    t,
    f,
    carol,
    [place(carol.address, orderSpec(C3000, "sell", "1", "140"))],
    orderbookErrors.insufficientMargin,
    MARKETS,
  );
  // With the long 3200 call the worst loss is capped by the spread's width.
  const res = await send(f, carol, [
    placeBundle(carol.address, [leg(C3000, "sell", "1", "140"), leg(C3200, "buy", "1", "75")]),
  ]);
  assertOk(t, res);
  t.deepEqual(await sizes(f, carol), { [C3000]: "-1", [C3200]: "1" });
  const view = (await subaccount(f, carol.address))!;
  t.true(Number(view.equity) >= Number(view.initialMargin), `${view.equity} ≥ ${view.initialMargin}`);
});
