import test from "ava";
import { percent } from "../../../web/src/numbers.js";

test("percent shows a decimal fraction as a percentage, truncated toward zero, exactly", (t) => {
  t.is(percent("0.000333333333333333", 4), "0.0333");
  t.is(percent("0.000500000000000000", 4), "0.0500");
  t.is(percent("-0.0005", 4), "-0.0500");
  t.is(percent("0", 4), "0.0000");
  // Below the last place shown: zero, without a sign.
  t.is(percent("-0.000000001", 4), "0.0000");
  t.is(percent("0.05", 2), "5.00");
  t.is(percent("1", 0), "100");
  t.is(percent("0.012345", 3), "1.234");
  t.is(percent("12.5", 1), "1250.0");
});
