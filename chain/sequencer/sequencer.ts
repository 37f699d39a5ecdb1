/**
 * The sequencer: while this node proposes round 0 of a height, every tx the mempool admits
 * is executed at once on the speculative state (committed state + the blocks in flight +
 * the height's begin-block + the txs sequenced before it) and answered with a signed
 * receipt. Its proposal is exactly the receipted txs in receipt order, under the block time
 * and evidence fixed when the height opened, so the validators' re-execution gives the same
 * results. A tx that fails before its fee is charged gets a signed rejection and stays out
 * of the block.
 *
 * Pipelining: once height H is sealed (proposed), the sequencer opens H+1 on H's
 * speculative state at once, so a tx arriving while H is in consensus gets its receipt for
 * H+1 without waiting. What H+1's begin-block sees of H's commit (its votes, app hash and
 * block hash) is not known yet and is predicted; when H commits and consensus opens H+1
 * for real, the pipelined txs are re-executed on the real opening (pipeline.ts) and every
 * receipt is compared. If one would not come true (a rare prediction miss: a tx that reads
 * what the votes changed, or H committed otherwise), this validator does not propose H+1
 * at all: another proposer commits it, a liveness fault, and the receipts are reverted —
 * never a broken promise.
 */
import { blockTxBytes } from "../types/block.js";
import { ed25519Address, type Ed25519Signer } from "../crypto/ed25519.js";
import { txHash as hashOfTx } from "../crypto/txHash.js";
import type { HeightPlan, SealedBlock } from "../consensus/types.js";
import type { LastCommitInfo, Timestamp, TxResult } from "../types/abci.js";
import { timestampToNs } from "../consensus/blockFactory.js";
import { equalBytes, toHex } from "../types/bytes.js";
import type { ByzantineSequencing } from "./byzantine.js";
import { fillsFromEvents } from "./fills.js";
import {
  keep,
  openSequencedHeight,
  pipelinedRequest,
  rebaseHeight,
  requestOf,
  type RebaseApp,
  retimedRequest,
  type SequencedHeight,
  withLastCommit,
} from "./pipeline.js";
import { ReceiptStatus, receiptHash, signReceipt, type Receipt, type SignedReceipt } from "./receipt.js";
import { resultHashOf, type ReceiptStore } from "./receiptStore.js";
import type { AnteObserver, AnteReads, AnteWrites } from "../runtime/runTx.js";

/** CheckTx refusals that say nothing about the tx itself (it is known already): never signed. */
export const DUPLICATE_CODES = new Set(["sdk/19"]);

export interface SequencerOptions {
  chainId: string;
  app: RebaseApp;
  /** Txs waiting in arrival order (the mempool): sequenced first when a height opens. */
  pending(): Uint8Array[];
  signer: Ed25519Signer;
  /** The epoch of the height being opened (the schedule has selected it by then). */
  epoch(): bigint;
  receipts: ReceiptStore;
  /** Room for txs in a block (the consensus driver's own limit) and the block gas limit (-1: none). */
  maxBlockBytes: number;
  maxBlockGas: bigint;
  now(): number;
  /**
   * Whether this node will sequence `height` too if the height before it commits as
   * proposed (the same epoch): then it is opened as soon as the one before is sealed.
   * Absent: no pipelining (a height opens only when the previous one has committed).
   */
  mayPipeline?(height: bigint): boolean;
  /** Each receipt this sequencer signs, with its encoding, to relay to peers. */
  publish?(signed: SignedReceipt, bytes: Uint8Array): void;
  logger?: { warn(msg: string, fields?: Record<string, unknown>): void };
  /** TESTS ONLY (see byzantine.ts): break a receipt once. */
  byzantineForTesting?: ByzantineSequencing;
}

/** Whether `a` is a valid time for the block after one timed `b` (strictly later). */
function isAfter(a: Timestamp, b: Timestamp): boolean {
  return timestampToNs(a) > timestampToNs(b);
}

/** Whether a block's txs are exactly the proposal's. */
function sameTxs(proposal: readonly Uint8Array[] | undefined, txs: readonly Uint8Array[]): boolean {
  return proposal !== undefined && proposal.length === txs.length && proposal.every((tx, i) => equalBytes(tx, txs[i]!));
}

/** sealBlock's answer for a height whose receipts this validator cannot honour: it must not propose it. */
export const ABSTAIN = "abstain" as const;

export interface Sequencer {
  openHeight(plan: HeightPlan): void;
  /**
   * The block to propose at `height` (consensus/types.ts's BlockBuilder.sealBlock): the
   * first seal moves it under `lastCommit` when every receipt comes out the same there
   * (absent: it keeps the last commit it opened with).
   */
  sealBlock(height: bigint, lastCommit?: LastCommitInfo): SealedBlock | typeof ABSTAIN | undefined;
  /** A tx the mempool admitted (from a client or a peer). */
  admitted(tx: Uint8Array): void;
  /**
   * A tx arriving, before the mempool's CheckTx: sequenced at once when a height is open.
   * True when the sequencer signed something for it (a receipt or a rejection).
   */
  arrived(tx: Uint8Array): boolean;
  /** A tx the mempool refused: while a height is open, the refusal is signed. */
  refused(tx: Uint8Array, result: TxResult): void;
  /**
   * A tx not yet checked by the mempool, executed on the open height in CheckTx's stead
   * (admission.ts): when its ante passes there, `standsForCheckTx` accepts the ante's writes
   * and the height keeps it, it is receipted as `admitted` would, and the ante's writes and
   * result (as CheckTx reports one) are returned, with what the ante read (for the mempool's
   * next re-check: chain/runtime/anteReplay.ts). Undefined, with nothing signed or kept,
   * otherwise: CheckTx then decides, as for any tx.
   */
  sequenceUnchecked(
    tx: Uint8Array,
    standsForCheckTx: (writes: AnteWrites) => boolean,
  ): { writes: AnteWrites; check: TxResult; reads: AnteReads | undefined } | undefined;
  /**
   * The height committed (with our block or another): its speculative state is dropped. With
   * the committed block's txs and round: when that is the block this sequencer proposed, in
   * round 0, the pipelined height above it goes on taking txs until consensus opens it for
   * real; otherwise (or without them) it takes none until then. The block's time bounds the
   * next: a pipelined height timed at or before it is never proposed.
   */
  committed(height: bigint, block?: { txs: readonly Uint8Array[]; round: number; time: Timestamp }): void;
  /** The height open for sequencing, if any (with pipelining, the one after the block in consensus). */
  readonly height: bigint | undefined;
  /** A module query on the open height's speculative state; undefined when no height is open. */
  speculativeQuery(path: string, data: Uint8Array): { height: bigint; value: Uint8Array } | undefined;
}

export function createSequencer(o: SequencerOptions): Sequencer {
  const address = ed25519Address(o.signer.publicKey);
  /** The height receiving txs (pipelined or not). */
  let open: SequencedHeight | undefined;
  /** The sealed height in consensus under a pipelined `open`. */
  let inFlight: SequencedHeight | undefined;
  /** A height whose receipts cannot all come true: this validator proposes nothing at it. */
  let abstainAt: bigint | undefined;
  let previous: Uint8Array = new Uint8Array(0);
  /** The time of the last committed block, when the caller says (committed's `block`). */
  let lastCommittedTime: Timestamp | undefined;

  function sign(fields: Partial<Receipt> & Pick<Receipt, "height" | "txHash" | "status">, epoch: bigint): Receipt {
    const receipt: Receipt = {
      chainId: o.chainId,
      index: 0,
      code: 0,
      codespace: "",
      resultHash: new Uint8Array(0),
      fills: [],
      log: "",
      data: new Uint8Array(0),
      gasWanted: 0n,
      gasUsed: 0n,
      ...fields,
      sequencerAddress: address,
      epoch,
      previousReceiptHash: previous,
    };
    const signed = signReceipt(receipt, o.signer);
    previous = receiptHash(signed);
    const stored = o.receipts.add(signed, receipt, o.now());
    o.publish?.(signed, stored.bytes);
    return receipt;
  }

  function reject(h: SequencedHeight, txHash: Uint8Array, r: TxResult): void {
    sign(
      {
        height: h.height,
        txHash,
        status: ReceiptStatus.RECEIPT_STATUS_REJECTED,
        code: r.code,
        codespace: r.codespace,
        log: r.log,
      },
      h.epoch,
    );
  }

  const fitsGas = (h: SequencedHeight) => (r: TxResult) => o.maxBlockGas < 0n || h.gas + r.gasWanted <= o.maxBlockGas;

  /** The open height re-opened at the current time when nothing was promised under its old one (pipeline.ts). */
  function freshen(): void {
    const h = open;
    const req = h === undefined ? undefined : retimedRequest(h, o.now());
    if (h === undefined || req === undefined) return;
    open = openSequencedHeight({
      spec: o.app.openSpeculativeBlock(req),
      req,
      epoch: h.epoch,
      evidence: h.evidence,
      pipelined: false,
    });
  }

  /**
   * Executes and receipts `tx` on the open height; true when it signed a receipt or a
   * rejection. `unchecked` (in CheckTx's stead): the ante is observed, a tx whose ante fails
   * is not signed for, and one `keeps` turns down is neither kept nor signed for.
   */
  function sequence(tx: Uint8Array, unchecked?: { onAnte: AnteObserver; keeps(): boolean }): boolean {
    freshen();
    const h = open;
    // A closed block is one whose changes were committed (finalize reused them) or moved on.
    if (h === undefined || h.sealed || h.full || h.paused || h.spec.closed) return false;
    const txHash = hashOfTx(tx);
    const key = toHex(txHash);
    // A tx of the block in flight is still in the mempool until that block commits; a
    // committed one sent again must not have its committed receipt replaced by a rejection.
    if (h.hashes.has(key) || inFlight?.hashes.has(key) === true) return false;
    if (o.receipts.get(txHash)?.stage === "committed") return false;
    if (h.bytes + blockTxBytes(tx.length) > o.maxBlockBytes) {
      h.full = true;
      return false;
    }
    let turnedDown = false;
    const fits = fitsGas(h);
    const accept =
      unchecked === undefined
        ? fits
        : (r: TxResult) => {
            turnedDown = !unchecked.keeps();
            return !turnedDown && fits(r);
          };
    const outcome = h.spec.execute(tx, accept, unchecked?.onAnte);
    if (!outcome.included) {
      // In CheckTx's stead: CheckTx runs next, and refuses it or admits it (then it comes back here).
      if (unchecked !== undefined) return false;
      reject(h, txHash, outcome.result);
      return true;
    }
    if (!outcome.kept) {
      if (!turnedDown) h.full = true;
      return false;
    }
    const r = outcome.result;
    const promise = {
      height: h.height,
      index: h.txs.length,
      txHash,
      status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
      code: r.code,
      codespace: r.codespace,
      resultHash: resultHashOf(r),
      fills: fillsFromEvents(r.events),
      data: r.data,
      gasWanted: r.gasWanted,
      gasUsed: r.gasUsed,
    };
    keep(h, tx, r, key);
    const lie = o.byzantineForTesting?.falseFills(promise.fills);
    h.promises.push(sign(lie === undefined ? promise : { ...promise, fills: lie }, h.epoch));
    const twin = o.byzantineForTesting?.conflictingResult(promise);
    if (twin !== undefined) sign({ ...promise, ...twin }, h.epoch);
    return true;
  }

  function sequencePending(): void {
    for (const tx of o.pending()) sequence(tx);
  }

  /** Opens the height after the sealed `h` on its speculative state, while `h` is in consensus. */
  function pipeline(h: SequencedHeight): void {
    const next = h.height + 1n;
    if (o.mayPipeline?.(next) !== true) return;
    h.spec.close();
    inFlight = h;
    const req = pipelinedRequest(h, o.now());
    open = openSequencedHeight({ spec: h.spec.openNext(req), req, epoch: h.epoch, evidence: [], pipelined: true });
    sequencePending();
  }

  function sealed(h: SequencedHeight): SealedBlock {
    // Fixed at the first seal: a later round of the same height proposes the same block.
    h.proposal ??= o.byzantineForTesting?.proposal(h.txs) ?? [...h.txs];
    return { txs: h.proposal, time: h.req.time, evidence: h.evidence, decidedLastCommit: h.req.decidedLastCommit };
  }

  return {
    get height() {
      return open?.height;
    },
    openHeight(plan) {
      inFlight = undefined;
      const p = open;
      open = undefined;
      // Predicted under a time another proposer's later block has since passed (it committed the
      // height below in a later round): a block under that time is invalid, and receipts
      // signed under it cannot be re-signed under another. With none signed, it opens afresh.
      const late = p !== undefined && lastCommittedTime !== undefined && !isAfter(p.req.time, lastCommittedTime);
      if (p !== undefined && p.pipelined && p.height === plan.height && !(late && p.promises.length === 0)) {
        const rebased = late ? undefined : rebaseHeight(p, plan, o.epoch(), o.app, fitsGas);
        if (rebased === undefined) {
          abstainAt = plan.height;
          o.logger?.warn("pipelined receipts would not come true on the real opening: not proposing this height", {
            height: String(plan.height),
            receipts: p.txs.length,
            ...(late ? { reason: "its time is not after the committed block's" } : {}),
          });
          return;
        }
        open = rebased;
      } else {
        const req = requestOf(plan);
        open = openSequencedHeight({
          spec: o.app.openSpeculativeBlock(req),
          req,
          epoch: o.epoch(),
          evidence: plan.evidence,
          pipelined: false,
        });
      }
      sequencePending();
    },
    sealBlock(height, lastCommit) {
      if (abstainAt === height) return ABSTAIN;
      if (inFlight?.height === height) return sealed(inFlight);
      // An empty block proposed after an idle wait (the empty-block interval) carries the time it is proposed at.
      if (open?.height === height) freshen();
      const h = open;
      if (h?.height !== height) return undefined;
      // Receipts were signed on a prediction that was never checked against the real opening.
      if (h.pipelined) return ABSTAIN;
      if (h.sealed) return sealed(h);
      // The precommits that arrived after the previous decision: signed blocks, not misses.
      const s = lastCommit === undefined ? h : withLastCommit(h, lastCommit, o.app);
      open = s;
      s.sealed = true;
      const block = sealed(s);
      pipeline(s);
      return block;
    },
    admitted(tx) {
      sequence(tx);
    },
    arrived: (tx) => sequence(tx),
    sequenceUnchecked(tx, standsForCheckTx) {
      let ante: { writes: AnteWrites; check: TxResult; reads: AnteReads | undefined } | undefined;
      const signed = sequence(tx, {
        onAnte: (writes, check, reads) => (ante = standsForCheckTx(writes) ? { writes, check, reads } : undefined),
        keeps: () => ante !== undefined,
      });
      return signed ? ante : undefined;
    },
    refused(tx, result) {
      const h = open;
      if (h === undefined || DUPLICATE_CODES.has(`${result.codespace}/${result.code}`)) return;
      const txHash = hashOfTx(tx);
      // A tx receipted already (in flight, or committed) that comes back, say re-sent by a
      // peer after the seen-tx cache forgot it, fails CheckTx on its own sequence: signing
      // that refusal would contradict the receipt and replace it in the store.
      const stage = o.receipts.get(txHash)?.stage;
      if (stage === "sequenced" || stage === "committed") return;
      reject(h, txHash, result);
    },
    committed(height, block) {
      if (block !== undefined) lastCommittedTime = block.time;
      const asProposed =
        block !== undefined &&
        block.round === 0 &&
        inFlight?.height === height &&
        sameTxs(inFlight.proposal, block.txs);
      if (inFlight !== undefined && inFlight.height <= height) inFlight = undefined;
      if (open !== undefined) {
        if (open.height <= height) open = undefined;
        // Re-based when consensus opens it for real (openHeight), else never proposed. Until
        // then it keeps sequencing only on the block it was predicted on, committed as
        // proposed and still in this sequencer's epoch: its receipts are then checked at the
        // re-base like the ones before the commit, and arrivals do not wait out the block's
        // write and the next opening (on the localnet at 100 orders/s, 4–17 of a block's
        // ~25 orders arrived in that window, 4–37 ms long).
        else if (
          open.pipelined &&
          !(asProposed && open.height === height + 1n && o.mayPipeline?.(open.height) === true)
        )
          open.paused = true;
      }
      if (abstainAt !== undefined && abstainAt <= height) abstainAt = undefined;
    },
    speculativeQuery(path, data) {
      const h = open ?? inFlight;
      return h === undefined ? undefined : { height: h.height, value: h.spec.query(path, data) };
    },
  };
}
