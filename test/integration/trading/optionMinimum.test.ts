/**
 * Portfolio margin's short-option minimum: however well hedged or far out of the money, a
 * short option carries at least option_portfolio_short_minimum × spot per contract.
 */
import test from "ava";
import { OptionKind } from "../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { TimeInForce } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { optionMarketId } from "../../../modules/orderbook/index.js";
import { orderbookErrors } from "../../../modules/orderbook/index.js";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertCode, assertOk } from "./checks.js";
import {
  EXPIRY,
  createTradingFixture,
  deposit,
  depositAll,
  ethCall,
  market,
  orderSpec,
  place,
  send,
  setMarginMode,
  subaccount,
} from "./fixture.js";
import { createMarket } from "./messages.js";

test("in portfolio mode a far out-of-the-money short option still needs the short-option minimum (1% of spot)", async (t) => {
  const f = await createTradingFixture({ accounts: 3 });
  const [authority, alice] = f.accounts as [TestAccount, TestAccount];
  const template = await market(f, ethCall(3000n));
  const id = optionMarketId("ETH", EXPIRY, 5000n, OptionKind.OPTION_KIND_CALL);
  assertOk(
    t,
    await send(f, authority, [
      createMarket(authority.address, {
        ...template,
        id,
        option: { ...template.option!, strikePrice: 5_000_000_000n },
      }),
    ]),
  );
  await depositAll(f, [alice], 20n);
  assertOk(t, await send(f, alice, [setMarginMode(alice.address, true)]));
  // No scenario of the ±15% grid reaches a 5000 strike: the grid alone would ask almost nothing.
  const ask = place(
    alice.address,
    orderSpec(id, "sell", "1", "0.5", { timeInForce: TimeInForce.TIME_IN_FORCE_POST_ONLY }),
  );
  assertCode(t, await send(f, alice, [ask]), orderbookErrors.insufficientMargin);
  assertOk(t, await send(f, alice, [deposit(alice.address, 15n)]));
  assertOk(t, await send(f, alice, [ask]));
  t.is((await subaccount(f, alice.address))!.subaccount!.portfolioMargin, true);
});
