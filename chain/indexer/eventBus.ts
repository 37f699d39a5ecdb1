/**
 * In-process event bus behind websocket `subscribe` and `broadcast_tx_commit`. Publishing
 * never waits for a subscriber: a synchronous handler is called at once, an asynchronous
 * one through a bounded queue, and a subscription whose queue overflows (or whose handler
 * throws, as the websocket's does when its client has too much unread) is cancelled with
 * an error, as CometBFT drops slow websocket clients, so a slow reader cannot stall the node.
 */
import { sha256 } from "../crypto/hash.js";
import type { FinalizeBlockResponse } from "../types/abci.js";
import type { Block, BlockId } from "../types/block.js";
import { indexerErrors } from "./errors.js";
import { eventMapOf } from "./events.js";
import { matchAll, parseQuery, type Query } from "./query.js";
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
  query: Query;
  handler: EventHandler;
  queue: EventMessage[];
  capacity: number;
  draining: boolean;
  cancelled: boolean;
  onCancel: ((reason: Error) => void) | undefined;
}

export function createEventBus(options: EventBusOptions = {}): EventBus {
  const maxClients = options.maxClients ?? 100;
  const maxPerClient = options.maxSubscriptionsPerClient ?? 5;
  const defaultCapacity = options.capacity ?? 100;
  const clients = new Map<string, Map<string, Subscription>>();

  function remove(subscriberId: string, queryText: string): Subscription | undefined {
    const subs = clients.get(subscriberId);
    const sub = subs?.get(queryText);
    if (subs === undefined || sub === undefined) return undefined;
    subs.delete(queryText);
    if (subs.size === 0) clients.delete(subscriberId);
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
      const sub: Subscription = {
        query: query === matchAll ? { ...matchAll, text: queryText } : query,
        handler,
        queue: [],
        capacity: subOptions.capacity ?? defaultCapacity,
        draining: false,
        cancelled: false,
        onCancel: subOptions.onCancel,
      };
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
      if (clients.size === 0) return;
      // Built only for a subscription its type does not rule out: a block's Tx events are
      // ~25 composite keys each, and most subscribers (NewBlock) name another type.
      let events: ReturnType<typeof eventMapOf> | undefined;
      for (const [subscriberId, subs] of [...clients]) {
        for (const sub of [...subs.values()]) {
          if (!couldMatchType(sub.query, data.type)) continue;
          events ??= eventMapOf(data);
          if (!sub.query.matches(events)) continue;
          if (sub.queue.length >= sub.capacity) {
            cancel(
              subscriberId,
              sub.query.text,
              indexerErrors.subscriberTooSlow(`${sub.capacity} events queued for "${sub.query.text}"`),
            );
            continue;
          }
          sub.queue.push({ query: sub.query.text, data, events });
          if (!sub.draining) drain(subscriberId, sub);
        }
      }
    },

    numClients: () => clients.size,

    wants(eventType) {
      for (const subs of clients.values())
        for (const sub of subs.values()) if (couldMatchType(sub.query, eventType)) return true;
      return false;
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

/**
 * False only when the query certainly rejects every event of `eventType`: queries are
 * conjunctions, so one `tm.event = 'Other'` condition rules the type out.
 */
function couldMatchType(query: Query, eventType: string): boolean {
  return !query.conditions.some(
    (c) => c.key === "tm.event" && c.op === "=" && c.value?.kind === "string" && c.value.value !== eventType,
  );
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
    bus.publish({ type: "Tx", tx: { hash: sha256(tx), height: block.header.height, index, tx, result } });
  });
}
