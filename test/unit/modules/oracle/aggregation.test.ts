import test from "ava";
import { decFromString } from "../../../../chain/types/fixed/index.js";
import { oracleErrors } from "../../../../modules/oracle/index.js";
import { attr, createOracleFixture, feederAddress, GENESIS_TIME, oracleGenesis } from "./fixture.js";

const A = feederAddress(1);
const B = feederAddress(2);
const C = feederAddress(3);
const D = feederAddress(4);

test("a block's votes become the weighted median price, stamped with that block", (t) => {
  const f = createOracleFixture(
    oracleGenesis([
      [A, 1],
      [B, 1],
      [C, 3],
    ]),
  );
  f.submit(10n, A, { ETH: "3100" });
  f.submit(10n, B, { ETH: "3200" });
  f.submit(10n, C, { ETH: "3300" });
  const events = f.endBlock(10n);
  const p = f.keeper.getPrice(f.ctxAt(11n), "ETH")!;
  t.is(p.price, decFromString("3300"));
  t.is(p.height, 10n);
  t.is(p.timeSeconds, GENESIS_TIME + 10n);
  t.false(p.stale);
  const update = events.find((e) => e.type === "oracle_price")!;
  t.is(attr(update, "asset"), "ETH");
  t.is(attr(update, "price"), "3300.000000000000000000");
  t.is(attr(update, "voting_weight"), "5");
  // BTC got no votes: unchanged since genesis.
  t.is(f.keeper.getPrice(f.ctxAt(11n), "BTC")!.height, 1n);
});

test("a feeder's later vote in the same window replaces its earlier one", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]]));
  f.submit(5n, A, { ETH: "3100" });
  f.submit(6n, A, { ETH: "2900" });
  f.endBlock(6n);
  t.is(f.keeper.getPrice(f.ctxAt(7n), "ETH")!.price, decFromString("2900"));
});

test("without more than half of the total weight voting the price stays unchanged", (t) => {
  const f = createOracleFixture(
    oracleGenesis([
      [A, 1],
      [B, 1],
      [C, 1],
      [D, 1],
    ]),
  );
  f.submit(10n, A, { ETH: "3100" });
  f.submit(10n, B, { ETH: "3200" });
  // Exactly half (2 of 4) is not a quorum.
  t.deepEqual(
    f.endBlock(10n).filter((e) => e.type === "oracle_price"),
    [],
  );
  const p = f.keeper.getPrice(f.ctxAt(11n), "ETH")!;
  t.is(p.price, decFromString("3000"));
  t.is(p.height, 1n);

  f.submit(11n, C, { ETH: "3300" });
  f.endBlock(11n);
  t.is(f.keeper.getPrice(f.ctxAt(12n), "ETH")!.price, decFromString("3200"));
});

test("votes older than maxVoteAgeBlocks are ignored and dropped", (t) => {
  const f = createOracleFixture(
    oracleGenesis(
      [
        [A, 1],
        [B, 1],
        [C, 1],
      ],
      { max_vote_age_blocks: "3" },
    ),
  );
  f.submit(10n, A, { ETH: "1000" });
  f.submit(10n, B, { ETH: "1000" });
  f.submit(13n, C, { ETH: "5000" });
  f.submit(13n, B, { ETH: "5000" });
  // At 13, A's vote (age 3) still counts: A 1000, B 5000, C 5000.
  f.endBlock(13n);
  t.is(f.keeper.getPrice(f.ctxAt(14n), "ETH")!.price, decFromString("5000"));

  f.submit(14n, C, { ETH: "4000" });
  f.submit(14n, B, { ETH: "4000" });
  f.submit(14n, A, { ETH: "100" });
  f.endBlock(14n);
  t.is(f.keeper.getPrice(f.ctxAt(15n), "ETH")!.price, decFromString("4000"));

  // At 18 every vote is older than 3 blocks: no quorum, the price keeps height 17.
  for (let h = 15n; h <= 18n; h++) f.endBlock(h);
  const p = f.keeper.getPrice(f.ctxAt(19n), "ETH")!;
  t.is(p.height, 17n);
  t.is(p.price, decFromString("4000"));
  // The expired votes are gone: A's lone new vote (1 of 3) is no quorum.
  f.submit(19n, A, { ETH: "1" });
  f.endBlock(19n);
  t.is(f.keeper.getPrice(f.ctxAt(20n), "ETH")!.height, 17n);
});

test("a vote only counts for the assets it names", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]]));
  f.submit(3n, A, { BTC: "61000" });
  f.endBlock(3n);
  t.is(f.keeper.getPrice(f.ctxAt(4n), "BTC")!.price, decFromString("61000"));
  t.is(f.keeper.getPrice(f.ctxAt(4n), "ETH")!.height, 1n);
});

test("a price not refreshed for more than staleAfterSeconds of block time is stale, and requireFreshPrice refuses it", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]], { stale_after_seconds: "20", max_vote_age_blocks: "0" }));
  f.submit(10n, A, { ETH: "3100" });
  f.endBlock(10n);
  t.false(f.keeper.getPrice(f.ctxAt(30n), "ETH")!.stale);
  t.is(f.keeper.requireFreshPrice(f.ctxAt(30n), "ETH").price, decFromString("3100"));

  const stale = f.keeper.getPrice(f.ctxAt(31n), "ETH")!;
  t.true(stale.stale);
  t.is(stale.price, decFromString("3100"));
  const err = t.throws(() => f.keeper.requireFreshPrice(f.ctxAt(31n), "ETH"));
  t.true(oracleErrors.stalePrice.is(err));
  t.regex(err.message, /ETH was last updated 21s ago \(at height 10\); prices older than 20s are stale/);
});

test("the block where a price turns stale emits oracle_price_stale once", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]], { stale_after_seconds: "5" }));
  const staleAt: bigint[] = [];
  for (let h = 2n; h <= 12n; h++) {
    if (f.endBlock(h).some((e) => e.type === "oracle_price_stale" && attr(e, "asset") === "ETH")) staleAt.push(h);
  }
  t.deepEqual(staleAt, [7n]);
});

test("an unknown asset has no price, and requireFreshPrice says so with its own code", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]]));
  t.is(f.keeper.getPrice(f.ctxAt(2n), "DOGE"), undefined);
  t.true(oracleErrors.unknownAsset.is(t.throws(() => f.keeper.requireFreshPrice(f.ctxAt(2n), "DOGE"))));
});

test("the same votes in any submission order give the same state", (t) => {
  const run = (order: string[]) => {
    const f = createOracleFixture(
      oracleGenesis([
        [A, 2],
        [B, 1],
        [C, 1],
      ]),
    );
    const prices: Record<string, string> = { [A]: "3000.1", [B]: "2999.9", [C]: "3000.1" };
    for (const who of order) f.submit(4n, who, { ETH: prices[who]!, BTC: "60000" });
    f.endBlock(4n);
    return f.snapshot();
  };
  t.is(run([A, B, C]), run([C, B, A]));
  t.is(run([B, A, C]), run([C, A, B]));
});
