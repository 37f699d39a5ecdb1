/** Table rows of text for the dashboard's views. */
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
