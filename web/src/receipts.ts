/**
 * Recent txs on a finality timeline: received → sequenced (the sequencer's signed receipt,
 * asked with strike_receipt) → committed (the block). Checkpointed and settled light up when
 * the checkpoint module lands.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { fill, row } from "./format.js";
import type { NodeSocket } from "./rpc.js";

const MAX_ROWS = 10;

interface ReceiptAnswer {
  stage?: string;
  receipt: { height?: string; index?: number; status?: string };
}

function hashOf(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return [...sha256(bytes)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
}

export class ReceiptsView {
  private readonly rows: HTMLTableRowElement[] = [];

  constructor(private readonly node: NodeSocket) {}

  /** Called with each committed block's txs (base64) and height. */
  async block(height: string, txs: string[]): Promise<void> {
    for (const tx of txs) {
      const hash = hashOf(tx);
      let sequenced = "–";
      let stage = "committed";
      try {
        const r = await this.node.call<ReceiptAnswer>("strike_receipt", { hash });
        sequenced =
          r.receipt.status === "rejected" ? "rejected" : `✓ ${r.receipt.height ?? "?"}/${r.receipt.index ?? "?"}`;
        stage = r.stage ?? stage;
      } catch {
        // No receipt on this node (it was sequenced elsewhere before this node saw it, or it is older).
      }
      this.rows.unshift(row([`${hash.slice(0, 12)}…`, "✓", sequenced, `✓ ${height}`, "–", stage]));
    }
    this.rows.length = Math.min(this.rows.length, MAX_ROWS);
    fill(document.querySelector("#receipts tbody")!, this.rows);
  }
}
