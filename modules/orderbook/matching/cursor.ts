import type { BookView, RestingOrder, Side } from "./types.js";

/**
 * A walk over one side of a book, best first, that `matchOrder` drives one order at a time.
 * `price`, `owner` and `remaining` describe the current order after `advance()` returned true.
 */
export interface MakerCursor {
  price: bigint;
  owner: string;
  remaining: bigint;
  advance(): boolean;
  /** The current order as an immutable value. */
  current(): RestingOrder;
  /** Ends the walk early (lets a generator run its `finally`). */
  close(): void;
}

/** A book that can hand out its own allocation-free cursor (MemoryBook does). */
export interface CursorSource {
  makerCursor(side: Side): MakerCursor;
}

export function isCursorSource(book: BookView): book is BookView & CursorSource {
  return typeof (book as Partial<CursorSource>).makerCursor === "function";
}

/** The cursor over any BookView: it pulls one order at a time from `resting(side)`. */
export class IterableCursor implements MakerCursor {
  price = 0n;
  owner = "";
  remaining = 0n;
  private readonly iterator: Iterator<RestingOrder>;
  private order: RestingOrder | undefined;
  private done = false;

  constructor(orders: Iterable<RestingOrder>) {
    this.iterator = orders[Symbol.iterator]();
  }

  advance(): boolean {
    if (this.done) return false;
    const step = this.iterator.next();
    if (step.done === true) {
      this.done = true;
      return false;
    }
    const order = step.value;
    this.order = order;
    this.price = order.price;
    this.owner = order.owner;
    this.remaining = order.remaining;
    return true;
  }

  current(): RestingOrder {
    return this.order!;
  }

  close(): void {
    if (!this.done) {
      this.done = true;
      this.iterator.return?.();
    }
  }
}
