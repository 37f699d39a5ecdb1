/**
 * Events in Cosmos' shape (type + string attributes, all indexed), so that CometBFT-style
 * tx search (`transfer.recipient='…'`, `message.sender='…'`) works on them. They are
 * consensus data: attribute order is the order of emission.
 */
import type { AbciEvent } from "../types/abci.js";

export type EventAttributes = readonly (readonly [string, string])[];

export interface EventManager {
  emit(type: string, attributes: EventAttributes): void;
  readonly events: readonly AbciEvent[];
}

class Events implements EventManager {
  readonly events: AbciEvent[] = [];

  emit(type: string, attributes: EventAttributes): void {
    const attrs = new Array<{ key: string; value: string; index: boolean }>(attributes.length);
    for (let i = 0; i < attributes.length; i++) {
      const [key, value] = attributes[i]!;
      attrs[i] = { key, value, index: true };
    }
    this.events.push({ type, attributes: attrs });
  }
}

export function createEventManager(): EventManager {
  return new Events();
}

/** Cosmos v0.50 tags each message's events with its index in the tx. */
export function withMsgIndex(events: readonly AbciEvent[], msgIndex: number): AbciEvent[] {
  return events.map((e) => ({
    type: e.type,
    attributes: [...e.attributes, { key: "msg_index", value: String(msgIndex), index: true }],
  }));
}
