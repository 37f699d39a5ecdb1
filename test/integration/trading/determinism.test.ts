/**
 * Determinism: a scripted trading scenario (trades in several markets, several txs per
 * block, a bundle, funding, a liquidation, an option expiry) replayed on two fresh apps
 * gives the same app hash after every block.
 */
import test, { type ExecutionContext } from "ava";
import { toHex } from "@cosmjs/encoding";
import type { AbciEvent } from "../../../chain/types/abci.js";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertOk } from "./checks.js";
import {
  EXPIRY,
  createTradingFixture,
  deposit,
  emptyBlock,
  ethCall,
  ethPut,
  movePrice,
  orderSpec,
  place,
  send,
  sendBlock,
  type TradingFixture,
} from "./fixture.js";
import { cancelAll, leg, placeBundle } from "./messages.js";

async function scenario(t: ExecutionContext): Promise<{ f: TradingFixture; events: AbciEvent[] }> {
  const f = await createTradingFixture({
    accounts: 6,
    marginParams: { fundingIntervalBlocks: "5", settlementTwapBlocks: "4" },
  });
  const [mm, alice, bob, carol, dave] = f.accounts as [TestAccount, TestAccount, TestAccount, TestAccount, TestAccount];
  const events: AbciEvent[] = [];
  const block = async (txs: { signer: TestAccount; msgs: ReturnType<typeof place>[] }[]) => {
    const results = await sendBlock(f, txs);
    for (const r of results) assertOk(t, r);
    events.push(...results.flatMap((r) => r.events), ...f.last!.events);
  };
  await block([
    { signer: mm, msgs: [deposit(mm.address, 200_000n)] },
    { signer: alice, msgs: [deposit(alice.address, 200n)] },
    { signer: bob, msgs: [deposit(bob.address, 20_000n)] },
    { signer: carol, msgs: [deposit(carol.address, 20_000n), deposit(carol.address, 500n, 1)] },
    { signer: dave, msgs: [deposit(dave.address, 5_000n)] },
  ]);
  await block([
    {
      signer: mm,
      msgs: [
        place(mm.address, orderSpec("ETH-PERP", "sell", "2", "3000")),
        place(mm.address, orderSpec("ETH-PERP", "buy", "1", "2870")),
        place(mm.address, orderSpec(ethCall(3000n), "sell", "3", "150")),
        place(mm.address, orderSpec(ethCall(3200n), "buy", "2", "70")),
        place(mm.address, orderSpec(ethPut(2800n), "sell", "2", "60")),
      ],
    },
  ]);
  await block([
    { signer: alice, msgs: [place(alice.address, orderSpec("ETH-PERP", "buy", "1", "3000"))] },
    { signer: bob, msgs: [place(bob.address, orderSpec(ethCall(3000n), "buy", "1", "150"))] },
    {
      signer: carol,
      msgs: [
        placeBundle(carol.address, [leg(ethCall(3000n), "buy", "1", "150"), leg(ethCall(3200n), "sell", "1", "70")]),
      ],
    },
    { signer: dave, msgs: [place(dave.address, orderSpec("ETH-PERP", "buy", "1", "2990", { clientId: 9n }))] },
  ]);
  await block([
    // Bob asks below the oracle with more than the impact notional (10,000 USDC): funding has a rate.
    { signer: bob, msgs: [place(bob.address, orderSpec("ETH-PERP", "sell", "4", "2995"))] },
    {
      signer: dave,
      msgs: [place(dave.address, orderSpec(ethPut(2800n), "buy", "1", "60")), cancelAll(dave.address, "ETH-PERP")],
    },
    { signer: carol, msgs: [place(carol.address, orderSpec("ETH-PERP", "buy", "0.1", "3010"), 1)] },
  ]);
  const idle = async (n: number) => {
    for (let i = 0; i < n; i++) events.push(...(await emptyBlock(f)).events);
  };
  // Funding on bob's 2995 ask (carol took 0.1 of it), then the drop that liquidates alice.
  await idle(6);
  assertOk(t, await movePrice(f, "ETH", "2880"));
  events.push(...f.last!.events);
  await idle(3);
  // A failed tx (no subaccount) is part of the replay too.
  t.not((await send(f, f.feeder, [place(f.feeder.address, orderSpec("ETH-PERP", "buy", "1", "2900"))])).code, 0);
  assertOk(t, await movePrice(f, "ETH", "3100"));
  events.push(...(await emptyBlock(f, EXPIRY)).events);
  await idle(2);
  return { f, events };
}

test("the same trading scenario on two fresh apps gives the same app hash after every block", async (t) => {
  const a = await scenario(t);
  const b = await scenario(t);
  const types = new Set(a.events.map((e) => e.type));
  for (const type of ["trade", "bundle_filled", "order_cancelled", "funding", "liquidation", "option_settled"])
    t.true(types.has(type), `the scenario exercises ${type}`);
  t.is(a.f.appHashes.length, b.f.appHashes.length);
  t.true(a.f.appHashes.length > 15);
  t.deepEqual(a.f.appHashes.map(toHex), b.f.appHashes.map(toHex));
});
