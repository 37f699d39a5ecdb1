import { registerError } from "../errors.js";

/**
 * Failures of fixed-point arithmetic. These reach tx results when a pricing or margin
 * computation fails, so codes are consensus data: never renumber one.
 */
export const fixedErrors = {
  overflow: registerError("fixed", 1, "decimal result out of range: |value| must stay below 2^255 * 1e-18"),
  divisionByZero: registerError("fixed", 2, "division by zero"),
  malformedDecimal: registerError(
    "fixed",
    3,
    "malformed decimal: expected an optional '-', digits, and an optional '.' followed by digits",
  ),
  tooManyDecimalPlaces: registerError("fixed", 4, "too many decimal places: at most 18 are allowed"),
  nonPositiveLog: registerError("fixed", 5, "logarithm of a non-positive number is undefined"),
  negativeSqrt: registerError("fixed", 6, "square root of a negative number is undefined"),
  invalidArgument: registerError("fixed", 7, "invalid argument: integers must be safe integers"),
} as const;
