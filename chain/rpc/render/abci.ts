/** JSON of ABCI results as CometBFT 0.38 prints them (proto field names, int64 as strings, bytes as base64). */
import type {
  AbciEvent,
  FinalizeBlockResponse,
  InfoResponse,
  QueryResponse,
  TxResult,
  ValidatorUpdate,
} from "../../types/abci.js";
import { toBase64 } from "../../types/bytes.js";
import { base64OrNull, int64 } from "./encoding.js";

export function eventJson(e: AbciEvent) {
  return { type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })) };
}

/** ExecTxResult and ResponseCheckTx share these fields. */
export function txResultJson(r: TxResult) {
  return {
    code: r.code,
    data: base64OrNull(r.data),
    log: r.log,
    info: r.info,
    gas_wanted: int64(r.gasWanted),
    gas_used: int64(r.gasUsed),
    events: r.events.map(eventJson),
    codespace: r.codespace,
  };
}

export const EMPTY_TX_RESULT: TxResult = {
  code: 0,
  codespace: "",
  log: "",
  info: "",
  data: new Uint8Array(),
  gasWanted: 0n,
  gasUsed: 0n,
  events: [],
};

/** abci.ValidatorUpdate, whose public key is a proto oneof that cmtjson prints as `Sum`. */
export function validatorUpdateJson(u: ValidatorUpdate) {
  return {
    pub_key: { Sum: { type: "tendermint.crypto.PublicKey_Ed25519", value: { ed25519: toBase64(u.pubKey) } } },
    power: int64(u.power),
  };
}

export function blockResultsJson(height: bigint, r: FinalizeBlockResponse) {
  return {
    height: int64(height),
    txs_results: r.txResults.length === 0 ? null : r.txResults.map(txResultJson),
    finalize_block_events: r.events.map(eventJson),
    validator_updates: r.validatorUpdates.map(validatorUpdateJson),
    consensus_param_updates: null,
    app_hash: toBase64(r.appHash),
  };
}

export function finalizeBlockJson(r: FinalizeBlockResponse) {
  return {
    events: r.events.map(eventJson),
    tx_results: r.txResults.map(txResultJson),
    validator_updates: r.validatorUpdates.map(validatorUpdateJson),
    consensus_param_updates: null,
    app_hash: toBase64(r.appHash),
  };
}

export function abciInfoJson(r: InfoResponse) {
  return {
    data: r.data,
    version: r.version,
    app_version: int64(r.appVersion),
    last_block_height: int64(r.lastBlockHeight),
    last_block_app_hash: toBase64(r.lastBlockAppHash),
  };
}

export function abciQueryJson(r: QueryResponse) {
  return {
    code: r.code,
    log: r.log,
    info: r.info,
    index: int64(r.index),
    key: base64OrNull(r.key),
    value: base64OrNull(r.value),
    proofOps:
      r.proofOps.length === 0
        ? null
        : { ops: r.proofOps.map((op) => ({ type: op.type, key: toBase64(op.key), data: toBase64(op.data) })) },
    height: int64(r.height),
    codespace: r.codespace,
  };
}
