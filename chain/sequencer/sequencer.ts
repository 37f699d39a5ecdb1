/**
 * The sequencer: while this node proposes round 0 of a height, every tx the mempool admits
 * is executed at once on the speculative state (committed state + the height's
 * begin-block + the txs sequenced before it) and answered with a signed receipt. Its
 * proposal is exactly the receipted txs in receipt order, under the block time and
 * evidence fixed when the height opened, so the validators' re-execution gives the same
 * results. A tx that fails before its fee is charged gets a signed rejection and stays
 * out of the block.
 *
 * Heights are not pipelined yet: a tx that arrives after the proposal is sealed waits (in
 * the mempool) for the next height to open, right after this one commits.
 */
import { ed25519Address, type Ed25519Signer } from "../crypto/ed25519.js";
import { sha256 } from "../crypto/hash.js";
import type { HeightPlan, SealedBlock } from "../consensus/types.js";
import type { SpeculativeBlock, SpeculativeBlockRequest } from "../runtime/speculative.js";
import type { Timestamp, TxResult } from "../types/abci.js";
import type { DuplicateVoteEvidence } from "../types/block.js";
import { toHex } from "../types/bytes.js";
import type { ByzantineSequencing } from "./byzantine.js";
import { fillsFromEvents } from "./fills.js";
import { ReceiptStatus, receiptHash, signReceipt, type Receipt, type SignedReceipt } from "./receipt.js";
import { resultHashOf, type ReceiptStore } from "./receiptStore.js";

/** CheckTx refusals that say nothing about the tx itself (it is known already): never signed. */
export const DUPLICATE_CODES = new Set(["sdk/19"]);

export interface SequencerOptions {
  chainId: string;
  app: { openSpeculativeBlock(req: SpeculativeBlockRequest): SpeculativeBlock };
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
  /** Each receipt this sequencer signs, to relay to peers. */
  publish?(signed: SignedReceipt): void;
  logger?: { warn(msg: string, fields?: Record<string, unknown>): void };
  /** TESTS ONLY (see byzantine.ts): break a receipt once. */
  byzantineForTesting?: ByzantineSequencing;
}

export interface Sequencer {
  openHeight(plan: HeightPlan): void;
  sealBlock(height: bigint): SealedBlock | undefined;
  /** A tx the mempool admitted (from a client or a peer). */
  admitted(tx: Uint8Array): void;
  /** A tx the mempool refused: while a height is open, the refusal is signed. */
  refused(tx: Uint8Array, result: TxResult): void;
  /** The height committed (with our block or another): its speculative state is dropped. */
  committed(height: bigint): void;
  /** The height open for sequencing, if any. */
  readonly height: bigint | undefined;
  /** A module query on the open height's speculative state; undefined when no height is open. */
  speculativeQuery(path: string, data: Uint8Array): { height: bigint; value: Uint8Array } | undefined;
}

interface OpenHeight {
  height: bigint;
  epoch: bigint;
  time: Timestamp;
  evidence: DuplicateVoteEvidence[];
  spec: SpeculativeBlock;
  txs: Uint8Array[];
  hashes: Set<string>;
  bytes: number;
  gas: bigint;
  /** No more txs: proposed, or the block is full (later txs keep their arrival order in the next height). */
  sealed: boolean;
  full: boolean;
}

export function createSequencer(o: SequencerOptions): Sequencer {
  const address = ed25519Address(o.signer.publicKey);
  let open: OpenHeight | undefined;
  let previous: Uint8Array = new Uint8Array(0);

  function sign(
    fields: Partial<Receipt> & Pick<Receipt, "height" | "txHash" | "status">,
    epoch: bigint,
  ): SignedReceipt {
    const receipt: Receipt = {
      chainId: o.chainId,
      index: 0,
      code: 0,
      codespace: "",
      resultHash: new Uint8Array(0),
      fills: [],
      log: "",
      ...fields,
      sequencerAddress: address,
      epoch,
      previousReceiptHash: previous,
    };
    const signed = signReceipt(receipt, o.signer);
    previous = receiptHash(signed);
    o.receipts.add(signed, receipt, o.now());
    o.publish?.(signed);
    return signed;
  }

  function reject(h: OpenHeight, txHash: Uint8Array, r: TxResult): void {
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

  function sequence(tx: Uint8Array): void {
    const h = open;
    if (h === undefined || h.sealed || h.full) return;
    const txHash = sha256(tx);
    const key = toHex(txHash);
    if (h.hashes.has(key)) return;
    if (h.bytes + tx.length > o.maxBlockBytes) {
      h.full = true;
      return;
    }
    const fitsGas = (r: TxResult) => o.maxBlockGas < 0n || h.gas + r.gasWanted <= o.maxBlockGas;
    const outcome = h.spec.execute(tx, fitsGas);
    if (!outcome.included) {
      reject(h, txHash, outcome.result);
      return;
    }
    if (!outcome.kept) {
      h.full = true;
      return;
    }
    const r = outcome.result;
    const index = h.txs.length;
    h.txs.push(tx);
    h.hashes.add(key);
    h.bytes += tx.length;
    h.gas += r.gasWanted;
    const promise = {
      height: h.height,
      index,
      txHash,
      status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
      code: r.code,
      codespace: r.codespace,
      resultHash: resultHashOf(r),
      fills: fillsFromEvents(r.events),
    };
    sign(promise, h.epoch);
    const twin = o.byzantineForTesting?.conflictingResult(promise.resultHash);
    if (twin !== undefined) sign({ ...promise, resultHash: twin }, h.epoch);
  }

  return {
    get height() {
      return open?.height;
    },
    openHeight(plan) {
      open = {
        height: plan.height,
        epoch: o.epoch(),
        time: plan.time,
        evidence: plan.evidence,
        spec: o.app.openSpeculativeBlock({
          height: plan.height,
          time: plan.time,
          misbehavior: plan.misbehavior,
          decidedLastCommit: plan.decidedLastCommit,
          proposerAddress: plan.proposerAddress,
          ...(plan.lastResultsHash === undefined ? {} : { lastResultsHash: plan.lastResultsHash }),
          ...(plan.lastBlockHash === undefined ? {} : { lastBlockHash: plan.lastBlockHash }),
        }),
        txs: [],
        hashes: new Set(),
        bytes: 0,
        gas: 0n,
        sealed: false,
        full: false,
      };
      for (const tx of o.pending()) sequence(tx);
    },
    sealBlock(height) {
      if (open?.height !== height) return undefined;
      open.sealed = true;
      const txs = o.byzantineForTesting?.proposal(open.txs) ?? [...open.txs];
      return { txs, time: open.time, evidence: open.evidence };
    },
    admitted(tx) {
      sequence(tx);
    },
    refused(tx, result) {
      const h = open;
      if (h === undefined || DUPLICATE_CODES.has(`${result.codespace}/${result.code}`)) return;
      reject(h, sha256(tx), result);
    },
    committed(height) {
      if (open !== undefined && open.height <= height) open = undefined;
    },
    speculativeQuery(path, data) {
      return open === undefined ? undefined : { height: open.height, value: open.spec.query(path, data) };
    },
  };
}
