/** Small builders for the matching tests. */
import type { ExecutionContext } from "ava";
import { MemoryBook, matchOrder } from "../../../../../modules/orderbook/matching/index.js";
import type {
  BookView,
  MatchOptions,
  MatchPlan,
  RestingOrder,
  Side,
  TakerOrder,
} from "../../../../../modules/orderbook/matching/index.js";

export function resting(side: Side, id: bigint, price: bigint, remaining: bigint, owner = "maker"): RestingOrder {
  return { id, owner, side, price, remaining };
}

export const ask = (id: bigint, price: bigint, remaining: bigint, owner = "maker"): RestingOrder =>
  resting("sell", id, price, remaining, owner);
export const bid = (id: bigint, price: bigint, remaining: bigint, owner = "maker"): RestingOrder =>
  resting("buy", id, price, remaining, owner);

export function bookOf(...orders: RestingOrder[]): MemoryBook {
  const book = new MemoryBook();
  for (const order of orders) book.insert(order);
  return book;
}

/** A good-till-cancelled taker of owner "taker" with id 1000, unless told otherwise. */
export function taker(fields: Partial<TakerOrder> & Pick<TakerOrder, "side" | "price" | "size">): TakerOrder {
  return { id: 1000n, owner: "taker", tif: "gtc", stp: "expire_maker", ...fields };
}

/** Only the BookView interface of a book: matchOrder takes its generic path. */
export function viewOf(book: BookView): BookView {
  return { resting: (side) => book.resting(side) };
}

export function everything(book: MemoryBook): RestingOrder[] {
  return [...book.resting("buy"), ...book.resting("sell")];
}

/**
 * Matches on a MemoryBook (its fast path), checks that the generic BookView path gives the
 * same plan and that neither changed the book, and returns the plan.
 */
export function match(t: ExecutionContext, book: MemoryBook, order: TakerOrder, options?: MatchOptions): MatchPlan {
  const before = everything(book);
  const plan = matchOrder(book, order, options);
  t.deepEqual(matchOrder(viewOf(book), order, options), plan, "the BookView path gives the same plan");
  t.deepEqual(everything(book), before, "matching does not change the book");
  return plan;
}
