/**
 * In-process event bus behind websocket `subscribe` and `broadcast_tx_commit`. Publishing
 * never waits for a subscriber: a synchronous handler is called at once, an asynchronous
 * one through a bounded queue, and a subscription whose queue overflows (or whose handler
 * throws, as the websocket's does when its client has too much unread) is cancelled with
 * an error, as CometBFT drops slow websocket clients, so a slow reader cannot stall the node.
 *
 * Publishing looks at the subscriptions that could match, not at all of them: each is filed
 * under the event type its query names (`tm.event = 'T'`, or any type) and, within it, under
 * the value of one more `key = 'string'` condition if the query has one. A hundred traders
 * each following their own receipts (`tm.event='Receipt' AND receipt.account='…'`) cost a
 * receipt a lookup per key, not a hundred query matches. Every candidate is still matched
 * against its whole query, so the index only decides who is looked at.
 */
import { txHash } from "../crypto/txHash.js";
import type { FinalizeBlockResponse } from "../types/abci.js";
import type { Block, BlockId } from "../types/block.js";
import { indexerErrors } from "./errors.js";
import { EVENT_TYPE_KEY, eventMapOf } from "./events.js";
import { matchAll, parseQuery, type EventMap, type Query, type QueryCondition } from "./query.js";
import type { EventBus, EventData, EventHandler, EventMessage, SubscribeOptions } from "./types.js";

export interface EventBusOptions {
  /** CometBFT's `max_subscription_clients`. */
  maxClients?: number;
  /** CometBFT's `max_subscriptions_per_client`. */
  maxSubscriptionsPerClient?: number;
  /** Default queue capacity of a subscription. */
  capacity?: number;
}

interface Subscription {
  /** Order of subscribing: an event reaches its subscribers in this order. */
  seq: number;
  subscriberId: string;
  query: Query;
  handler: EventHandler;
  queue: EventMessage[];
  capacity: number;
  draining: boolean;
  cancelled: boolean;
  onCancel: ((reason: Error) => void) | undefined;
  /** Where the index files it: its query's type, and the equality it is looked up by (none: scanned). */
  type: string;
  anchor: { key: string; value: string } | undefined;
}

/** The subscriptions of one event type (or of any type). */
interface TypeGroup {
  /** Matched against every event of the type: no other string equality to file them under. */
  scan: Set<Subscription>;
  /** key → value → the subscriptions whose query requires `key = 'value'`. */
  byKey: Map<string, Map<string, Set<Subscription>>>;
}

const ANY_TYPE = "";

/** The type a query requires (`tm.event = 'T'`), or ANY_TYPE. */
function typeOf(query: Query): string {
  const c = query.conditions.find(isTypeCondition);
  return c?.value?.kind === "string" ? c.value.value : ANY_TYPE;
}

function isTypeCondition(c: QueryCondition): boolean {
  return c.key === EVENT_TYPE_KEY && c.op === "=" && c.value?.kind === "string";
}

/** Appends a type group's candidates for an event to `out`; returns how many sets they came from. */
function collect(group: TypeGroup | undefined, events: () => EventMap, out: Subscription[]): number {
  if (group === undefined) return 0;
  let sets = 0;
  if (group.scan.size > 0) {
    sets++;
    for (const sub of group.scan) out.push(sub);
  }
  for (const [key, values] of group.byKey) {
    const recorded = events().get(key);
    if (recorded === undefined) continue;
    // A value recorded twice finds its set once (a Set past a few values: a multi-send's
    // transfer.recipient can hold hundreds).
    const seen = recorded.length > 8 ? new Set<string>() : undefined;
    for (let i = 0; i < recorded.length; i++) {
      const v = recorded[i]!;
      if (seen === undefined ? recorded.indexOf(v) !== i : seen.has(v)) continue;
      seen?.add(v);
      const set = values.get(v);
      if (set === undefined) continue;
      sets++;
      for (const sub of set) out.push(sub);
    }
  }
  return sets;
}

export function createEventBus(options: EventBusOptions = {}): EventBus {
  const maxClients = options.maxClients ?? 100;
  const maxPerClient = options.maxSubscriptionsPerClient ?? 5;
  const defaultCapacity = options.capacity ?? 100;
  const clients = new Map<string, Map<string, Subscription>>();
  const byType = new Map<string, TypeGroup>();
  let nextSeq = 0;

  function groupOf(type: string): TypeGroup {
    let group = byType.get(type);
    if (group === undefined) {
      group = { scan: new Set(), byKey: new Map() };
      byType.set(type, group);
    }
    return group;
  }

  function file(sub: Subscription): void {
    const group = groupOf(sub.type);
    if (sub.anchor === undefined) {
      group.scan.add(sub);
      return;
    }
    const { key, value } = sub.anchor;
    let values = group.byKey.get(key);
    if (values === undefined) {
      values = new Map();
      group.byKey.set(key, values);
    }
    let set = values.get(value);
    if (set === undefined) {
      set = new Set();
      values.set(value, set);
    }
    set.add(sub);
  }

  /** Takes `sub` out of the index, dropping emptied buckets: one-off subscribers leave nothing behind. */
  function unfile(sub: Subscription): void {
    const group = byType.get(sub.type);
    if (group === undefined) return;
    if (sub.anchor === undefined) {
      group.scan.delete(sub);
    } else {
      const values = group.byKey.get(sub.anchor.key);
      const set = values?.get(sub.anchor.value);
      set?.delete(sub);
      if (set?.size === 0) values!.delete(sub.anchor.value);
      if (values?.size === 0) group.byKey.delete(sub.anchor.key);
    }
    if (group.scan.size === 0 && group.byKey.size === 0) byType.delete(sub.type);
  }

  /** The subscriptions that could match an event: the index's candidates, in subscribing order. */
  function candidates(type: string, events: () => EventMap): Subscription[] {
    const out: Subscription[] = [];
    const sets =
      collect(byType.get(type), events, out) + (type === ANY_TYPE ? 0 : collect(byType.get(ANY_TYPE), events, out));
    if (sets <= 1) return out; // one set is already in subscribing order, with no repeats
    out.sort((a, b) => a.seq - b.seq);
    return out.filter((sub, i) => i === 0 || out[i - 1] !== sub);
  }

  function remove(subscriberId: string, queryText: string): Subscription | undefined {
    const subs = clients.get(subscriberId);
    const sub = subs?.get(queryText);
    if (subs === undefined || sub === undefined) return undefined;
    subs.delete(queryText);
    if (subs.size === 0) clients.delete(subscriberId);
    unfile(sub);
    sub.cancelled = true;
    sub.queue.length = 0;
    return sub;
  }

  function cancel(subscriberId: string, queryText: string, reason: Error): void {
    const sub = remove(subscriberId, queryText);
    sub?.onCancel?.(reason);
  }

  /**
   * Hands queued messages to the handler. A handler that returns nothing (the websocket's:
   * it writes to the socket, and throws when the client has left too much unread) is fed
   * at once, so a burst of matching events in one block — a hundred receipts reverted at
   * one height — reaches a reader that keeps up instead of overflowing its queue. The
   * queue holds messages only while an asynchronous handler is still busy.
   */
  function drain(subscriberId: string, sub: Subscription): void {
    sub.draining = true;
    while (!sub.cancelled) {
      const msg = sub.queue.shift();
      if (msg === undefined) break;
      let pending: void | Promise<void>;
      try {
        pending = sub.handler(msg);
      } catch (e) {
        failed(subscriberId, sub, e);
        break;
      }
      if (pending instanceof Promise) {
        pending.then(
          () => drain(subscriberId, sub),
          (e: unknown) => {
            failed(subscriberId, sub, e);
            sub.draining = false;
          },
        );
        return;
      }
    }
    sub.draining = false;
  }

  function failed(subscriberId: string, sub: Subscription, e: unknown): void {
    if (sub.cancelled) return;
    cancel(subscriberId, sub.query.text, e instanceof Error ? e : indexerErrors.subscriberTooSlow(String(e)));
  }

  return {
    subscribe(subscriberId: string, queryText: string, handler: EventHandler, subOptions: SubscribeOptions = {}): void {
      const query = queryText.trim() === "" ? matchAll : parseQuery(queryText);
      const subs = clients.get(subscriberId);
      if (subs === undefined && clients.size >= maxClients) {
        throw indexerErrors.tooManyClients(`max_subscription_clients ${maxClients} reached`);
      }
      if (subs?.has(queryText)) throw indexerErrors.alreadySubscribed(`"${queryText}"`);
      if (subs !== undefined && subs.size >= maxPerClient) {
        throw indexerErrors.tooManySubscriptions(`max_subscriptions_per_client ${maxPerClient} reached`);
      }
      // The one more string equality a candidate is looked up by: the query's first.
      const anchor = query.conditions.find((c) => c.op === "=" && c.value?.kind === "string" && !isTypeCondition(c));
      const sub: Subscription = {
        seq: nextSeq++,
        subscriberId,
        query: query === matchAll ? { ...matchAll, text: queryText } : query,
        handler,
        queue: [],
        capacity: subOptions.capacity ?? defaultCapacity,
        draining: false,
        cancelled: false,
        onCancel: subOptions.onCancel,
        type: typeOf(query),
        anchor: anchor?.value?.kind === "string" ? { key: anchor.key, value: anchor.value.value } : undefined,
      };
      file(sub);
      const target = subs ?? new Map<string, Subscription>();
      target.set(queryText, sub);
      clients.set(subscriberId, target);
    },

    unsubscribe(subscriberId: string, queryText: string): void {
      if (remove(subscriberId, queryText) === undefined) throw indexerErrors.notSubscribed(`"${queryText}"`);
    },

    unsubscribeAll(subscriberId: string): void {
      const subs = clients.get(subscriberId);
      if (subs === undefined) throw indexerErrors.notSubscribed(`client ${subscriberId}`);
      for (const queryText of [...subs.keys()]) remove(subscriberId, queryText);
    },

    publish(data: EventData): void {
      if (byType.size === 0) return;
      // Built only for a subscription that could want it: a block's Tx events are ~25
      // composite keys each, and most subscribers (NewBlock) name another type.
      let events: EventMap | undefined;
      const eventsOf = () => (events ??= eventMapOf(data));
      for (const sub of candidates(data.type, eventsOf)) {
        if (sub.cancelled || !sub.query.matches(eventsOf())) continue;
        if (sub.queue.length >= sub.capacity) {
          cancel(
            sub.subscriberId,
            sub.query.text,
            indexerErrors.subscriberTooSlow(`${sub.capacity} events queued for "${sub.query.text}"`),
          );
          continue;
        }
        sub.queue.push({ query: sub.query.text, data, events: eventsOf() });
        if (!sub.draining) drain(sub.subscriberId, sub);
      }
    },

    numClients: () => clients.size,

    wants(eventType) {
      return byType.has(eventType) || byType.has(ANY_TYPE);
    },
    numClientSubscriptions: (subscriberId) => clients.get(subscriberId)?.size ?? 0,

    close(): void {
      for (const [subscriberId, subs] of [...clients]) {
        for (const queryText of [...subs.keys()])
          cancel(subscriberId, queryText, indexerErrors.notSubscribed("event bus closed"));
      }
    },
  };
}

/** Publishes a committed block's events in CometBFT's order: NewBlock, NewBlockHeader, NewBlockEvents, then each Tx. */
export function publishBlockEvents(
  bus: EventBus,
  block: Block,
  blockId: BlockId,
  results: FinalizeBlockResponse,
): void {
  bus.publish({ type: "NewBlock", block, blockId, resultFinalizeBlock: results });
  bus.publish({ type: "NewBlockHeader", header: block.header });
  bus.publish({
    type: "NewBlockEvents",
    height: block.header.height,
    events: results.events,
    numTxs: block.txs.length,
  });
  if (!bus.wants("Tx")) return;
  block.txs.forEach((tx, index) => {
    const result = results.txResults[index];
    if (result === undefined) return;
    bus.publish({ type: "Tx", tx: { hash: txHash(tx), height: block.header.height, index, tx, result } });
  });
}
