/**
 * The finality ladder: for every tx hash this node has seen, the stages it has reached —
 * `received → sequenced → committed → checkpointed → settled`, or `reverted` / `rejected` —
 * each with the node's local clock (this is not state: two nodes see different times).
 *
 * A reverted receipt is a step, not an end: the tx is sequenced again by the next
 * sequencer and committed later, so its steps read e.g. received · sequenced · reverted ·
 * sequenced · committed. `checkpointed` and `settled` come from the Ethereum settlement
 * work through `SettlementView`; until one is wired they are "not available", which the
 * JSON and the CLI show differently from "pending".
 *
 * Memory is bounded: at most `capacity` txs (insertion order = first seen; the oldest is
 * evicted first, whatever its stage) and at most MAX_STEPS steps per tx. A tx whose last
 * step is `rejected` is kept apart (at most capacity / 8, oldest first): a refusal costs its
 * sender nothing, and a flood of junk must not push out the ladders of admitted txs.
 */
import type { TxResult } from "../types/abci.js";
import { toHex } from "../types/bytes.js";
import type { StoredReceipt } from "./receiptStore.js";
import { evictOldest } from "../types/evictOldest.js";

export type LadderStage = "received" | "sequenced" | "committed" | "checkpointed" | "settled" | "reverted" | "rejected";

/** The rungs of a tx that goes well, in order. */
export const LADDER_RUNGS = ["received", "sequenced", "committed", "checkpointed", "settled"] as const;

export interface LadderStep {
  stage: LadderStage;
  /** Local clock, ms since the Unix epoch with sub-ms precision. */
  atMs: number;
  height?: bigint;
  index?: number;
  code?: number;
  codespace?: string;
  log?: string;
  /** checkpointed / settled: the L1 landing that covers this tx's height. */
  l1?: L1Inclusion;
}

/** A checkpoint on L1: the Strike height it commits to and where it landed. */
export interface L1Inclusion {
  checkpointHeight: bigint;
  tx: string;
  block: number;
}

export interface TxLadder {
  /** Uppercase hex of sha256(tx). */
  hash: string;
  /** The tx's signers (bech32), when this node decoded the tx. */
  accounts: string[];
  steps: LadderStep[];
}

/**
 * Where checkpoints and L1 settlement come from (the settlement work). `available` false:
 * the chain has no settlement yet, and those rungs are "not available".
 */
export interface SettlementView {
  available(): boolean;
}

export const NO_SETTLEMENT: SettlementView = { available: () => false };

/** A height that reached an L1 rung, when this node learnt it, and the landing. */
export interface L1Rung {
  height: bigint;
  atMs: number;
  l1?: L1Inclusion;
}

export interface NewestL1 {
  checkpointed?: L1Rung;
  settled?: L1Rung;
}

export interface FinalityLadder {
  /** The tx reached this node (before its CheckTx), from a client or a peer. */
  received(txHash: Uint8Array, atMs: number, accounts?: readonly string[]): void;
  /** The tx's signers, once decoded. */
  accounts(txHash: Uint8Array, accounts: readonly string[]): void;
  /** CheckTx refused the tx on this node. */
  refused(txHash: Uint8Array, result: TxResult, atMs: number): void;
  /** A receipt changed stage (signed, relayed, committed, reverted): from the receipt store. */
  receipt(r: StoredReceipt): void;
  /** A block committed: each of its txs reached `committed`. */
  committed(height: bigint, hashes: readonly Uint8Array[], results: readonly TxResult[], atMs: number): void;
  /** The settlement work reports a checkpoint (or L1 settlement) covering every height up to `height`. */
  checkpointed(height: bigint, atMs: number, l1?: L1Inclusion): void;
  settled(height: bigint, atMs: number, l1?: L1Inclusion): void;
  get(txHash: Uint8Array): TxLadder | undefined;
  accountsOf(txHash: Uint8Array): readonly string[];
  /** The highest height reported checkpointed and settled on L1 so far (none before the first). */
  newestL1(): NewestL1;
  onUpdate(listener: (l: TxLadder, step: LadderStep) => void): void;
  readonly settlement: SettlementView;
  readonly size: number;
}

/** Enough for received · sequenced · reverted · sequenced · reverted · sequenced · committed · checkpointed · settled, and then some. */
export const MAX_STEPS = 16;
/** The steps a receipt makes (ladder.receipt), as opposed to the block's and L1's. */
const RECEIPT_STAGES: ReadonlySet<string> = new Set(["sequenced", "reverted", "rejected"]);
export const DEFAULT_LADDER_CAPACITY = 50_000;
/** Committed heights waiting for their checkpoint / settlement, at most. */
const MAX_AWAITING_HEIGHTS = 10_000;

export function createFinalityLadder(o: { capacity?: number; settlement?: SettlementView } = {}): FinalityLadder {
  const capacity = o.capacity ?? DEFAULT_LADDER_CAPACITY;
  const settlement = o.settlement ?? NO_SETTLEMENT;
  const byHash = new Map<string, TxLadder>();
  /** Ladders whose last step is `rejected`, evicted among themselves only. */
  const refusedByHash = new Map<string, TxLadder>();
  const refusedCapacity = Math.max(1, capacity >> 3);
  const find = (key: string): TxLadder | undefined => byHash.get(key) ?? refusedByHash.get(key);
  /** Committed heights not yet checkpointed / settled → their tx keys (only while settlement is available). */
  const awaitingL1 = new Map<bigint, Set<string>>();
  const listeners: ((l: TxLadder, step: LadderStep) => void)[] = [];
  const newest: NewestL1 = {};

  function entry(key: string): TxLadder {
    let l = find(key);
    if (l === undefined) {
      l = { hash: key, accounts: [], steps: [] };
      byHash.set(key, l);
      evictOldest(byHash, capacity);
    }
    return l;
  }

  function step(key: string, s: LadderStep): void {
    const l = entry(key);
    // News of a receipt that comes after the tx's commit (a receipt relayed late, judged
    // against its block on arrival: the sequencer failed and the tx committed in another
    // block) is history: it goes before the commit, which stays where the tx is.
    const committed = RECEIPT_STAGES.has(s.stage) ? l.steps.findIndex((x) => x.stage === "committed") : -1;
    const at = committed >= 0 ? committed : l.steps.length;
    const before = l.steps[at - 1];
    // The same news twice (a receipt echoed by a peer, a block seen through two paths) is one step.
    if (before !== undefined && before.stage === s.stage && before.height === s.height && before.index === s.index)
      return;
    if (l.steps.length >= MAX_STEPS) return;
    l.steps.splice(at, 0, s);
    // Where it lives follows its last step: refused apart, anything else with the rest.
    const refusedNow = l.steps.at(-1)!.stage === "rejected";
    if (refusedNow && byHash.delete(key)) {
      refusedByHash.set(key, l);
      evictOldest(refusedByHash, refusedCapacity);
    } else if (!refusedNow && refusedByHash.delete(key)) {
      byHash.set(key, l);
      evictOldest(byHash, capacity);
    }
    for (const f of listeners) f(l, s);
  }

  function reachL1(stage: "checkpointed" | "settled", height: bigint, atMs: number, l1?: L1Inclusion): void {
    const rung: L1Rung = { height, atMs, ...(l1 === undefined ? {} : { l1 }) };
    // Settled implies checkpointed, as for the txs below.
    for (const s of stage === "settled" ? (["checkpointed", "settled"] as const) : ([stage] as const))
      if ((newest[s]?.height ?? -1n) < height) newest[s] = rung;
    for (const [h, keys] of awaitingL1) {
      if (h > height) continue;
      for (const key of keys) {
        const l = find(key);
        if (l === undefined || l.steps.some((s) => s.stage === stage)) continue;
        // Settled implies checkpointed: a settlement seen first (a node that started late) shows both.
        if (stage === "settled" && !l.steps.some((s) => s.stage === "checkpointed"))
          step(key, { stage: "checkpointed", atMs, height: h, ...(l1 === undefined ? {} : { l1 }) });
        step(key, { stage, atMs, height: h, ...(l1 === undefined ? {} : { l1 }) });
      }
      if (stage === "settled") awaitingL1.delete(h);
    }
  }

  return {
    received(txHash, atMs, accounts = []) {
      const key = toHex(txHash).toUpperCase();
      const known = find(key);
      if (known?.steps.some((s) => s.stage === "received")) return;
      const l = entry(key);
      if (l.accounts.length === 0) l.accounts = [...accounts];
      step(key, { stage: "received", atMs });
    },
    accounts(txHash, accounts) {
      const l = find(toHex(txHash).toUpperCase());
      if (l !== undefined && l.accounts.length === 0) l.accounts = [...accounts];
    },
    refused(txHash, result, atMs) {
      const key = toHex(txHash).toUpperCase();
      const steps = find(key)?.steps ?? [];
      // A peer echoing a tx that is already committed (or live under a receipt) fails CheckTx on
      // its used sequence: that says nothing about the tx itself.
      if (steps.some((s) => s.stage === "committed") || steps.at(-1)?.stage === "sequenced") return;
      step(key, {
        stage: "rejected",
        atMs,
        code: result.code,
        codespace: result.codespace,
        log: result.log,
      });
    },
    receipt(r) {
      // `committed` comes from the block itself (committed()), for every tx, receipted or not.
      if (r.stage === "committed") return;
      // Read once: a judged receipt the store holds as bytes only decodes again at each read.
      const receipt = r.receipt;
      const at = r.stage === "sequenced" || r.stage === "rejected" ? r.receivedAtMs : (r.settledAtMs ?? r.receivedAtMs);
      step(toHex(receipt.txHash).toUpperCase(), {
        stage: r.stage,
        atMs: at,
        height: receipt.height,
        index: receipt.index,
        code: receipt.code,
        codespace: receipt.codespace,
        ...(receipt.log === "" ? {} : { log: receipt.log }),
      });
    },
    committed(height, hashes, results, atMs) {
      const keys = new Set<string>();
      hashes.forEach((hash, index) => {
        const key = toHex(hash).toUpperCase();
        const r = results[index];
        step(key, { stage: "committed", atMs, height, index, code: r?.code ?? 0, codespace: r?.codespace ?? "" });
        keys.add(key);
      });
      if (settlement.available() && keys.size > 0) {
        awaitingL1.set(height, keys);
        // A settlement that stalls must not grow this without end: the oldest heights are given up.
        evictOldest(awaitingL1, MAX_AWAITING_HEIGHTS);
      }
    },
    checkpointed: (height, atMs, l1) => reachL1("checkpointed", height, atMs, l1),
    settled: (height, atMs, l1) => reachL1("settled", height, atMs, l1),
    get: (txHash) => find(toHex(txHash).toUpperCase()),
    accountsOf: (txHash) => find(toHex(txHash).toUpperCase())?.accounts ?? [],
    newestL1: () => ({ ...newest }),
    onUpdate(listener) {
      listeners.push(listener);
    },
    settlement,
    get size() {
      return byHash.size + refusedByHash.size;
    },
  };
}
