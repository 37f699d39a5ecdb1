export type { Dec } from "./decimal.js";
export {
  DEC_MAX_RAW,
  DEC_ONE,
  DEC_PRECISION,
  DEC_SCALE,
  DEC_ZERO,
  abs,
  add,
  checkDec,
  cmp,
  decFromInt,
  decFromString,
  decToIntTruncate,
  decToString,
  div,
  divRoundHalfEven,
  divTruncate,
  max,
  min,
  mul,
  mulTruncate,
  neg,
  sub,
} from "./decimal.js";
export { exp, ln, pow, sqrt } from "./functions.js";
export { normCdf, normPdf } from "./normal.js";
export { fixedErrors } from "./errors.js";
