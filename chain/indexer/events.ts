/**
 * Composite event maps (`event_type.attr_key` → values) as CometBFT builds them for
 * `subscribe` queries and for the `events` field of websocket messages.
 */
import { txHash } from "../crypto/txHash.js";
import type { AbciEvent } from "../types/abci.js";
import { toHex } from "../types/bytes.js";
import type { EventData } from "./types.js";

export const EVENT_TYPE_KEY = "tm.event";
export const TX_HASH_KEY = "tx.hash";
export const TX_HEIGHT_KEY = "tx.height";

/** CometBFT writes tx hashes in events and JSON as uppercase hex. */
export function txHashHex(tx: Uint8Array): string {
  return toHex(txHash(tx)).toUpperCase();
}

export function addAbciEvents(map: Map<string, string[]>, events: readonly AbciEvent[], onlyIndexed = false): void {
  for (const event of events) {
    if (event.type === "") continue;
    for (const attr of event.attributes) {
      if (attr.key === "" || (onlyIndexed && !attr.index)) continue;
      const key = `${event.type}.${attr.key}`;
      const values = map.get(key);
      if (values === undefined) map.set(key, [attr.value]);
      else values.push(attr.value);
    }
  }
}

/** The composite keys a subscriber's query is matched against for one published event. */
export function eventMapOf(data: EventData): Map<string, string[]> {
  const map = new Map<string, string[]>([[EVENT_TYPE_KEY, [data.type]]]);
  switch (data.type) {
    case "NewBlock":
      addAbciEvents(map, data.resultFinalizeBlock.events);
      break;
    case "NewBlockEvents":
      addAbciEvents(map, data.events);
      break;
    case "NewBlockHeader":
      break;
    case "Tx":
      map.set(TX_HASH_KEY, [toHex(data.tx.hash).toUpperCase()]);
      map.set(TX_HEIGHT_KEY, [data.tx.height.toString()]);
      addAbciEvents(map, data.tx.result.events);
      break;
    case "Receipt":
    case "TxStatus":
      for (const [key, values] of data.attributes) map.set(key, [...values]);
      break;
  }
  return map;
}
