import type { MakerCursor } from "./cursor.js";
import { idOf } from "./ladder.js";
import type { Level, OrderNode } from "./ladder.js";
import type { RestingOrder, Side } from "./types.js";

/**
 * MemoryBook's walk over one side, best first, without allocating per order visited. It
 * remembers the orders it handed to matchOrder (the makers filled or expired) with their
 * nodes, so that applying the resulting plan needs no lookups.
 */
export class NodeCursor implements MakerCursor {
  price = 0n;
  owner = "";
  remaining = 0n;
  /** The order the walk is on; undefined before the first step and once the side is exhausted. */
  node: OrderNode | undefined = undefined;
  /** Pairs of [order handed out, its node], in walk order. */
  readonly taken: (RestingOrder | OrderNode)[] = [];
  /** The book's version when the walk began. */
  version = 0;
  /** The chunk and the position in it of the level the walk goes to next. */
  private chunk = 0;
  private index = 0;

  constructor(
    readonly side: Side,
    private readonly chunks: readonly (readonly Level[])[],
  ) {}

  /** Starts a new walk from the best order (MemoryBook reuses one cursor per side). */
  restart(version: number): this {
    this.node = undefined;
    this.chunk = this.chunks.length - 1;
    this.index = this.chunk < 0 ? -1 : this.chunks[this.chunk]!.length - 1;
    // Setting length is a runtime call even when it changes nothing.
    if (this.taken.length !== 0) this.taken.length = 0;
    this.version = version;
    return this;
  }

  advance(): boolean {
    let next = this.node === undefined ? undefined : this.node.next;
    while (next === undefined) {
      if (this.index < 0) {
        if (this.chunk <= 0) {
          this.node = undefined;
          this.chunk = this.index = -1;
          return false;
        }
        this.index = this.chunks[--this.chunk]!.length - 1;
      }
      next = this.chunks[this.chunk]![this.index--]!.head;
    }
    this.node = next;
    this.price = next.level.price;
    this.owner = next.owner;
    this.remaining = next.remaining;
    return true;
  }

  current(): RestingOrder {
    const node = this.node!;
    const order = snapshot(node);
    this.taken.push(order, node);
    return order;
  }

  close(): void {}
}

export function snapshot(node: OrderNode): RestingOrder {
  const level = node.level;
  return { id: idOf(node), owner: node.owner, side: level.side, price: level.price, remaining: node.remaining };
}
