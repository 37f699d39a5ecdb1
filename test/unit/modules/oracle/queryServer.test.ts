import test from "ava";
import {
  QueryFeedersRequest,
  QueryFeedersResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryPriceRequest,
  QueryPriceResponse,
  QueryPricesRequest,
  QueryPricesResponse,
} from "../../../../chain/codec/generated/strike/oracle/v1/query.js";
import { oracleErrors } from "../../../../modules/oracle/index.js";
import { createOracleFixture, feederAddress, GENESIS_TIME, oracleGenesis } from "./fixture.js";

const A = feederAddress(1);
const B = feederAddress(2);
const P = "/strike.oracle.v1.Query/";

test("Price returns the price, the block that set it and staleness by the latest block's time", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]], { stale_after_seconds: "10" }));
  f.submit(4n, A, { ETH: "3001.5" });
  f.endBlock(4n);
  const at = (height: bigint) =>
    QueryPriceResponse.decode(f.query(`${P}Price`, QueryPriceRequest.encode({ asset: "ETH" }).finish(), height)).price!;
  t.deepEqual(at(4n), {
    asset: "ETH",
    price: "3001.500000000000000000",
    height: 4n,
    timeSeconds: GENESIS_TIME + 4n,
    stale: false,
    freshSince: 0n,
  });
  // A query knows only the latest block's time (one second per block here): 10 s old is
  // still fresh, 11 s is stale.
  t.false(at(14n).stale);
  t.true(at(15n).stale);
  // Announced stale, then fresh again: the price says from which height (averages must not reach back past it).
  f.endBlock(16n);
  f.submit(20n, A, { ETH: "2500" });
  f.endBlock(20n);
  t.like(at(20n), { price: "2500.000000000000000000", stale: false, freshSince: 20n });
  f.submit(21n, A, { ETH: "2501" });
  f.endBlock(21n);
  t.like(at(21n), { price: "2501.000000000000000000", freshSince: 20n });
});

test("Price of an unknown asset fails with the oracle's unknown-asset code", (t) => {
  const f = createOracleFixture(oracleGenesis([]));
  const err = t.throws(() => f.query(`${P}Price`, QueryPriceRequest.encode({ asset: "DOGE" }).finish(), 1n));
  t.true(oracleErrors.unknownAsset.is(err));
});

test("Prices lists every asset in symbol order", (t) => {
  const f = createOracleFixture(oracleGenesis([]));
  const res = QueryPricesResponse.decode(f.query(`${P}Prices`, QueryPricesRequest.encode({}).finish(), 1n));
  t.deepEqual(
    res.prices.map((p) => [p.asset, p.price]),
    [
      ["BTC", "60000.000000000000000000"],
      ["ETH", "3000.000000000000000000"],
    ],
  );
});

test("Params and Feeders report the genesis settings", (t) => {
  const f = createOracleFixture(
    oracleGenesis(
      [
        [B, 2],
        [A, 1],
      ],
      { max_vote_age_blocks: "7" },
    ),
  );
  const params = QueryParamsResponse.decode(f.query(`${P}Params`, QueryParamsRequest.encode({}).finish(), 1n)).params!;
  t.deepEqual(params, { maxVoteAgeBlocks: 7n, staleAfterSeconds: 30n, historyBlocks: 3600n });
  const feeders = QueryFeedersResponse.decode(f.query(`${P}Feeders`, QueryFeedersRequest.encode({}).finish(), 1n));
  t.deepEqual(feeders.feeders, [
    { address: A, weight: 1n },
    { address: B, weight: 2n },
  ]);
  t.is(feeders.totalWeight, 3n);
});
