/**
 * The order check the CLI runs before signing (cli/orderCheck.ts): an order the chain would
 * refuse in its block, after charging the fee, is refused here with the reason.
 */
import test from "ava";
import { Market, MarketStatus } from "../../../chain/codec/generated/strike/orderbook/v1/market.js";
import { orderShapeProblem, type OrderShape } from "../../../cli/orderCheck.js";

const market = Market.fromPartial({
  id: "ETH-PERP",
  status: MarketStatus.MARKET_STATUS_ACTIVE,
  tickSize: 100_000n,
  lotSize: 1n,
  sizeDecimals: 3,
  minNotional: 0n,
});
const order: OrderShape = { market: "ETH-PERP", price: "3000", size: "1" };
const NOW = 1_800_000_000n;
const HEIGHT = 906n;

test("an order whose good-til-block or good-til-time has passed at the latest block is refused before signing", (t) => {
  t.is(orderShapeProblem(market, order, NOW, HEIGHT), undefined);
  t.is(
    orderShapeProblem(market, { ...order, goodTilBlock: 1n }, NOW, HEIGHT),
    "good-til-block 1 is not above the latest height 906: the order would already be expired",
  );
  t.regex(orderShapeProblem(market, { ...order, goodTilBlock: HEIGHT }, NOW, HEIGHT) ?? "", /not above the latest/);
  t.is(
    orderShapeProblem(market, { ...order, goodTilTime: NOW }, NOW, HEIGHT),
    `good-til-time ${NOW} is not after the latest block time ${NOW}: the order would already be expired`,
  );
  // The next block may still take these: the chain decides.
  t.is(
    orderShapeProblem(market, { ...order, goodTilBlock: HEIGHT + 1n, goodTilTime: NOW + 1n }, NOW, HEIGHT),
    undefined,
  );
  t.is(orderShapeProblem(market, { ...order, goodTilBlock: 0n, goodTilTime: 0n }, NOW, HEIGHT), undefined);
});

test("on a stale oracle price only a reduce-only order passes; with no price none does", (t) => {
  const m = { ...market, underlying: "ETH" };
  const fresh = new Map([["ETH", { stale: false, height: 900n }]]);
  const stale = new Map([["ETH", { stale: true, height: 700n }]]);
  t.is(orderShapeProblem(m, order, NOW, HEIGHT, fresh), undefined);
  t.is(
    orderShapeProblem(m, order, NOW, HEIGHT, stale),
    "the ETH oracle price is stale (last at height 700): ETH-PERP takes only reduce-only orders until a fresh one (strike query oracle ETH)",
  );
  t.is(orderShapeProblem(m, { ...order, reduceOnly: true }, NOW, HEIGHT, stale), undefined);
  t.is(
    orderShapeProblem(m, { ...order, reduceOnly: true }, NOW, HEIGHT, new Map()),
    "the oracle has no ETH price: ETH-PERP takes no orders",
  );
});
