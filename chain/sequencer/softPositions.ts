/**
 * What rests on receipts only: for each position (owner, subaccount, market), the net size
 * of the fills of the receipts this node holds that are sequenced and not yet committed or
 * reverted. A fill names both of its sides (fills.ts), so the maker whose resting order a
 * taker's receipt hit is counted as soon as that receipt is, on any node that holds it.
 *
 * Fed by the receipt store's changes: a sequenced receipt adds its fills, and the same
 * receipt committed (its fills are now in the committed state) or reverted (they never
 * happened) takes them out again; a newer receipt for the same tx (sequenced again after a
 * revert) replaces the older. Sizes are integers in each market's size units.
 */
import type { Receipt } from "./receipt.js";
import { FillSide } from "../codec/generated/strike/sequencer/v1/receipt.js";
import type { StoredReceipt } from "./receiptStore.js";
import { toHex } from "../types/bytes.js";

/** One position, as the margin module keys it. */
export interface PositionKey {
  readonly owner: string;
  readonly subaccount: number;
  readonly market: string;
}

/**
 * One position by finality tier, as a Receipt event on the websocket carries it (sizes in
 * the market's size units): its size in the committed state, the part on receipts only,
 * and its size in the state after the height last checkpointed on L1, when known.
 */
export interface PositionTierJson {
  account: string;
  subaccount: number;
  market: string;
  /** Empty when the committed state could not be read. */
  committed_size: string;
  soft_size: string;
  checkpointed_size?: string;
}

interface Held {
  readonly from: Pick<StoredReceipt, "height">;
  readonly deltas: ReadonlyMap<string, bigint>;
}

/** What the tracker reads of a stored receipt: the store keeps one object per receipt and moves its stage in place. */
export type TrackedReceipt = Pick<StoredReceipt, "receipt" | "stage" | "height">;

export interface SoftPositions {
  /** A receipt reached its stage (ReceiptStore.onChange). A judged receipt is not decoded again. */
  receipt(r: TrackedReceipt): void;
  /** The net size of the position's fills on receipts only (0 when none). */
  size(p: PositionKey): bigint;
  /** The positions a receipt's fills move, both sides of each fill, in the order they first appear. */
  touched(receipt: Receipt): PositionKey[];
  /** Receipts held (sequenced, not yet judged). */
  readonly held: number;
}

const positionId = (p: PositionKey) => `${p.owner}/${p.subaccount}/${p.market}`;

export function createSoftPositions(): SoftPositions {
  /** By tx hash (hex): a tx has one receipt in force, the newest. */
  const byTx = new Map<string, Held>();
  /** The tx of each receipt held, so that judging it needs no decoding (the store drops a judged receipt's decoded form). */
  const txOf = new WeakMap<object, string>();
  const sizes = new Map<string, bigint>();
  /** The highest height a judged receipt has named. */
  let swept = -1n;

  const apply = (deltas: ReadonlyMap<string, bigint>, sign: 1n | -1n) => {
    for (const [id, d] of deltas) {
      const next = (sizes.get(id) ?? 0n) + sign * d;
      if (next === 0n) sizes.delete(id);
      else sizes.set(id, next);
    }
  };
  const release = (tx: string) => {
    const held = byTx.get(tx);
    if (held === undefined) return;
    byTx.delete(tx);
    apply(held.deltas, -1n);
  };

  return {
    receipt(r) {
      if (r.stage !== "sequenced") {
        const tx = txOf.get(r);
        // Only the receipt in force for its tx: an older one judged late leaves the newer alone.
        if (tx !== undefined && byTx.get(tx)?.from === r) release(tx);
        // A judged receipt means its height has committed: anything still held for it or below
        // was judged too, or was evicted from the store unjudged, and no longer rests on
        // receipts. Swept once per height, not once per receipt.
        if ((r.stage === "committed" || r.stage === "reverted") && r.height > swept) {
          swept = r.height;
          for (const [other, held] of byTx) if (held.from.height <= swept) release(other);
        }
        return;
      }
      const receipt = r.receipt;
      if (receipt.fills.length === 0) return;
      const tx = toHex(receipt.txHash);
      // A newer receipt for the tx (sequenced again) replaces the older.
      release(tx);
      const deltas = new Map<string, bigint>();
      const add = (id: string, d: bigint) => deltas.set(id, (deltas.get(id) ?? 0n) + d);
      for (const f of receipt.fills) {
        // A receipt signed before fills named their owners moves nothing this view can name.
        if (f.account === "" || f.counterparty === "") continue;
        const size = f.side === FillSide.FILL_SIDE_BUY ? f.size : -f.size;
        add(positionId({ owner: f.account, subaccount: f.subaccount, market: f.market }), size);
        add(positionId({ owner: f.counterparty, subaccount: f.counterpartySubaccount, market: f.market }), -size);
      }
      byTx.set(tx, { from: r, deltas });
      txOf.set(r, tx);
      apply(deltas, 1n);
    },
    size: (p) => sizes.get(positionId(p)) ?? 0n,
    touched(receipt) {
      const seen = new Map<string, PositionKey>();
      for (const f of receipt.fills) {
        for (const p of [
          { owner: f.account, subaccount: f.subaccount, market: f.market },
          { owner: f.counterparty, subaccount: f.counterpartySubaccount, market: f.market },
        ])
          if (p.owner !== "" && !seen.has(positionId(p))) seen.set(positionId(p), p);
      }
      return [...seen.values()];
    },
    get held() {
      return byTx.size;
    },
  };
}
