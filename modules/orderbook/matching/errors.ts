import { registerError } from "../../../chain/types/errors.js";

/**
 * Failures of the matching engine. The keeper validates orders first, so these are guards;
 * codes are consensus data all the same: never renumber one.
 */
export const matchingErrors = {
  invalidSize: registerError("matching", 1, "invalid size: an order's size must be a positive integer"),
  invalidPrice: registerError("matching", 2, "invalid price: an order's price must be a positive integer"),
  invalidOrder: registerError("matching", 3, "invalid order: unknown side, time in force or self-trade mode"),
  invalidMaxFills: registerError("matching", 4, "invalid maxFills: it must be a positive safe integer"),
  duplicateOrderId: registerError("matching", 5, "an order with this id is already on the book"),
  crossedBook: registerError("matching", 6, "the order would cross the book: match it instead of inserting it"),
  stalePlan: registerError("matching", 7, "the plan does not fit the book: compute it again on the current book"),
} as const;
