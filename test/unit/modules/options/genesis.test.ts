import test from "ava";
import { defaultOptionsGenesis, optionsErrors, validateOptionsGenesis } from "../../../../modules/options/index.js";

test("the options genesis section is optional and may be empty", (t) => {
  t.notThrows(() => validateOptionsGenesis(undefined));
  t.notThrows(() => validateOptionsGenesis(defaultOptionsGenesis()));
});

test("a key in the options genesis section is refused, naming it: options stores nothing it could set", (t) => {
  const e = t.throws(() => validateOptionsGenesis({ settlement_twap_blocks: "10" }));
  t.true(optionsErrors.invalidGenesis.is(e));
  t.regex(e.message, /app_state\.options/);
  t.regex(e.message, /settlement_twap_blocks/);
});

test("an options genesis section that is not an object is refused", (t) => {
  for (const bad of [[], "x", 3, null]) {
    const e = t.throws(() => validateOptionsGenesis(bad));
    t.true(optionsErrors.invalidGenesis.is(e), JSON.stringify(bad));
  }
});
