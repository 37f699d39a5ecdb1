/** Websocket event payloads: `{ query, data: { type: "tendermint/event/…", value }, events }` as CometBFT sends them. */
import type { EventData, EventMessage } from "../../indexer/types.js";
import { toBase64 } from "../../types/bytes.js";
import { eventJson, finalizeBlockJson, txResultJson } from "./abci.js";
import { blockIdJson, blockJson, headerJson } from "./block.js";
import { int64 } from "./encoding.js";

export function eventDataJson(data: EventData) {
  switch (data.type) {
    case "NewBlock":
      return {
        type: "tendermint/event/NewBlock",
        value: {
          block: blockJson(data.block),
          block_id: blockIdJson(data.blockId),
          result_finalize_block: finalizeBlockJson(data.resultFinalizeBlock),
        },
      };
    case "NewBlockHeader":
      return { type: "tendermint/event/NewBlockHeader", value: { header: headerJson(data.header) } };
    case "NewBlockEvents":
      return {
        type: "tendermint/event/NewBlockEvents",
        value: { height: int64(data.height), events: data.events.map(eventJson), num_txs: int64(data.numTxs) },
      };
    case "Tx":
      return {
        type: "tendermint/event/Tx",
        value: {
          TxResult: {
            height: int64(data.tx.height),
            index: data.tx.index,
            tx: toBase64(data.tx.tx),
            result: txResultJson(data.tx.result),
          },
        },
      };
    case "Receipt":
    case "TxStatus":
      return { type: `strike/event/${data.type}`, value: data.value };
  }
}

export function eventMessageJson(msg: EventMessage) {
  return { query: msg.query, data: eventDataJson(msg.data), events: Object.fromEntries(msg.events) };
}
