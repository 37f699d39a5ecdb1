import test from "ava";
import { DEC_SCALE, decFromString, type Dec } from "../../../../chain/types/fixed/index.js";
import { oracleErrors } from "../../../../modules/oracle/index.js";
import { createOracleFixture, feederAddress, oracleGenesis, type OracleFixture } from "./fixture.js";

const A = feederAddress(1);

/** Feeds `prices[h]` at each height h (undefined: no vote) and runs end block, from height 2. */
function feed(f: OracleFixture, prices: (string | undefined)[]): void {
  prices.forEach((p, i) => {
    const h = BigInt(i + 2);
    if (p !== undefined) f.submit(h, A, { ETH: p });
    f.endBlock(h);
  });
}

test("the TWAP weighs each block's price equally over the window, this block included", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]], { max_vote_age_blocks: "0" }));
  // Heights 1..5: 3000 (genesis), 3000, 3100, 3100, 3400.
  feed(f, ["3000", "3100", "3100", "3400"]);
  const ctx = f.ctxAt(5n);
  t.is(f.keeper.twap(ctx, "ETH", 1n), decFromString("3400"));
  t.is(f.keeper.twap(ctx, "ETH", 2n), decFromString("3250"));
  t.is(f.keeper.twap(ctx, "ETH", 4n), decFromString("3150"));
  t.is(f.keeper.twap(ctx, "ETH", 5n), decFromString("3120"));
  // A window reaching before genesis averages the blocks that have a price.
  t.is(f.keeper.twap(ctx, "ETH", 50n), decFromString("3120"));
});

test("a price held for several blocks counts once per block", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]], { max_vote_age_blocks: "0" }));
  // 3000 at 1..3, 4000 from 4 on (votes at 2 and 3 are 3000: no change).
  feed(f, ["3000", "3000", "4000"]);
  for (let h = 5n; h <= 6n; h++) f.endBlock(h);
  // Blocks 3..6: 3000, 4000, 4000, 4000.
  t.is(f.keeper.twap(f.ctxAt(6n), "ETH", 4n), decFromString("3750"));
});

test("the TWAP rounds half-even to 18 places", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]], { max_vote_age_blocks: "0" }, [["ETH", "1"]]));
  feed(f, ["1", "2"]);
  // (1 + 1 + 2) / 3 = 1.333…
  const expected: Dec = (4n * DEC_SCALE) / 3n;
  t.is(f.keeper.twap(f.ctxAt(3n), "ETH", 3n), expected);
});

test("the TWAP window must lie within the kept history, and the asset must exist", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]], { history_blocks: "10" }));
  t.true(oracleErrors.invalidWindow.is(t.throws(() => f.keeper.twap(f.ctxAt(5n), "ETH", 0n))));
  t.true(oracleErrors.invalidWindow.is(t.throws(() => f.keeper.twap(f.ctxAt(5n), "ETH", 11n))));
  t.true(oracleErrors.unknownAsset.is(t.throws(() => f.keeper.twap(f.ctxAt(5n), "DOGE", 5n))));
});

test("history older than historyBlocks is pruned, keeping the entry still in effect", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]], { history_blocks: "10", max_vote_age_blocks: "0" }));
  // A new price every block from 2 to 40.
  feed(
    f,
    Array.from({ length: 39 }, (_, i) => String(1000 + i)),
  );
  const entries = f
    .snapshot()
    .split("\n")
    .filter((l) => l.startsWith("6f7261636c652f04")); // "oracle/" | HISTORY_PREFIX
  // ETH: 31..40 are within 10 blocks of 40, and 30 is kept as the one in effect at the cut;
  // BTC never changed, so its genesis entry is the one in effect.
  t.is(entries.length, 12);
  // The longest allowed window still sees every block: 31..40 are 1029..1038.
  t.is(f.keeper.twap(f.ctxAt(40n), "ETH", 10n), decFromString("1033.5"));
});

test("unchanged prices add no history entries", (t) => {
  const f = createOracleFixture(oracleGenesis([[A, 1]], { max_vote_age_blocks: "0" }));
  feed(f, ["3000", "3000", "3000"]);
  const entries = f
    .snapshot()
    .split("\n")
    .filter((l) => l.startsWith("6f7261636c652f04"));
  // BTC and ETH at genesis only.
  t.is(entries.length, 2);
});
