/**
 * Structural validation of genesis.json. Every problem is reported with the JSON path of
 * the field (`validators[0].pub_key.value: not 32 bytes of base64`) so that an operator
 * can fix the file without reading code. Deeper per-module rules belong to the modules'
 * own genesis validation.
 */
import { parseSequencerGenesis } from "./sequencer.js";
import { ed25519Address } from "../chain/crypto/ed25519.js";
import { toHex } from "../chain/types/bytes.js";
import { isUintString } from "./coins.js";
import { genesisErrors } from "./errors.js";
import { isStrikeError } from "../chain/types/errors.js";
import { validateAuthGenesis } from "../modules/auth/index.js";
import { validateBankGenesis } from "../modules/bank/index.js";
import { parseMarginGenesis } from "../modules/margin/index.js";
import { validateSlashingGenesis } from "../modules/slashing/index.js";
import { validateStakingGenesis } from "../modules/staking/index.js";
import { defaultOracleGenesis, validateOracleGenesis } from "../modules/oracle/index.js";
import { validateCheckpointGenesis } from "../modules/checkpoint/index.js";
import { parseOrderbookGenesis } from "../modules/orderbook/index.js";
import { validateOptionsGenesis } from "../modules/options/index.js";
import { validateReceiptsGenesis } from "../modules/receipts/index.js";
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

/** CometBFT's consensus params are int64s; a block is at most 100 MiB (types.MaxBlockSizeBytes). */
const MAX_INT64 = 2n ** 63n - 1n;
const MAX_BLOCK_SIZE_BYTES = 104_857_600n;

function checkConsensusParams(issues: Issues, cp: Json): void {
  const path = "consensus_params";
  if (!isObject(cp)) return void issues.push(`${path}: must be an object`);
  const block = cp["block"];
  if (!isObject(block)) issues.push(`${path}.block: must be an object`);
  else {
    const mb = block["max_bytes"];
    if (!isIntString(mb) || (BigInt(mb) <= 0n && mb !== "-1"))
      issues.push(`${path}.block.max_bytes: must be a positive integer string or "-1"`);
    else if (BigInt(mb) > MAX_BLOCK_SIZE_BYTES)
      issues.push(`${path}.block.max_bytes: at most ${MAX_BLOCK_SIZE_BYTES} (100 MiB, CometBFT's limit)`);
    const mg = block["max_gas"];
    if (!isIntString(mg) || BigInt(mg) < -1n) issues.push(`${path}.block.max_gas: must be an integer string >= -1`);
    else if (BigInt(mg) > MAX_INT64) issues.push(`${path}.block.max_gas: at most ${MAX_INT64} (int64)`);
  }
  const ev = cp["evidence"];
  if (!isObject(ev)) issues.push(`${path}.evidence: must be an object`);
  else {
    for (const k of ["max_age_num_blocks", "max_age_duration", "max_bytes"]) {
      if (!isUintString(ev[k])) issues.push(`${path}.evidence.${k}: must be a non-negative integer string`);
      else if (BigInt(ev[k]) > MAX_INT64) issues.push(`${path}.evidence.${k}: at most ${MAX_INT64} (int64)`);
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

/** What is wrong with a genesis time, or undefined when it is an RFC3339 time of a real date. */
export function genesisTimeIssue(gt: unknown): string | undefined {
  if (typeof gt === "string" && RFC3339.test(gt) && !Number.isNaN(Date.parse(gt))) return undefined;
  return `genesis_time: must be an RFC3339 time like 2025-01-01T00:00:00Z, got ${JSON.stringify(gt)}`;
}

/** Every problem in `doc`, each prefixed with the path of the field; empty when valid. */
export function genesisIssues(doc: unknown): string[] {
  const issues: Issues = [];
  if (!isObject(doc)) return ["genesis: must be a JSON object"];
  const timeIssue = genesisTimeIssue(doc["genesis_time"]);
  if (timeIssue !== undefined) issues.push(timeIssue);
  const cid = doc["chain_id"];
  if (typeof cid !== "string" || cid.length > MAX_CHAIN_ID_LEN || !CHAIN_ID.test(cid)) {
    issues.push(
      `chain_id: must be 1-${MAX_CHAIN_ID_LEN} characters of letters, digits, '.', '_' or '-', got ${JSON.stringify(cid)}`,
    );
  }
  const ih = doc["initial_height"];
  if (!isUintString(ih))
    issues.push(`initial_height: must be a non-negative integer string, got ${JSON.stringify(ih)}`);
  // The state store numbers its versions (heights) with JavaScript numbers.
  else if (BigInt(ih) > BigInt(Number.MAX_SAFE_INTEGER))
    issues.push(`initial_height: must be at most ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(ih)}`);
  checkConsensusParams(issues, doc["consensus_params"]);
  checkValidators(issues, doc["validators"]);
  const ah = doc["app_hash"];
  if (typeof ah !== "string" || !/^([0-9A-Fa-f]{2})*$/.test(ah))
    issues.push("app_hash: must be a hex string (may be empty)");
  const appState = doc["app_state"];
  if (!isObject(appState)) issues.push("app_state: must be an object");
  else {
    checkModule(issues, () => validateAuthGenesis(appState["auth"]));
    checkModule(issues, () => validateBankGenesis(appState["bank"]));
    if (appState["staking"] !== undefined) checkModule(issues, () => validateStakingGenesis(appState["staking"]));
    if (appState["slashing"] !== undefined) checkModule(issues, () => validateSlashingGenesis(appState["slashing"]));
    const oracle = checkModule(issues, () => validateOracleGenesis(appState["oracle"] ?? defaultOracleGenesis()));
    checkModule(issues, () => parseOrderbookGenesis(appState["orderbook"]));
    const margin = checkModule(issues, () => parseMarginGenesis(appState["margin"]));
    checkModule(issues, () => validateOptionsGenesis(appState["options"]));
    // Only between two valid sections: a broken one is already reported, once.
    if (oracle !== undefined && margin !== undefined)
      checkModule(issues, () => checkSettlementWindow(oracle.params.historyBlocks, margin.settlementTwapBlocks));
    checkModule(issues, () => parseSequencerGenesis(appState["sequencer"]));
    if (appState["receipts"] !== undefined) checkModule(issues, () => validateReceiptsGenesis(appState["receipts"]));
    if (appState["checkpoint"] !== undefined)
      checkModule(issues, () => validateCheckpointGenesis(appState["checkpoint"]));
  }
  return issues;
}

/** Option settlement averages oracle history: the window must fit in what the oracle keeps. */
function checkSettlementWindow(kept: bigint, window: bigint): void {
  if (window > kept)
    throw genesisErrors.invalidGenesis(
      `app_state.margin.params.settlement_twap_blocks (${window}) exceeds app_state.oracle.params.history_blocks (${kept})`,
    );
}

/** A trading module's own genesis parser is its validation: its coded error becomes an issue. Returns what it parsed, if valid. */
function checkModule<T>(issues: Issues, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (e) {
    if (!isStrikeError(e)) throw e;
    issues.push(e.message);
    return undefined;
  }
}

/** Throws a StrikeError naming the first bad field (all of them in `details.issues`). */
export function validateGenesis(doc: unknown): asserts doc is GenesisDoc {
  const issues = genesisIssues(doc);
  if (issues.length > 0) {
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    throw genesisErrors.invalidGenesis(`${issues[0]}${more}`, { issues });
  }
}
