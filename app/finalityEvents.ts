/**
 * Soft-finality news on the websocket: every receipt this node signs or relays, and every
 * step of a tx's finality ladder, published on the event bus so `subscribe` can stream
 * them with CometBFT's query language:
 *
 *   tm.event='Receipt'                                   every receipt (rejections included)
 *   tm.event='Receipt' AND receipt.account='strike1…'    one account's receipts: its own txs,
 *                                                        and the txs that traded with its orders
 *   tm.event='Receipt' AND receipt.stage='reverted'      also: sequenced, rejected, committed
 *   tm.event='TxStatus' AND tx.hash='<HEX>'              one tx's ladder, step by step
 *   tm.event='TxStatus' AND tx_status.account='strike1…' an account's txs up the ladder
 *
 * A receipt with fills also carries, for each position its fills move (both sides of each
 * fill), the position by finality tier: its size in the committed state, the part resting
 * on receipts only (soft), and, when this node reads L1 checkpoints, its size in the state
 * last checkpointed on L1. A market maker whose quote was hit learns it, and its exposure
 * per tier, from the taker's receipt.
 *
 * News of a commit (a receipt committed or reverted, a ladder's committed step) goes out once
 * this node has saved the block, so a client told "committed" finds the block and its tx here
 * (`block`, `tx`). Events of one topic go out in the order they happened.
 *
 * Nothing is built while no subscription could match (a client following blocks only costs
 * no receipt or ladder event).
 */
import type { EventBus } from "../chain/indexer/types.js";
import { receiptToJson } from "../chain/sequencer/receiptJson.js";
import { txStatusJson } from "../chain/sequencer/ladderJson.js";
import type { Sequencing } from "../chain/sequencer/service.js";
import { createSoftPositions, type PositionKey, type PositionTierJson } from "../chain/sequencer/softPositions.js";
import type { Receipt } from "../chain/sequencer/receipt.js";
import { toHex } from "../chain/types/bytes.js";
import { evictOldest } from "../chain/types/evictOldest.js";

/** A position's size (the margin module's, in the market's size units) in the committed state, or in the state after `height`. */
export type PositionSizeReader = (p: PositionKey, height?: bigint) => Promise<bigint>;

/** Checkpointed sizes kept per (height, position): a checkpoint's state never changes, and a new one moves on. */
const CHECKPOINTED_CACHE = 4096;

/** Resolves once this node has saved the block at `height` (BlockStore.saved). */
export type BlockSaved = (height: bigint) => Promise<void>;

export function publishFinalityEvents(
  sequencing: Pick<Sequencing, "receipts" | "ladder">,
  bus: EventBus,
  positionSize?: PositionSizeReader,
  saved: BlockSaved = () => Promise.resolve(),
): void {
  const { receipts, ladder } = sequencing;
  const soft = createSoftPositions();
  const checkpointed = new Map<string, bigint>();
  /** Events wait for their position reads and blocks in this chain, so they go out in the order of the receipts. */
  let tail: Promise<void> = Promise.resolve();
  /** The same for ladder steps. */
  let statusTail: Promise<void> = Promise.resolve();

  const checkpointedSize = async (p: PositionKey, height: bigint): Promise<bigint | undefined> => {
    const key = `${height}/${p.owner}/${p.subaccount}/${p.market}`;
    const hit = checkpointed.get(key);
    if (hit !== undefined || positionSize === undefined) return hit;
    try {
      const size = await positionSize(p, height);
      checkpointed.set(key, size);
      evictOldest(checkpointed, CHECKPOINTED_CACHE);
      return size;
    } catch {
      // That state is pruned here, or not yet reached: the tier is left out, not guessed.
      return undefined;
    }
  };

  /** The tiers of the positions the receipt moves; soft sizes now (synchronously), the state reads after. */
  const tiersOf = (receipt: Receipt): Promise<{ positions: PositionTierJson[]; checkpointed_height?: string }> => {
    const touched = soft.touched(receipt);
    const softSizes = touched.map((p) => soft.size(p));
    const l1 = ladder.newestL1().checkpointed?.height;
    // The committed reads start now, before any later block can commit and be counted twice.
    const committedSizes = touched.map((p) => positionSize!(p).catch(() => undefined));
    return (async () => {
      const positions: PositionTierJson[] = [];
      for (let i = 0; i < touched.length; i++) {
        const p = touched[i]!;
        const committed = await committedSizes[i]!;
        const onL1 = l1 === undefined ? undefined : await checkpointedSize(p, l1);
        positions.push({
          account: p.owner,
          subaccount: p.subaccount,
          market: p.market,
          committed_size: committed === undefined ? "" : committed.toString(),
          soft_size: softSizes[i]!.toString(),
          ...(onL1 === undefined ? {} : { checkpointed_size: onL1.toString() }),
        });
      }
      return { positions, ...(l1 === undefined ? {} : { checkpointed_height: l1.toString() }) };
    })();
  };

  receipts.onChange((r) => {
    soft.receipt(r);
    // A relayed receipt kept on its successor's word has its signature checked before it goes out.
    if (!bus.wants("Receipt") || !receipts.servable(r)) return;
    // Decoded once: a judged receipt is held as bytes and decoded again on every read.
    const receipt = r.receipt;
    const counterparties = receipt.fills.flatMap((f) => [f.account, f.counterparty]).filter((a) => a !== "");
    const accounts = [...new Set([...ladder.accountsOf(receipt.txHash), ...counterparties])];
    const hash = toHex(receipt.txHash).toUpperCase();
    const value = { ...receiptToJson(r.signed, r.stage, receipt), accounts };
    const attributes = new Map<string, readonly string[]>([
      ["tx.hash", [hash]],
      ["receipt.account", accounts],
      ["receipt.stage", [r.stage]],
      ["receipt.height", [receipt.height.toString()]],
      ["receipt.sequencer", [toHex(receipt.sequencerAddress).toUpperCase()]],
    ]);
    const tiers = positionSize === undefined || receipt.fills.length === 0 ? undefined : tiersOf(receipt);
    const block = r.stage === "committed" || r.stage === "reverted" ? saved(receipt.height) : undefined;
    // Behind a receipt still waiting for its reads or block, this one waits its turn; one
    // event that fails to go out must not stop the ones after it.
    tail = tail
      .then(async () => {
        await block;
        bus.publish({ type: "Receipt", value: { ...value, ...(await tiers) }, attributes });
      })
      .catch(() => {});
  });
  ladder.onUpdate((l, step) => {
    if (!bus.wants("TxStatus")) return;
    const event = {
      type: "TxStatus" as const,
      value: txStatusJson(l, ladder.settlement),
      attributes: new Map<string, readonly string[]>([
        ["tx.hash", [l.hash]],
        ["tx_status.account", l.accounts],
        ["tx_status.stage", [step.stage]],
      ]),
    };
    const block =
      (step.stage === "committed" || step.stage === "reverted") && step.height !== undefined
        ? saved(step.height)
        : undefined;
    statusTail = statusTail
      .then(async () => {
        await block;
        bus.publish(event);
      })
      .catch(() => {});
  });
}
