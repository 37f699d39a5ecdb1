/** orderbook genesis (`app_state.orderbook`): the authority, trade retention and the markets, in protobuf JSON. */
import { Market, MarketStatus } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import { OrderbookParams } from "../../chain/codec/generated/strike/orderbook/v1/genesis.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { refuseUnknownKeys } from "../../chain/runtime/genesisFields.js";
import type { Context } from "../../chain/runtime/types.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { orderbookErrors } from "./errors.js";
import { defaultMarkets, validateMarket } from "./markets.js";
import { setMarket, setParams } from "./state.js";

export const DEFAULT_TRADES_KEPT = 1000;

export interface OrderbookGenesis {
  params: OrderbookParams;
  markets: Market[];
}

export function defaultOrderbookGenesis(genesisSeconds: bigint): Record<string, unknown> {
  return {
    params: OrderbookParams.toJSON({ authority: "", tradesKept: DEFAULT_TRADES_KEPT }),
    markets: defaultMarkets(genesisSeconds).map((m) => Market.toJSON(m)),
  };
}

function fail(message: string): never {
  throw orderbookErrors.invalidGenesis(message);
}

export function parseOrderbookGenesis(state: unknown): OrderbookGenesis {
  if (state === undefined || state === null)
    return { params: { authority: "", tradesKept: DEFAULT_TRADES_KEPT }, markets: [] };
  if (typeof state !== "object" || Array.isArray(state)) fail("app_state.orderbook must be an object");
  const json = state as Record<string, unknown>;
  const root = "app_state.orderbook";
  refuseUnknownKeys(json, ["params", "markets"], root, orderbookErrors.invalidGenesis);
  refuseUnknownKeys(
    json["params"],
    Object.keys(OrderbookParams.fromJSON({})),
    `${root}.params`,
    orderbookErrors.invalidGenesis,
  );
  const params = OrderbookParams.fromJSON(json["params"] ?? {});
  if (params.tradesKept === 0) params.tradesKept = DEFAULT_TRADES_KEPT;
  if (params.authority !== "" && !isValidAddress(params.authority))
    fail(`params.authority "${params.authority}" is not an address`);
  const rawMarkets = json["markets"] ?? [];
  if (!Array.isArray(rawMarkets)) fail("markets must be a list");
  const seen = new Set<string>();
  const marketFields = Object.keys(Market.fromJSON({}));
  const markets = rawMarkets.map((raw, i) => {
    refuseUnknownKeys(raw, marketFields, `${root}.markets[${i}]`, orderbookErrors.invalidGenesis);
    const m = Market.fromJSON(raw);
    if (m.status === MarketStatus.MARKET_STATUS_UNSPECIFIED) m.status = MarketStatus.MARKET_STATUS_ACTIVE;
    try {
      validateMarket(m);
    } catch (e) {
      if (isStrikeError(e)) fail(`markets[${i}]: ${e.message}`);
      throw e;
    }
    if (seen.has(m.id)) fail(`markets[${i}]: duplicate market ${m.id}`);
    seen.add(m.id);
    return m;
  });
  return { params, markets };
}

export function initOrderbookGenesis(ctx: Context, state: unknown): void {
  const g = parseOrderbookGenesis(state);
  setParams(ctx, g.params);
  for (const m of g.markets) setMarket(ctx, m);
}
