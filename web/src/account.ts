/** An address's subaccounts: margin, positions with liquidation prices and greeks (the margin module's Subaccounts query). */
import type { StrikeQueries } from "../../chain/client/strikeQueries.js";
import { dec } from "./numbers.js";

const HEAD = ["market", "size", "entry", "mark", "PnL", "liq. price", "delta", "gamma", "vega", "theta"];

function table(headers: string[], rows: string[][]): HTMLTableElement {
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  for (const h of headers) head.append(Object.assign(document.createElement("th"), { textContent: h }));
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const c of r) tr.insertCell().textContent = c;
  }
  return t;
}

export async function showAccount(queries: StrikeQueries, address: string): Promise<void> {
  const el = document.getElementById("account")!;
  const { subaccounts } = await queries.margin.Subaccounts({ owner: address });
  if (subaccounts.length === 0) {
    el.textContent = "no subaccounts (deposit margin first)";
    return;
  }
  const parts: HTMLElement[] = [];
  for (const s of subaccounts) {
    const summary = table(
      ["subaccount", "collateral", "equity", "initial", "maintenance", "free", "liquidatable"],
      [
        [
          String(s.subaccount?.number ?? 0),
          dec(s.collateral),
          dec(s.equity),
          dec(s.initialMargin),
          dec(s.maintenanceMargin),
          dec(s.freeCollateral),
          s.liquidatable ? "yes" : "no",
        ],
      ],
    );
    const positions = table(
      HEAD,
      s.positions.map((p) => [
        p.market,
        dec(p.size, 4),
        dec(p.entryPrice),
        dec(p.markPrice),
        dec(p.unrealizedPnl),
        dec(p.liquidationPrice),
        dec(p.delta, 4),
        dec(p.gamma, 6),
        dec(p.vega, 4),
        dec(p.theta, 4),
      ]),
    );
    positions.id = `positions-${s.subaccount?.number ?? 0}`;
    parts.push(summary, positions);
  }
  el.replaceChildren(...parts);
}
