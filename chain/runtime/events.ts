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

  /** With a message index, every event gets Cosmos v0.50's `msg_index` attribute (the message's index in its tx), last. */
  constructor(private readonly msgIndex?: string) {}

  emit(type: string, attributes: EventAttributes): void {
    const n = attributes.length;
    const attrs = new Array<{ key: string; value: string; index: boolean }>(this.msgIndex === undefined ? n : n + 1);
    for (let i = 0; i < n; i++) {
      const [key, value] = attributes[i]!;
      attrs[i] = { key, value, index: true };
    }
    if (this.msgIndex !== undefined) attrs[n] = { key: "msg_index", value: this.msgIndex, index: true };
    this.events.push({ type, attributes: attrs });
  }
}

/**
 * Collects a context's events. With `msgIndex` (a tx's messages), each event is tagged with it
 * as it is emitted, rather than every event copied with the tag after the message.
 */
export function createEventManager(msgIndex?: number): EventManager {
  return new Events(msgIndex === undefined ? undefined : String(msgIndex));
}
