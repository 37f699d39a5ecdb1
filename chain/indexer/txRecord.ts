/**
 * Encoding of one indexed tx. The index is node-local (rebuilt by replaying blocks), so
 * the format only has to round-trip: the fixed fields are binary, the result is JSON.
 */
import { sha256 } from "../crypto/hash.js";
import type { AbciEvent, TxResult } from "../types/abci.js";
import { concatBytes, fromBase64, fromUtf8, readU64be, toBase64, utf8 } from "../types/bytes.js";
import { indexerErrors } from "./errors.js";
import type { IndexedTx } from "./types.js";

interface ResultJson {
  code: number;
  codespace: string;
  log: string;
  info: string;
  data: string;
  gasWanted: string;
  gasUsed: string;
  events: AbciEvent[];
}

export function encodeTxRecord(height: bigint, index: number, tx: Uint8Array, result: TxResult): Uint8Array {
  const head = new Uint8Array(16);
  const view = new DataView(head.buffer);
  view.setBigUint64(0, height);
  view.setUint32(8, index);
  view.setUint32(12, tx.length);
  const json: ResultJson = {
    code: result.code,
    codespace: result.codespace,
    log: result.log,
    info: result.info,
    data: toBase64(result.data),
    gasWanted: result.gasWanted.toString(),
    gasUsed: result.gasUsed.toString(),
    events: result.events,
  };
  return concatBytes(head, tx, utf8(JSON.stringify(json)));
}

export function decodeTxRecord(bytes: Uint8Array): IndexedTx {
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const height = readU64be(bytes, 0);
    const index = view.getUint32(8);
    const txLength = view.getUint32(12);
    const tx = bytes.slice(16, 16 + txLength);
    const json = JSON.parse(fromUtf8(bytes.subarray(16 + txLength))) as ResultJson;
    const result: TxResult = {
      code: json.code,
      codespace: json.codespace,
      log: json.log,
      info: json.info,
      data: fromBase64(json.data),
      gasWanted: BigInt(json.gasWanted),
      gasUsed: BigInt(json.gasUsed),
      events: json.events,
    };
    return { hash: sha256(tx), height, index, tx, result };
  } catch (e) {
    throw indexerErrors.corruptRecord(e instanceof Error ? e.message : undefined);
  }
}
