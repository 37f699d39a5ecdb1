/** Display formatting of the chain's numbers; exact (bigint and strings), never through floats, and no DOM (unit-tested in node). */
export function units(value: string | bigint, decimals: number): string {
  const v = BigInt(value);
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac === "" ? "" : `.${frac}`}`;
}

/** uusdc per contract → USDC. */
export const price = (v: string | bigint): string => units(v, 6);

/** A decimal string trimmed to `places` places ("3001.500000000000000000" → "3001.50"). */
export function dec(text: string, places = 2): string {
  if (text === "") return "–";
  const [w, f = ""] = text.split(".");
  return places === 0 ? w! : `${w}.${f.padEnd(places, "0").slice(0, places)}`;
}

/** A decimal fraction as a percentage to `places` places, truncated toward zero ("0.000333333" → "0.0333"). */
export function percent(fraction: string, places = 2): string {
  const [w = "0", f = ""] = fraction.split(".");
  const neg = w.startsWith("-");
  // |fraction| × 10^(2 + places), truncated: its digits with the point moved 2 + places places.
  const scaled = BigInt(`${w.replace("-", "")}${f.padEnd(2 + places, "0").slice(0, 2 + places)}`);
  const digits = scaled.toString().padStart(places + 1, "0");
  const whole = digits.slice(0, digits.length - places);
  const shown = places === 0 ? whole : `${whole}.${digits.slice(digits.length - places)}`;
  return neg && scaled !== 0n ? `-${shown}` : shown;
}

export function time(seconds: string | number): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(11, 19);
}
