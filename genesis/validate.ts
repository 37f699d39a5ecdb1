/**
 * Structural validation of genesis.json. Every problem is reported with the JSON path of
 * the field (`validators[0].pub_key.value: not 32 bytes of base64`) so that an operator
 * can fix the file without reading code. Deeper per-module rules belong to the modules'
 * own genesis validation.
 */
import { parseSequencerGenesis } from "./sequencer.js";
import { ed25519Address } from "../chain/crypto/ed25519.js";
import { toHex } from "../chain/types/bytes.js";
import { checkBech32Address } from "./address.js";
import { BASE_ACCOUNT_TYPE_URL, BECH32_PREFIX } from "./constants.js";
import { isUintString, isValidDenom } from "./coins.js";
import { genesisErrors } from "./errors.js";
import { isStrikeError } from "../chain/types/errors.js";
import { parseMarginGenesis } from "../modules/margin/index.js";
import { defaultOracleGenesis, validateOracleGenesis } from "../modules/oracle/index.js";
import { validateCheckpointGenesis } from "../modules/checkpoint/index.js";
import { parseOrderbookGenesis } from "../modules/orderbook/index.js";
import type { GenesisDoc } from "./types.js";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const CHAIN_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,49}$/;
const MAX_CHAIN_ID_LEN = 50;

type Json = unknown;
type Issues = string[];

function isObject(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function isIntString(s: Json): s is string {
  return typeof s === "string" && /^-?(0|[1-9]\d*)$/.test(s);
}

function decodeBase64Strict(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(s, "base64"));
}

function checkCoins(issues: Issues, path: string, coins: Json): void {
  if (!Array.isArray(coins)) return void issues.push(`${path}: must be an array`);
  let prev = "";
  coins.forEach((c: Json, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(c)) return void issues.push(`${p}: must be {denom, amount}`);
    if (typeof c["denom"] !== "string" || !isValidDenom(c["denom"]))
      issues.push(`${p}.denom: invalid denom ${JSON.stringify(c["denom"])}`);
    else if (c["denom"] <= prev) issues.push(`${p}.denom: coins must be sorted by denom without duplicates`);
    else prev = c["denom"];
    if (!isUintString(c["amount"]) || c["amount"] === "0")
      issues.push(`${p}.amount: must be a positive integer string`);
  });
}

function checkConsensusParams(issues: Issues, cp: Json): void {
  const path = "consensus_params";
  if (!isObject(cp)) return void issues.push(`${path}: must be an object`);
  const block = cp["block"];
  if (!isObject(block)) issues.push(`${path}.block: must be an object`);
  else {
    const mb = block["max_bytes"];
    if (!isIntString(mb) || (BigInt(mb) <= 0n && mb !== "-1"))
      issues.push(`${path}.block.max_bytes: must be a positive integer string or "-1"`);
    const mg = block["max_gas"];
    if (!isIntString(mg) || BigInt(mg) < -1n) issues.push(`${path}.block.max_gas: must be an integer string >= -1`);
  }
  const ev = cp["evidence"];
  if (!isObject(ev)) issues.push(`${path}.evidence: must be an object`);
  else {
    for (const k of ["max_age_num_blocks", "max_age_duration", "max_bytes"]) {
      if (!isUintString(ev[k])) issues.push(`${path}.evidence.${k}: must be a non-negative integer string`);
    }
  }
  const val = cp["validator"];
  const types = isObject(val) ? val["pub_key_types"] : undefined;
  if (!Array.isArray(types) || types.length === 0)
    issues.push(`${path}.validator.pub_key_types: must be a non-empty array`);
  else if (!types.includes("ed25519")) issues.push(`${path}.validator.pub_key_types: must include "ed25519"`);
  const version = cp["version"];
  if (!isObject(version) || !isUintString(version["app"]))
    issues.push(`${path}.version.app: must be a non-negative integer string`);
  const abci = cp["abci"];
  if (abci !== undefined && (!isObject(abci) || !isUintString(abci["vote_extensions_enable_height"]))) {
    issues.push(`${path}.abci.vote_extensions_enable_height: must be a non-negative integer string`);
  }
}

function checkValidators(issues: Issues, validators: Json): void {
  if (!Array.isArray(validators)) return void issues.push("validators: must be an array");
  if (validators.length === 0) issues.push("validators: at least one validator is required");
  const seen = new Set<string>();
  validators.forEach((v: Json, i) => {
    const p = `validators[${i}]`;
    if (!isObject(v)) return void issues.push(`${p}: must be an object`);
    const pk = v["pub_key"];
    let pub: Uint8Array | undefined;
    if (!isObject(pk)) issues.push(`${p}.pub_key: must be {type, value}`);
    else {
      if (pk["type"] !== "tendermint/PubKeyEd25519")
        issues.push(`${p}.pub_key.type: must be "tendermint/PubKeyEd25519"`);
      pub = typeof pk["value"] === "string" ? decodeBase64Strict(pk["value"]) : undefined;
      if (pub?.length !== 32) {
        issues.push(`${p}.pub_key.value: not 32 bytes of base64`);
        pub = undefined;
      }
    }
    const addr = v["address"];
    if (typeof addr !== "string" || !/^[0-9A-Fa-f]{40}$/.test(addr))
      issues.push(`${p}.address: must be 40 hex characters`);
    else if (pub !== undefined && addr.toUpperCase() !== toHex(ed25519Address(pub)).toUpperCase()) {
      issues.push(`${p}.address: does not match pub_key (expected ${toHex(ed25519Address(pub)).toUpperCase()})`);
    } else if (seen.has(addr.toUpperCase())) issues.push(`${p}.address: duplicate validator`);
    else seen.add(addr.toUpperCase());
    if (!isUintString(v["power"]) || v["power"] === "0") issues.push(`${p}.power: must be a positive integer string`);
    if (typeof v["name"] !== "string") issues.push(`${p}.name: must be a string`);
  });
}

function checkAuth(issues: Issues, auth: Json, prefix: string): void {
  const path = "app_state.auth";
  if (!isObject(auth)) return void issues.push(`${path}: must be an object`);
  const params = auth["params"];
  if (!isObject(params)) issues.push(`${path}.params: must be an object`);
  else {
    for (const k of [
      "max_memo_characters",
      "tx_sig_limit",
      "tx_size_cost_per_byte",
      "sig_verify_cost_ed25519",
      "sig_verify_cost_secp256k1",
    ]) {
      if (!isUintString(params[k])) issues.push(`${path}.params.${k}: must be a non-negative integer string`);
    }
  }
  const accounts = auth["accounts"];
  if (!Array.isArray(accounts)) return void issues.push(`${path}.accounts: must be an array`);
  const seenAddr = new Set<string>();
  accounts.forEach((a: Json, i) => {
    const p = `${path}.accounts[${i}]`;
    if (!isObject(a)) return void issues.push(`${p}: must be an object`);
    if (a["@type"] !== BASE_ACCOUNT_TYPE_URL) issues.push(`${p}.@type: must be "${BASE_ACCOUNT_TYPE_URL}"`);
    const bad = checkBech32Address(a["address"], prefix);
    if (bad !== undefined) issues.push(`${p}.address: ${bad}`);
    else if (seenAddr.has(a["address"] as string)) issues.push(`${p}.address: duplicate account`);
    else seenAddr.add(a["address"] as string);
    const pk = a["pub_key"];
    if (
      pk !== null &&
      pk !== undefined &&
      (!isObject(pk) || typeof pk["@type"] !== "string" || typeof pk["key"] !== "string")
    ) {
      issues.push(`${p}.pub_key: must be null or {"@type", key}`);
    }
    // Numbers may all be "0": InitGenesis assigns them, as the SDK's add-genesis-account leaves them.
    if (!isUintString(a["account_number"])) issues.push(`${p}.account_number: must be a non-negative integer string`);
    if (!isUintString(a["sequence"])) issues.push(`${p}.sequence: must be a non-negative integer string`);
  });
}

function checkSendEnabled(issues: Issues, path: string, list: Json): void {
  if (!Array.isArray(list)) return void issues.push(`${path}: must be an array`);
  list.forEach((e: Json, i) => {
    if (!isObject(e) || typeof e["denom"] !== "string" || typeof e["enabled"] !== "boolean")
      issues.push(`${path}[${i}]: must be {denom, enabled}`);
  });
}

function checkBank(issues: Issues, bank: Json, prefix: string): void {
  const path = "app_state.bank";
  if (!isObject(bank)) return void issues.push(`${path}: must be an object`);
  const params = bank["params"];
  if (!isObject(params)) issues.push(`${path}.params: must be an object`);
  else {
    checkSendEnabled(issues, `${path}.params.send_enabled`, params["send_enabled"]);
    if (typeof params["default_send_enabled"] !== "boolean")
      issues.push(`${path}.params.default_send_enabled: must be true or false`);
  }
  const balances = bank["balances"];
  const totals = new Map<string, bigint>();
  if (!Array.isArray(balances)) issues.push(`${path}.balances: must be an array`);
  else {
    const seen = new Set<string>();
    balances.forEach((b: Json, i) => {
      const p = `${path}.balances[${i}]`;
      if (!isObject(b)) return void issues.push(`${p}: must be {address, coins}`);
      const bad = checkBech32Address(b["address"], prefix);
      if (bad !== undefined) issues.push(`${p}.address: ${bad}`);
      else if (seen.has(b["address"] as string)) issues.push(`${p}.address: duplicate balance entry`);
      else seen.add(b["address"] as string);
      const before = issues.length;
      checkCoins(issues, `${p}.coins`, b["coins"]);
      if (issues.length === before) {
        for (const c of b["coins"] as { denom: string; amount: string }[])
          totals.set(c.denom, (totals.get(c.denom) ?? 0n) + BigInt(c.amount));
      }
    });
  }
  const supply = bank["supply"];
  const before = issues.length;
  checkCoins(issues, `${path}.supply`, supply);
  // An empty supply means "compute it from the balances", as the SDK does.
  if (issues.length === before && Array.isArray(supply) && supply.length > 0) {
    const declared = new Map((supply as { denom: string; amount: string }[]).map((c) => [c.denom, BigInt(c.amount)]));
    for (const denom of new Set([...declared.keys(), ...totals.keys()])) {
      if ((declared.get(denom) ?? 0n) !== (totals.get(denom) ?? 0n)) {
        issues.push(
          `${path}.supply: ${denom} supply ${declared.get(denom) ?? 0n} does not equal the sum of balances ${totals.get(denom) ?? 0n}`,
        );
      }
    }
  }
  const md = bank["denom_metadata"];
  if (!Array.isArray(md)) issues.push(`${path}.denom_metadata: must be an array`);
  else {
    md.forEach((m: Json, i) => {
      const p = `${path}.denom_metadata[${i}]`;
      if (!isObject(m)) return void issues.push(`${p}: must be an object`);
      if (typeof m["base"] !== "string" || !isValidDenom(m["base"])) issues.push(`${p}.base: invalid denom`);
      const units = m["denom_units"];
      if (!Array.isArray(units) || units.length === 0)
        return void issues.push(`${p}.denom_units: must be a non-empty array`);
      const first = units[0] as Json;
      if (!isObject(first) || first["denom"] !== m["base"] || first["exponent"] !== 0)
        issues.push(`${p}.denom_units[0]: must be the base denom with exponent 0`);
      if (typeof m["display"] !== "string" || !units.some((u: Json) => isObject(u) && u["denom"] === m["display"])) {
        issues.push(`${p}.display: must name one of denom_units`);
      }
    });
  }
  checkSendEnabled(issues, `${path}.send_enabled`, bank["send_enabled"]);
}

/** Every problem in `doc`, each prefixed with the path of the field; empty when valid. */
export function genesisIssues(doc: unknown, options: { prefix?: string } = {}): string[] {
  const prefix = options.prefix ?? BECH32_PREFIX;
  const issues: Issues = [];
  if (!isObject(doc)) return ["genesis: must be a JSON object"];
  const gt = doc["genesis_time"];
  if (typeof gt !== "string" || !RFC3339.test(gt) || Number.isNaN(Date.parse(gt)))
    issues.push(`genesis_time: must be an RFC3339 time like 2025-01-01T00:00:00Z, got ${JSON.stringify(gt)}`);
  const cid = doc["chain_id"];
  if (typeof cid !== "string" || cid.length > MAX_CHAIN_ID_LEN || !CHAIN_ID.test(cid)) {
    issues.push(
      `chain_id: must be 1-${MAX_CHAIN_ID_LEN} characters of letters, digits, '.', '_' or '-', got ${JSON.stringify(cid)}`,
    );
  }
  const ih = doc["initial_height"];
  if (!isUintString(ih))
    issues.push(`initial_height: must be a non-negative integer string, got ${JSON.stringify(ih)}`);
  checkConsensusParams(issues, doc["consensus_params"]);
  checkValidators(issues, doc["validators"]);
  const ah = doc["app_hash"];
  if (typeof ah !== "string" || !/^([0-9A-Fa-f]{2})*$/.test(ah))
    issues.push("app_hash: must be a hex string (may be empty)");
  const appState = doc["app_state"];
  if (!isObject(appState)) issues.push("app_state: must be an object");
  else {
    checkAuth(issues, appState["auth"], prefix);
    checkBank(issues, appState["bank"], prefix);
    checkModule(issues, () => validateOracleGenesis(appState["oracle"] ?? defaultOracleGenesis()));
    checkModule(issues, () => parseOrderbookGenesis(appState["orderbook"]));
    checkModule(issues, () => parseMarginGenesis(appState["margin"]));
    checkModule(issues, () => checkSettlementWindow(appState["oracle"], appState["margin"]));
    checkModule(issues, () => parseSequencerGenesis(appState["sequencer"]));
    if (appState["checkpoint"] !== undefined)
      checkModule(issues, () => validateCheckpointGenesis(appState["checkpoint"]));
  }
  return issues;
}

/** Option settlement averages oracle history: the window must fit in what the oracle keeps. */
function checkSettlementWindow(oracle: unknown, margin: unknown): void {
  const window = parseMarginGenesis(margin).settlementTwapBlocks;
  const kept = validateOracleGenesis(oracle ?? defaultOracleGenesis()).params.historyBlocks;
  if (window > kept)
    throw genesisErrors.invalidGenesis(
      `app_state.margin.params.settlement_twap_blocks (${window}) exceeds app_state.oracle.params.history_blocks (${kept})`,
    );
}

/** A trading module's own genesis parser is its validation: its coded error becomes an issue. */
function checkModule(issues: Issues, parse: () => unknown): void {
  try {
    parse();
  } catch (e) {
    if (!isStrikeError(e)) throw e;
    issues.push(e.message);
  }
}

/** Throws a StrikeError naming the first bad field (all of them in `details.issues`). */
export function validateGenesis(doc: unknown, options: { prefix?: string } = {}): asserts doc is GenesisDoc {
  const issues = genesisIssues(doc, options);
  if (issues.length > 0) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw genesisErrors.invalidGenesis(`${issues[0]}${more}`, { issues });
  }
}
