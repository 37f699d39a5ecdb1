/** Display formatting of the chain's integer units; exact (bigint), never through floats. */
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

export function time(seconds: string | number): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(11, 19);
}

/** A table row of text cells (textContent: nothing from the chain is parsed as HTML). */
export function row(cells: (string | [text: string, cls: string])[]): HTMLTableRowElement {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    if (typeof c === "string") td.textContent = c;
    else {
      td.textContent = c[0];
      td.className = c[1];
    }
    tr.append(td);
  }
  return tr;
}

export function fill(tbody: HTMLElement, rows: HTMLTableRowElement[]): void {
  tbody.replaceChildren(...rows);
}
