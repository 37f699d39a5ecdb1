/**
 * The margin module's Position query: one position by point reads, so a node serves it at a
 * past height (what `strike query positions --state speculative` uses for the size in the
 * state last checkpointed on L1), where the iterating Subaccounts query is refused.
 */
import test from "ava";
import { queries } from "../../unit/runtime/fixture.js";
import { placeOk, traders } from "./checks.js";
import { orderSpec } from "./fixture.js";

test("a position's size is read at any kept height, and none where it was not held", async (t) => {
  const { f, mm, alice } = await traders(t);
  const margin = (height: bigint) => queries(f, height).margin;
  await placeOk(t, f, mm, orderSpec("ETH-PERP", "sell", "2", "3010"));
  const before = f.height;
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "3010"));
  const first = f.height;
  await placeOk(t, f, alice, orderSpec("ETH-PERP", "buy", "1", "3010"));

  const ask = (height: bigint, owner = alice.address, market = "ETH-PERP") =>
    margin(height).Position({ owner, subaccount: 0, market });
  t.is((await ask(0n)).position?.size, 2000n, "the latest: 2 contracts (3 size decimals)");
  t.is((await ask(first)).position?.size, 1000n, "after the first buy");
  t.like(await ask(before), { found: false, position: undefined });
  t.is((await ask(first, mm.address)).position?.size, -1000n, "the maker's short, at that height");
  t.like(await ask(0n, alice.address, "BTC-PERP"), { found: false });
  // The iterating query is refused at a past height, with the reason.
  await t.throwsAsync(margin(first).Subaccounts({ owner: alice.address }), { message: /latest height/ });
  await t.throwsAsync(margin(0n).Position({ owner: "strike1nope", subaccount: 0, market: "ETH-PERP" }), {
    message: /invalid owner address/,
  });
  await t.throwsAsync(margin(0n).Position({ owner: alice.address, subaccount: 0, market: "" }), {
    message: /market is required/,
  });
});
