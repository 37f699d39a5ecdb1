/**
 * options genesis (`app_state.options`): the module stores nothing (see keys.ts), so the
 * section is optional and, when present, must be an empty object. A key there would be a
 * setting the chain silently ignores: it is refused, naming the file's key.
 */
import { z } from "zod";
import { parseGenesisSection } from "../../chain/runtime/genesisFields.js";
import { optionsErrors } from "./errors.js";

const ROOT = "app_state.options";
const schema = z.strictObject({}).optional();

/** Checks `app_state.options`; throws `options/100` naming the first unknown key. */
export function validateOptionsGenesis(raw: unknown): void {
  parseGenesisSection(schema, raw, ROOT, optionsErrors.invalidGenesis);
}

export function defaultOptionsGenesis(): Record<string, never> {
  return {};
}
