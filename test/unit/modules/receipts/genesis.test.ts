import test from "ava";
import { decFromString } from "../../../../chain/types/fixed/index.js";
import {
  defaultReceiptsGenesis,
  defaultReceiptsParams,
  receiptsErrors,
  validateReceiptsGenesis,
} from "../../../../modules/receipts/index.js";

test("the default receipts genesis parses back to the default params", (t) => {
  t.deepEqual(validateReceiptsGenesis(defaultReceiptsGenesis()).params, defaultReceiptsParams());
  t.deepEqual(validateReceiptsGenesis({}).params, defaultReceiptsParams());
});

test("receipts genesis params are checked field by field with a clear error", (t) => {
  const bad: [Record<string, unknown>, string][] = [
    [{ window: "0" }, "window"],
    [{ window: "100001" }, "window"],
    [{ window: 5 }, "window"],
    [{ slash_fraction: "1.5" }, "slash_fraction"],
    [{ slash_fraction: "-0.1" }, "slash_fraction"],
    [{ reporter_share: "half" }, "reporter_share"],
    [{ jail: "yes" }, "jail"],
    [{ tombstone: 1 }, "tombstone"],
    [{ jail_duration_seconds: "-1" }, "jail_duration_seconds"],
    [{ reveal_delay: "0" }, "reveal_delay"],
    [{ commit_ttl: "0" }, "commit_ttl"],
    [{ commit_ttl: "100001" }, "commit_ttl"],
    [{ reveal_delay: "5", commit_ttl: "4" }, "commit_ttl"],
    [{ claim_window: "-1" }, "claim_window"],
    [{ claim_window: "100001" }, "claim_window"],
  ];
  for (const [params, field] of bad) {
    const e = t.throws(() => validateReceiptsGenesis({ params }));
    t.true(receiptsErrors.invalidGenesis.is(e), field);
    t.regex(e.message, new RegExp(`app_state\\.receipts\\.params\\.${field}`));
  }
  const ok = validateReceiptsGenesis({
    params: { window: "10", slash_fraction: "0.2", reporter_share: "0.5", tombstone: false },
  });
  t.is(ok.params.window, 10n);
  t.is(ok.params.slashFraction, decFromString("0.2"));
  t.is(ok.params.reporterShare, decFromString("0.5"));
  t.false(ok.params.tombstone);
});

test("an unknown receipts genesis key is refused, naming the key and what is allowed", (t) => {
  const e = t.throws(() => validateReceiptsGenesis({ params: { windw: "500" } }))!;
  t.regex(e.message, /^app_state\.receipts\.params\.windw: unknown key; allowed here: window, slash_fraction, jail/);
});

test("commit–reveal params default to a 1-block reveal delay, a 100-block commitment life and a 32-block claim window", (t) => {
  const d = defaultReceiptsParams();
  t.is(d.revealDelay, 1n);
  t.is(d.commitTtl, 100n);
  t.is(d.claimWindow, 32n);
  const ok = validateReceiptsGenesis({ params: { reveal_delay: "2", commit_ttl: "2", claim_window: "0" } });
  t.is(ok.params.revealDelay, 2n);
  t.is(ok.params.commitTtl, 2n);
  t.is(ok.params.claimWindow, 0n);
});
