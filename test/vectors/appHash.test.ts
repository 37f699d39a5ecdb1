import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runBankScenario, type ScenarioOutcome } from "./bankScenario.js";

const pinned = JSON.parse(readFileSync(join(import.meta.dirname, "app-hash.json"), "utf8")) as ScenarioOutcome;

test("the fixed bank scenario gives the pinned app hash, codes and gas at every height", async (t) => {
  const outcome = await runBankScenario();
  t.is(outcome.genesisAppHash, pinned.genesisAppHash, "genesis app hash");
  t.deepEqual(outcome.blocks, pinned.blocks);
});
