/**
 * Recent txs on a finality timeline: received → sequenced (the sequencer's signed receipt,
 * asked with strike_receipt) → committed (the block) → checkpointed (its height's
 * checkpoint on L1) → settled (that checkpoint the confirmation depth deep), from the
 * node's ladder (strike_tx_status), followed until settled. "n/a": the node reads no L1
 * settlement (`[settlement]` off); "–": not yet.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { fill, row } from "./format.js";
import type { NodeSocket } from "./rpc.js";

const MAX_ROWS = 10;
/** How often rows not yet settled ask for their ladder again. */
const FOLLOW_MS = 1000;

interface ReceiptAnswer {
  stage?: string;
  receipt: { height?: string; index?: number; status?: string };
}

type Rung =
  | { state: "reached"; elapsed_ms: number; l1?: { checkpoint_height: string; block: number } }
  | { state: "pending" }
  | { state: "not_available" };

interface TxStatus {
  stage: string;
  accounts: string[];
  rungs: Record<"received" | "sequenced" | "committed" | "checkpointed" | "settled", Rung>;
}

interface TxRow {
  hash: string;
  height: string;
  sequenced: string;
  status?: TxStatus;
}

function hashOf(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return [...sha256(bytes)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
}

const ms = (x: number) =>
  x < 10 ? `${x.toFixed(1)} ms` : x < 10_000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`;

/** A checkpoint rung: when, and which checkpoint (its Strike height) at which L1 block. */
function l1Cell(r: Rung | undefined): string | [string, string] {
  if (r === undefined || r.state === "pending") return "–";
  if (r.state === "not_available") return ["n/a", "muted"];
  const where = r.l1 === undefined ? "" : ` #${r.l1.checkpoint_height} @L1 ${r.l1.block}`;
  return [`✓ ${ms(r.elapsed_ms)}${where}`, "l1-reached"];
}

const settledOrFinal = (s: TxStatus | undefined) =>
  s !== undefined && (s.rungs.settled.state !== "pending" || s.stage === "rejected");

export class ReceiptsView {
  private readonly rows: TxRow[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Set by the address form: only this account's txs are followed (validators' own txs come every second). */
  private account: string | undefined;

  constructor(private readonly node: NodeSocket) {}

  /** From now on, only txs signed by `address` join the timeline. */
  onlyAccount(address: string): void {
    this.account = address === "" ? undefined : address;
    const keep = this.rows.filter((r) => this.account === undefined || r.status?.accounts.includes(this.account));
    this.rows.splice(0, this.rows.length, ...keep);
    this.render();
  }

  /** Called with each committed block's txs (base64) and height. */
  async block(height: string, txs: string[]): Promise<void> {
    for (const tx of txs) {
      const hash = hashOf(tx);
      let status: TxStatus | undefined;
      try {
        status = await this.node.call<TxStatus>("strike_tx_status", { hash });
      } catch {
        // This node has not kept its ladder: shown as committed only.
      }
      if (this.account !== undefined && status?.accounts.includes(this.account) !== true) continue;
      let sequenced = "–";
      try {
        const r = await this.node.call<ReceiptAnswer>("strike_receipt", { hash });
        sequenced =
          r.receipt.status === "rejected" ? "rejected" : `✓ ${r.receipt.height ?? "?"}/${r.receipt.index ?? "?"}`;
      } catch {
        // No receipt on this node (it was sequenced elsewhere before this node saw it, or it is older).
      }
      this.rows.unshift({ hash, height, sequenced, ...(status === undefined ? {} : { status }) });
    }
    this.rows.length = Math.min(this.rows.length, MAX_ROWS);
    await this.follow();
  }

  /** Asks for the ladder of every row not yet settled, renders, and comes back while any is. */
  private async follow(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const r of this.rows) {
      if (settledOrFinal(r.status)) continue;
      try {
        r.status = await this.node.call<TxStatus>("strike_tx_status", { hash: r.hash });
      } catch {
        // Not seen by this node (evicted, or the node restarted): the row keeps what it had.
      }
    }
    this.render();
    if (this.rows.some((r) => !settledOrFinal(r.status))) this.timer = setTimeout(() => void this.follow(), FOLLOW_MS);
  }

  private render(): void {
    fill(
      document.querySelector("#receipts tbody")!,
      this.rows.map((r) => {
        const s = r.status;
        const rung = (name: keyof TxStatus["rungs"]) => {
          const x = s?.rungs[name];
          return x?.state === "reached" ? `✓ ${ms(x.elapsed_ms)}` : "–";
        };
        const tr = row([
          `${r.hash.slice(0, 12)}…`,
          s === undefined ? "✓" : rung("received"),
          r.sequenced,
          `✓ ${r.height}`,
          l1Cell(s?.rungs.checkpointed),
          l1Cell(s?.rungs.settled),
          s?.stage ?? "committed",
        ]);
        tr.dataset["hash"] = r.hash;
        return tr;
      }),
    );
  }
}
