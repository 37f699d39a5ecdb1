/**
 * Rewrites the golden vectors from the current code. Run it only for an intended
 * consensus change (`npx tsx test/vectors/generate.ts`) and say so in the commit.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runBankScenario } from "./bankScenario.js";

const out = await runBankScenario();
writeFileSync(join(import.meta.dirname, "app-hash.json"), JSON.stringify(out, null, 2) + "\n");
console.log("wrote test/vectors/app-hash.json");
