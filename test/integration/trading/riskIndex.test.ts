/** End-block work follows what changed: the risk index examines only accounts a write, a price move or time can have hurt. */
import test from "ava";
import { TimeInForce } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { lengthPrefixed } from "../../../chain/runtime/collection.js";
import { addressBytesView } from "../../../chain/crypto/address.js";
import { concatBytes } from "../../../chain/types/bytes.js";
import { BANDS_PREFIX, POSITIONS_PREFIX, SUBACCOUNTS_PREFIX } from "../../../modules/margin/keys.js";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk, eventsOf } from "./checks.js";
import {
  createTradingFixture,
  deposit,
  depositAll,
  emptyBlock,
  ethCall,
  movePrice,
  orderSpec,
  place,
  sendBlock,
  subaccount,
  subaccounts,
  withdraw,
  send,
  type TradingFixture,
} from "./fixture.js";
import { setImpliedVolatility } from "./messages.js";
import { countReads } from "./reads.js";

const IDLE = 12;

async function setup() {
  const f = await createTradingFixture({ accounts: IDLE + 3, insuranceFund: 10_000n });
  const [mm, risky, ...rest] = f.accounts as TestAccount[];
  const idle = rest.slice(0, IDLE);
  await depositAll(f, [mm!, ...idle], 10_000n);
  await depositAll(f, [risky!], 200n);
  // mm sells 0.1 ETH to each idle trader and 1 ETH to the risky one (5% initial margin on 200 USDC).
  await sendBlock(f, [
    { signer: mm!, msgs: [place(mm!.address, orderSpec("ETH-PERP", "sell", String(0.1 * IDLE + 1), "3000"))] },
  ]);
  const buys = await sendBlock(f, [
    ...idle.map((a) => ({ signer: a, msgs: [place(a.address, orderSpec("ETH-PERP", "buy", "0.1", "3000"))] })),
    { signer: risky!, msgs: [place(risky!.address, orderSpec("ETH-PERP", "buy", "1", "3000"))] },
  ]);
  for (const r of buys) if (r.code !== 0) throw new TypeError(r.log);
  await emptyBlock(f);
  const keys = idle.flatMap((a) => {
    const owner = lengthPrefixed(addressBytesView(a.address));
    return [concatBytes(SUBACCOUNTS_PREFIX, owner), concatBytes(POSITIONS_PREFIX, owner)];
  });
  return { f, mm: mm!, risky: risky!, idle, keys };
}

/** A repeatable price path from 3000: `steps` moves of up to ±`bps` basis points each, from `seed`. */
function* pricePath(seed: number, bps: number, steps: number): Generator<number> {
  let x = seed;
  let price = 3000;
  for (let step = 0; step < steps; step++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    price = Math.round(price * (1 + ((x % (2 * bps)) - bps) / 10_000));
    yield price;
  }
}

/** The owners the last block's liquidation step examined: liquidated, or tried. */
function examinedOwners(f: TradingFixture): Set<unknown> {
  const events = f.last!.events;
  return new Set(
    [...eventsOf(events, "liquidation"), ...eventsOf(events, "liquidation_failed")].map((e) => e["owner"]),
  );
}

test("end-block work grows with what changed, not with the number of accounts: idle accounts are not read", async (t) => {
  const { f, mm, risky, idle, keys } = await setup();
  const quiet = await countReads(f, "margin", keys, () => emptyBlock(f));
  t.is(quiet.reads, 0, "an empty block reads no idle account");
  // A small move stays inside every idle account's safe band.
  const small = await countReads(f, "margin", keys, () => movePrice(f, "ETH", "2990"));
  t.is(small.reads, 0, "a small price move reads no idle account");
  // A move that crosses only the risky account's band examines and liquidates it (into mm's bid), and still reads no idle account.
  assertOk(t, await send(f, mm, [place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2870"))]));
  const crossing = await countReads(f, "margin", keys, () => movePrice(f, "ETH", "2880"));
  t.is(crossing.reads, 0);
  t.deepEqual(
    eventsOf(f.last!.events, "liquidation").map((e) => e["owner"]),
    [risky.address],
  );
  for (const a of idle) t.is((await subaccount(f, a.address))!.positions[0]!.size, "0.1");
  // A move far enough to cross their bands examines them again (and they are still healthy).
  const far = await countReads(f, "margin", keys, () => movePrice(f, "ETH", "1500"));
  t.true(far.reads > 0, "a large move re-examines the accounts whose band it crossed");
  t.deepEqual(eventsOf(f.last!.events, "liquidation"), []);
});

test("an account whose band a price move crosses is liquidated in that block", async (t) => {
  const { f, risky } = await setup();
  // In two steps: the first stays inside its band, the second crosses it.
  assertOk(t, await movePrice(f, "ETH", "2950"));
  t.deepEqual(eventsOf(f.last!.events, "liquidation"), []);
  assertOk(t, await movePrice(f, "ETH", "2880"));
  t.deepEqual(
    eventsOf(f.last!.events, "liquidation").map((e) => e["owner"]),
    [risky.address],
  );
});

test("an emptied subaccount is pruned: no collateral, no positions, no orders", async (t) => {
  const f = await createTradingFixture();
  const [alice] = f.accounts as TestAccount[];
  assertOk(t, await send(f, alice!, [deposit(alice!.address, 100n), deposit(alice!.address, 50n, 1)]));
  assertOk(t, await send(f, alice!, [place(alice!.address, orderSpec("ETH-PERP", "buy", "0.01", "2000"), 1)]));
  assertOk(t, await send(f, alice!, [withdraw(alice!.address, 100_000_000n)]));
  t.deepEqual(
    (await subaccounts(f, alice!.address)).map((s) => s.subaccount!.number),
    [1],
    "subaccount 0 is gone; subaccount 1 keeps its collateral",
  );
  // With an open order, an empty subaccount stays (its order still needs it).
  assertOk(t, await send(f, alice!, [withdraw(alice!.address, 50_000_000n, 1)]));
  t.deepEqual(
    (await subaccounts(f, alice!.address)).map((s) => s.subaccount!.number),
    [1],
  );
  assertOk(t, await send(f, alice!, [deposit(alice!.address, 5n)]));
  t.is((await subaccount(f, alice!.address))!.collateral, "5", "a deposit creates it again");
});

test("a change of implied volatility re-examines the series' holders: a short that no longer meets maintenance is liquidated", async (t) => {
  const f = await createTradingFixture({ accounts: 3 });
  const [mm, carol] = f.accounts as TestAccount[];
  await depositAll(f, [mm!], 100_000n);
  await depositAll(f, [carol!], 600n);
  const CALL = ethCall(3000n);
  assertOk(t, await send(f, mm!, [place(mm!.address, orderSpec(CALL, "buy", "1", "150"))]));
  assertOk(t, await send(f, carol!, [place(carol!.address, orderSpec(CALL, "sell", "1", "150"))]));
  assertOk(t, await send(f, mm!, [place(mm!.address, orderSpec(CALL, "sell", "1", "900"))]));
  t.false((await subaccount(f, carol!.address))!.liquidatable);
  // The authority (mm here) raises the volatility: no price moved, but the short call is worth far more.
  assertOk(t, await send(f, f.authority, [setImpliedVolatility(f.authority.address, CALL, "3")]));
  t.deepEqual(
    eventsOf(f.last!.events, "liquidation").map((e) => e["owner"]),
    [carol!.address],
  );
});

test("the risk index never misses an account under maintenance: after every price move, each liquidatable account was examined", async (t) => {
  const f = await createTradingFixture({ accounts: 10, insuranceFund: 100_000n });
  const [mm, ...traders] = f.accounts.slice(0, -1) as TestAccount[];
  await depositAll(f, [mm!], 1_000_000n);
  // Leverage from about 2x to 19x, longs and shorts, one short call.
  const deposits = [1_500n, 800n, 400n, 250n, 170n, 1_500n, 300n, 600n];
  await sendBlock(
    f,
    traders.map((a, i) => ({ signer: a, msgs: [deposit(a.address, deposits[i]!)] })),
  );
  const CALL = ethCall(3000n);
  await sendBlock(f, [
    {
      signer: mm!,
      msgs: [
        place(mm!.address, orderSpec("ETH-PERP", "sell", "5", "3000")),
        place(mm!.address, orderSpec("ETH-PERP", "buy", "5", "3000")),
        place(mm!.address, orderSpec(CALL, "buy", "1", "150")),
      ],
    },
  ]);
  const results = await sendBlock(
    f,
    traders.map((a, i) => ({
      signer: a,
      msgs: [
        i === 7
          ? place(a.address, orderSpec(CALL, "sell", "1", "150"))
          : place(a.address, orderSpec("ETH-PERP", i % 2 === 0 ? "buy" : "sell", "1", "3000")),
      ],
    })),
  );
  for (const r of results) assertOk(t, r);
  let liquidated = 0;
  for (const price of pricePath(7, 350, 12)) {
    assertOk(t, await movePrice(f, "ETH", String(price)));
    const examined = examinedOwners(f);
    liquidated += eventsOf(f.last!.events, "liquidation").length;
    for (const a of traders) {
      const view = await subaccount(f, a.address);
      if (view?.liquidatable === true)
        t.true(examined.has(a.address), `${a.address} is under maintenance at ${price} and was not examined`);
    }
  }
  t.true(liquidated >= 2, `the price path liquidates accounts (${liquidated})`);
});

/** The risk index's band record of `owner`'s subaccount 0: examining the account reads it. */
const bandKey = (owner: string) =>
  concatBytes(BANDS_PREFIX, lengthPrefixed(addressBytesView(owner)), new Uint8Array(4));

test("funding: a payer is examined again, a receiver keeps its band; paid every block, no account under maintenance is missed", async (t) => {
  const f = await createTradingFixture({
    accounts: 10,
    insuranceFund: 100_000n,
    // An impact notional of 1,000 USDC: mm's 1 ETH quotes set the premium.
    marginParams: { fundingIntervalBlocks: "1", maxFundingRate: "0.01", fundingImpactNotional: "1000000000" },
  });
  const [mm, ...traders] = f.accounts.slice(0, -1) as TestAccount[];
  await depositAll(f, [mm!], 1_000_000n);
  const deposits = [1_500n, 800n, 400n, 250n, 170n, 1_500n, 300n, 600n];
  await sendBlock(
    f,
    traders.map((a, i) => ({ signer: a, msgs: [deposit(a.address, deposits[i]!)] })),
  );
  // Even traders buy 1 ETH from mm, odd ones sell it 1 ETH; then mm quotes a bid that sets the rate.
  const longs = traders.filter((_, i) => i % 2 === 0);
  const shorts = traders.filter((_, i) => i % 2 === 1);
  const ioc = { timeInForce: TimeInForce.TIME_IN_FORCE_IOC };
  for (const [side, takers] of [
    ["sell", longs],
    ["buy", shorts],
  ] as const) {
    assertOk(t, await send(f, mm!, [place(mm!.address, orderSpec("ETH-PERP", side, "4", "3000"))]));
    const taker = side === "sell" ? "buy" : "sell";
    for (const r of await sendBlock(
      f,
      takers.map((a) => ({ signer: a, msgs: [place(a.address, orderSpec("ETH-PERP", taker, "1", "3000", ioc))] })),
    ))
      assertOk(t, r);
  }
  await sendBlock(f, [
    {
      signer: mm!,
      msgs: [
        place(mm!.address, orderSpec("ETH-PERP", "sell", "1", "3090")),
        place(mm!.address, orderSpec("ETH-PERP", "buy", "1", "3060")),
      ],
    },
  ]);
  for (const a of traders) t.truthy((await subaccount(f, a.address))!.positions[0], `${a.address} holds ETH-PERP`);
  // The impact bid (3060) is 2% over the oracle: longs pay shorts the capped 1% of 3,000 USDC a block.
  const paying = await countReads(
    f,
    "margin",
    longs.map((a) => bandKey(a.address)),
    () => emptyBlock(f),
  );
  t.truthy(eventsOf(f.last!.events, "funding")[0], "funding was paid");
  t.true(paying.reads >= longs.length, "every payer was examined");
  const receiving = await countReads(
    f,
    "margin",
    shorts.map((a) => bandKey(a.address)),
    () => emptyBlock(f),
  );
  t.is(receiving.reads, 0, "no receiver was examined");
  // Paid every block while the price wanders: whoever falls under maintenance is examined. Funding
  // is paid last in the end block, after the liquidations: an account it pushes under is
  // liquidated (or tried) in the next block.
  let liquidated = 0;
  let late = new Set<string>();
  for (const price of pricePath(11, 250, 12)) {
    assertOk(t, await movePrice(f, "ETH", String(price)));
    const examined = examinedOwners(f);
    liquidated += eventsOf(f.last!.events, "liquidation").length;
    for (const a of late)
      t.true(examined.has(a), `${a} was under maintenance after the last block's funding and was not examined`);
    late = new Set();
    for (const a of traders) {
      const view = await subaccount(f, a.address);
      if (view?.liquidatable === true && !examined.has(a.address)) late.add(a.address);
    }
  }
  t.true(liquidated >= 1, `funding and the price path liquidate accounts (${liquidated})`);
});
