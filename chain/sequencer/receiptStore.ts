/**
 * The receipts a node knows (its own as sequencer, and those relayed by peers), by tx
 * hash, with the stage each has reached. When a height commits, its receipts are checked
 * against the block: honoured ones become `committed`, the others `reverted` (their
 * block was proposed by someone else, or the promise was broken). Node-local memory,
 * bounded: the oldest entries go first.
 */
import { sha256 } from "../crypto/hash.js";
import type { TxResult } from "../types/abci.js";
import { toHex } from "../types/bytes.js";
import { Receipt, ReceiptStatus, SignedReceipt } from "./receipt.js";
import { fillEvents } from "./fills.js";
import { judgeSlot, resultHashOf } from "./receiptVerdict.js";
import { evictOldest } from "../types/evictOldest.js";
import { encodeMessage } from "../codec/encode.js";

// The pipeline (and older callers) import the rule from here; it lives with the verdict.
export { honours, resultHashOf } from "./receiptVerdict.js";

/** How many committed blocks the store keeps to judge a receipt that arrives after its block. */
const RECENT_BLOCKS = 64n;

/**
 * A result as far as judging a receipt against it goes (receiptVerdict.ts `judgeSlot`): its
 * code, codespace and deterministic fields, and of its events the `trade`s (the fills) with
 * the first `message` (whose sender tells the maker's fills from the taker's). A loaded
 * node's recent blocks held their results' other events (fees, transfers, coin movements,
 * ~12 a bank send) for RECENT_BLOCKS blocks: the most numerous objects in its heap, each
 * copied by the young-generation collector before it was promoted.
 */
export function forJudging(r: TxResult): TxResult {
  const events = fillEvents(r.events);
  return events.length === r.events.length ? r : { ...r, events };
}

/** A committed block as far as judging its receipts goes. */
export interface CommittedSlots {
  txs: readonly Uint8Array[];
  results: readonly TxResult[];
  proposer?: Uint8Array;
}

export interface ReceiptStoreOptions {
  /** Receipts kept, oldest evicted first; default 100,000. */
  capacity?: number;
  /**
   * Signed rejections kept apart, oldest evicted first; default capacity / 8. A rejection
   * costs its sender nothing (no fee is charged for a tx CheckTx refuses), so a flood of junk
   * or of wrongly sequenced txs must not push out the receipts of admitted txs.
   */
  rejectedCapacity?: number;
  /** The height this node had committed when it started (its block store's): receipts up to it are late. */
  committedHeight?: bigint;
  /**
   * A committed block from the node's block store, to judge a receipt that arrives after the
   * blocks kept in memory (a peer catching this node up after a restart or a long absence).
   * Without it such a receipt is reverted: it can no longer be checked.
   */
  loadCommitted?(height: bigint): Promise<CommittedSlots | undefined>;
  /**
   * Whether a receipt's signature is its sequencer's (receipt.ts receiptSignatureValid): run
   * before a receipt kept without that check (its bytes vouched for by a later receipt,
   * receiptChain.ts) is first handed out. Without it every receipt is taken as checked.
   */
  checkSignature?(signed: SignedReceipt): boolean;
}

export type ReceiptStage = "sequenced" | "rejected" | "committed" | "reverted";

export interface StoredReceipt {
  /** The signed receipt, as signed. A settled receipt holds only its bytes and decodes again here. */
  readonly signed: SignedReceipt;
  readonly receipt: Receipt;
  /** `SignedReceipt`'s encoding: what a peer is sent. */
  readonly bytes: Uint8Array;
  readonly height: bigint;
  stage: ReceiptStage;
  /** Local clock when this node got the receipt (signed it, or received it from a peer). */
  receivedAtMs: number;
  /** Local clock when its height committed. */
  settledAtMs?: number;
  /**
   * Whether its signature has been checked here. A relayed receipt whose bytes a later receipt
   * of its sequencer vouched for is kept (judged, shown on the ladder) without that check, and
   * checked only when something hands out its signature (ReceiptStore.servable).
   */
  readonly signatureChecked: boolean;
}

/**
 * A receipt as the store holds it. While its height is pending it keeps its decoded form,
 * which judging reads; once judged it keeps only its encoding (one buffer instead of about
 * ten small objects and byte arrays), and a reader decodes it again. The store keeps up to
 * `capacity` receipts, so this is most of a loaded node's live heap.
 */
class HeldReceipt implements StoredReceipt {
  settledAtMs?: number;
  private decoded: { signed: SignedReceipt; receipt: Receipt } | undefined;
  /** Its signature failed the check: the copy a peer sent had another signature than the sequencer's. */
  signatureBad = false;

  constructor(
    public bytes: Uint8Array,
    readonly height: bigint,
    public stage: ReceiptStage,
    readonly receivedAtMs: number,
    signed: SignedReceipt,
    receipt: Receipt,
    public signatureChecked: boolean,
  ) {
    this.decoded = stage === "sequenced" ? { signed, receipt } : undefined;
  }

  /** The same receipt bytes under a signature that checked: replaces a copy whose signature was not checked. */
  replaceCopy(signed: SignedReceipt, bytes: Uint8Array): void {
    if (this.decoded !== undefined) this.decoded = { signed, receipt: this.decoded.receipt };
    this.bytes = bytes;
    this.signatureChecked = true;
    this.signatureBad = false;
  }

  get signed(): SignedReceipt {
    return this.decoded?.signed ?? SignedReceipt.decode(this.bytes);
  }

  get receipt(): Receipt {
    return this.decoded?.receipt ?? Receipt.decode(this.signed.receipt);
  }

  /** Judged; the decoded form is kept until `release` (the store's listeners read it first). */
  settle(stage: "committed" | "reverted", nowMs: number): void {
    this.stage = stage;
    this.settledAtMs = nowMs;
  }

  /**
   * A judged receipt keeps only its bytes from now on. Called once the listeners have been
   * told: each of them reads the receipt, and each read of a released one decodes it twice
   * (the signed receipt, then the receipt), which at 125 receipts a block was a commit
   * step's largest share of the receipt store's time.
   */
  release(): void {
    if (this.stage !== "sequenced") this.decoded = undefined;
  }
}

export interface ReceiptStore {
  /**
   * Keeps a receipt; a newer one for the same tx (sequenced again after a revert) replaces it.
   * `bytes`: `signed`'s encoding when the caller holds it already (exactly what
   * `encodeMessage(SignedReceipt, signed)` gives: a relayed receipt's canonical bytes).
   */
  add(
    signed: SignedReceipt,
    receipt: Receipt,
    nowMs: number,
    bytes?: Uint8Array,
    signatureChecked?: boolean,
  ): StoredReceipt;
  /**
   * Whether the receipt may be handed out (to a client, a subscriber or a peer): its signature
   * has been checked, now if it had not been (true unless that check fails).
   */
  servable(r: StoredReceipt): boolean;
  /**
   * Another copy of a held receipt, with the same receipt bytes and a signature that checked,
   * replaces a held copy whose signature was not checked (no listener is told: nothing a
   * reader sees changed but the signature).
   */
  replaceCopy(r: StoredReceipt, signed: SignedReceipt, bytes: Uint8Array): void;
  get(txHash: Uint8Array): StoredReceipt | undefined;
  /** Whether someone waits for the tx's receipt (`wait`). */
  awaited(txHash: Uint8Array): boolean;
  /** Resolves with the tx's receipt as soon as there is one, or undefined after timeoutMs. */
  wait(txHash: Uint8Array, timeoutMs: number): Promise<StoredReceipt | undefined>;
  /**
   * Checks the receipts of `height` against its committed txs and results. With `proposer`,
   * a receipt signed by another validator is reverted even if the block happens to hold
   * its tx at its index: the block was not the sequencer's, the promise was not kept by it.
   */
  blockCommitted(
    height: bigint,
    txs: readonly Uint8Array[],
    results: readonly TxResult[],
    nowMs: number,
    proposer?: Uint8Array,
  ): void;
  onChange(listener: (r: StoredReceipt) => void): void;
  /** Up to `limit` receipts that `keep` selects, newest first. */
  newest(limit: number, keep: (r: StoredReceipt) => boolean): StoredReceipt[];
  readonly size: number;
}

export function createReceiptStore(o: ReceiptStoreOptions = {}): ReceiptStore {
  const capacity = o.capacity ?? 100_000;
  const rejectedCapacity = o.rejectedCapacity ?? Math.max(1, capacity >> 3);
  /** Receipts of sequenced txs, by tx hash. */
  const byTx = new Map<string, HeldReceipt>();
  /** Signed rejections, by tx hash: evicted among themselves only. */
  const rejected = new Map<string, HeldReceipt>();
  const held = (key: string): HeldReceipt | undefined => byTx.get(key) ?? rejected.get(key);
  /**
   * Receipts awaiting their height's block. A receipt superseded in byTx (the tx sequenced
   * again, by the next sequencer after the first was lost) stays here: it is still judged,
   * and reported reverted, when its own height commits.
   */
  const byHeight = new Map<bigint, Set<HeldReceipt>>();
  const waiters = new Map<string, ((r: StoredReceipt) => void)[]>();
  const listeners: ((r: StoredReceipt) => void)[] = [];

  function notify(key: string, r: StoredReceipt): void {
    const ws = waiters.get(key);
    if (ws !== undefined) {
      waiters.delete(key);
      for (const w of ws) w(r);
    }
    for (const l of listeners) l(r);
  }

  /** Blocks committed lately, kept so that a receipt arriving after its block is still judged. */
  const recent = new Map<bigint, CommittedSlots>();
  let lastCommitted = o.committedHeight ?? -1n;

  /** Judges a receipt against its committed block (listeners are told by the caller). */
  function settle(entry: HeldReceipt, height: bigint, block: CommittedSlots, nowMs: number): void {
    const { receipt } = entry;
    const tx = block.txs[receipt.index];
    const result = block.results[receipt.index];
    // Without a proposer the block is taken as the receipt's sequencer's.
    const { verdict } = judgeSlot(receipt, {
      height,
      proposer: block.proposer ?? receipt.sequencerAddress,
      txCount: block.txs.length,
      ...(tx === undefined || result === undefined
        ? {}
        : { txHash: sha256(tx), resultHash: resultHashOf(result), result }),
    });
    entry.settle(verdict === "honoured" ? "committed" : "reverted", nowMs);
  }

  /** No block to judge by: a receipt older than every block this node can read cannot come true. */
  function expire(entry: HeldReceipt, nowMs: number): void {
    entry.settle("reverted", nowMs);
  }

  /** Judges a late receipt against its block as stored on disk, then tells the listeners. */
  function settleFromDisk(
    entry: HeldReceipt,
    load: (height: bigint) => Promise<CommittedSlots | undefined>,
    nowMs: number,
  ): void {
    const height = entry.height;
    const judge = (block: CommittedSlots | undefined) => {
      if (entry.stage !== "sequenced") return;
      if (block === undefined) expire(entry, nowMs);
      else settle(entry, height, block, nowMs);
      for (const l of listeners) l(entry);
      entry.release();
    };
    // A block that cannot be read is as good as none: the receipt cannot be checked here.
    void load(height).then(judge, () => judge(undefined));
  }

  /** Drops a receipt for good (the store is over capacity). */
  function evict(key: string): void {
    const old = byTx.get(key);
    if (old === undefined) return;
    byTx.delete(key);
    byHeight.get(old.height)?.delete(old);
  }

  return {
    add(signed, receipt, nowMs, bytes, signatureChecked = true) {
      const key = toHex(receipt.txHash);
      const stage: ReceiptStage = receipt.status === ReceiptStatus.RECEIPT_STATUS_REJECTED ? "rejected" : "sequenced";
      const entry = new HeldReceipt(
        bytes ?? encodeMessage(SignedReceipt, signed),
        receipt.height,
        stage,
        nowMs,
        signed,
        receipt,
        signatureChecked,
      );
      const superseded = held(key);
      byTx.delete(key);
      rejected.delete(key);
      // A superseded receipt is still judged at its height, if that is near (memory stays bounded).
      if (superseded !== undefined && superseded.height > lastCommitted + RECENT_BLOCKS)
        byHeight.get(superseded.height)?.delete(superseded);
      if (stage === "rejected") {
        rejected.set(key, entry);
        evictOldest(rejected, rejectedCapacity);
        notify(key, entry);
        return entry;
      }
      byTx.set(key, entry);
      // A receipt that arrives after its height committed here (relayed late under load, or
      // sent by a peer catching this node up) is judged at once against that block: the one
      // kept in memory, else the one on disk (as soon as it is read).
      if (receipt.height <= lastCommitted) {
        const block = recent.get(receipt.height);
        if (block !== undefined) settle(entry, receipt.height, block, nowMs);
        else if (o.loadCommitted !== undefined) settleFromDisk(entry, o.loadCommitted, nowMs);
        else expire(entry, nowMs);
      } else {
        let waiting = byHeight.get(receipt.height);
        if (waiting === undefined) byHeight.set(receipt.height, (waiting = new Set()));
        waiting.add(entry);
      }
      evictOldest(byTx, capacity, evict);
      notify(key, entry);
      entry.release();
      return entry;
    },
    get: (txHash) => held(toHex(txHash)),
    awaited: (txHash) => waiters.has(toHex(txHash)),
    servable(r) {
      if (!(r instanceof HeldReceipt)) throw new Error("not a receipt of this store");
      if (r.signatureChecked || o.checkSignature === undefined) return true;
      if (r.signatureBad) return false;
      if (o.checkSignature(r.signed)) r.signatureChecked = true;
      else r.signatureBad = true;
      return r.signatureChecked;
    },
    replaceCopy(r, signed, bytes) {
      if (!(r instanceof HeldReceipt)) throw new Error("not a receipt of this store");
      r.replaceCopy(signed, bytes);
    },
    wait(txHash, timeoutMs) {
      const key = toHex(txHash);
      const known = held(key);
      if (known !== undefined) return Promise.resolve(known);
      return new Promise((resolve) => {
        // Node fires a timer by its loop's cached millisecond clock, up to a millisecond before
        // timeoutMs have passed on performance.now(): re-arm for the rest, so the wait is never short.
        const deadline = performance.now() + timeoutMs;
        const expire = () => {
          const left = deadline - performance.now();
          if (left > 0) {
            timer = setTimeout(expire, Math.ceil(left));
            return;
          }
          const ws = waiters.get(key)?.filter((w) => w !== done);
          if (ws === undefined || ws.length === 0) waiters.delete(key);
          else waiters.set(key, ws);
          resolve(undefined);
        };
        let timer = setTimeout(expire, timeoutMs);
        const done = (r: StoredReceipt) => {
          clearTimeout(timer);
          resolve(r);
        };
        waiters.set(key, [...(waiters.get(key) ?? []), done]);
      });
    },
    blockCommitted(height, txs, results, nowMs, proposer) {
      const block: CommittedSlots = {
        txs,
        results: results.map(forJudging),
        ...(proposer === undefined ? {} : { proposer }),
      };
      recent.set(height, block);
      if (height > lastCommitted) lastCommitted = height;
      for (const h of recent.keys()) if (h + RECENT_BLOCKS <= height) recent.delete(h);
      const waiting = byHeight.get(height);
      if (waiting === undefined) return;
      byHeight.delete(height);
      for (const entry of waiting) {
        if (entry.stage !== "sequenced") continue;
        settle(entry, height, block, nowMs);
        for (const l of listeners) l(entry);
        entry.release();
      }
    },
    onChange(listener) {
      listeners.push(listener);
    },
    newest(limit, keep) {
      const out: StoredReceipt[] = [];
      // Both maps are in arrival order: merged from their ends, newest first.
      const a = [...byTx.values()];
      const b = [...rejected.values()];
      let i = a.length - 1;
      let j = b.length - 1;
      while (out.length < limit && (i >= 0 || j >= 0)) {
        const r = j < 0 || (i >= 0 && a[i]!.receivedAtMs >= b[j]!.receivedAtMs) ? a[i--]! : b[j--]!;
        if (keep(r)) out.push(r);
      }
      return out;
    },
    get size() {
      return byTx.size + rejected.size;
    },
  };
}
