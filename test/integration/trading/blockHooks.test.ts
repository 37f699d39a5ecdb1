import test from "ava";
import { MarketStatus } from "../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { EXPIRY, createTradingFixture, emptyBlock, ethCall, market } from "./fixture.js";

test("a module whose end block fails does not halt the chain: its changes are dropped and the block commits", async (t) => {
  // A settlement window longer than the oracle keeps history makes option expiry fail (oracle/9).
  const f = await createTradingFixture({ marginParams: { settlement_twap_blocks: "100000" } });
  const before = f.app.info().lastBlockHeight;
  const res = await emptyBlock(f, EXPIRY + 1n);
  t.is(f.app.info().lastBlockHeight, before + 1n, "the block committed");
  const failed = res.events.find((e) => e.type === "block_hook_failed");
  t.truthy(failed);
  t.deepEqual(
    failed!.attributes.map((a) => [a.key, a.value]),
    [
      ["module", "options"],
      ["hook", "EndBlock"],
      ["codespace", "oracle"],
      ["code", "9"],
    ],
  );
  t.is((await market(f, ethCall(3000n))).status, MarketStatus.MARKET_STATUS_ACTIVE, "settlement was rolled back");
  await emptyBlock(f, EXPIRY + 2n);
  t.is(f.app.info().lastBlockHeight, before + 2n, "later blocks go on");
});
