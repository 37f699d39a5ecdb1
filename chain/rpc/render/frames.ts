/**
 * Websocket pushes that many subscribers are sent, encoded once. A block's NewBlock event is
 * ~3 KB of JSON per tx, and every open web dashboard follows every block: encoded per
 * subscriber, ten dashboards cost a saturated node about a third of its throughput
 * (bench/bankSends.ts, "watched"). Here the shared part of a push (an event's data and
 * composite keys, a market feed message) is encoded to UTF-8 once per published object, and
 * each subscriber's push is its own short head (the subscribe call's id, its query) and
 * those bytes. The message is byte for byte what `JSON.stringify` of the whole gives.
 */
import type { EventMessage } from "../../indexer/types.js";
import type { Frame, JsonRpcId } from "../context.js";
import { eventDataJson } from "./events.js";

/**
 * Event data and market messages are published once and handed to every subscriber as the
 * same object: their bodies, by that object (one map per kind of body).
 */
const eventBodies = new WeakMap<object, Buffer>();
const resultBodies = new WeakMap<object, Buffer>();

function once(memo: WeakMap<object, Buffer>, key: object, encode: () => string): Buffer {
  let bytes = memo.get(key);
  if (bytes === undefined) {
    bytes = Buffer.from(encode());
    memo.set(key, bytes);
  }
  return bytes;
}

/** The body shared by every subscriber of this event: `"data":…,"events":…}}`. */
export function eventBody(msg: EventMessage): Buffer {
  return once(
    eventBodies,
    msg.data,
    () =>
      `"data":${JSON.stringify(eventDataJson(msg.data))},"events":${JSON.stringify(Object.fromEntries(msg.events))}}}`,
  );
}

/** `{"jsonrpc":"2.0","id":…,"result":{"query":…,"data":…,"events":…}}` for one subscription. Throws if the event cannot be encoded. */
export function eventFrame(id: JsonRpcId, msg: EventMessage): Frame {
  return {
    head: `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"query":${JSON.stringify(msg.query)},`,
    body: eventBody(msg),
  };
}

/** `{"jsonrpc":"2.0","id":…,"result":<message>}` for a message object many subscribers get. Throws if it cannot be encoded. */
export function resultFrame(id: JsonRpcId, message: object): Frame {
  return {
    head: `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`,
    body: once(resultBodies, message, () => `${JSON.stringify(message)}}`),
  };
}
