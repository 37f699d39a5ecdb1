/**
 * Soft finality wired into a node: the epoch schedule (for the consensus driver), the
 * sequencer and its mempool admission, the receipt store, receipts relayed between peers,
 * and what RPC shows. chain/node composes it; nothing here reaches consensus state.
 */
import type { ProposerSelection, ValidatorSet } from "../consensus/proposer.js";
import type { CommittedBlock, HeightPlan, SealedBlock } from "../consensus/types.js";
import { createEd25519Signer, ed25519Address, verifyEd25519Strict } from "../crypto/ed25519.js";
import { sha256 } from "../crypto/hash.js";
import type { Mempool } from "../mempool/mempool.js";
import type { RebaseApp } from "./pipeline.js";
import type { Database, WriteBatch } from "../store/types.js";
import type { LastCommitInfo } from "../types/abci.js";
import type { Validator } from "../types/block.js";
import { equalBytes, toHex } from "../types/bytes.js";
import { sequencingMempool, uncheckedAdmission, type UncheckedAdmissionApp } from "./admission.js";
import { createByzantineSequencing, type ByzantineMode } from "./byzantine.js";
import { openSequencerSchedule, type EpochInfo } from "./epochs.js";
import { missingReceipt, type MissingReceiptJson } from "./missingReceipt.js";
import {
  checkReceiptContent,
  decodeReceipt,
  decodeSignedReceipt,
  receiptSignatureValid,
  SignedReceipt,
  type Receipt,
} from "./receipt.js";
import { authenticateRelayed, type RelayedReceipt } from "./receiptChain.js";
import { receiptToJson, type ReceiptJson } from "./receiptJson.js";
import { createReceiptStore, type CommittedSlots, type ReceiptStore, type StoredReceipt } from "./receiptStore.js";
import { createSequencer, type Sequencer } from "./sequencer.js";
import { createFinalityLadder, type FinalityLadder, type SettlementView } from "./ladder.js";
import { l1FinalityJson, txStatusJson, type L1FinalityJson, type TxStatusJson } from "./ladderJson.js";
import { trackingMempool } from "./tracking.js";
import {
  createQueryForwarder,
  createQueryRelay,
  createQueryServer,
  handleQueryMessage,
  NOT_SEQUENCING_NOW,
  RemoteQueryError,
} from "./remoteQuery.js";

export interface SequencingOptions {
  db: Database;
  chainId: string;
  initialHeight: bigint;
  epochLength: bigint;
  /** With `admissibleWithoutState` and `applyAnteToCheckState`, the sequencer's execution on arrival stands in for CheckTx (admission.ts). */
  app: RebaseApp & Partial<UncheckedAdmissionApp>;
  mempool: Mempool;
  /** The validator's ed25519 seed; undefined on a full node (it relays receipts but never signs). */
  validatorSeed: Uint8Array | undefined;
  maxBlockBytes: number;
  maxBlockGas: bigint;
  /** The current validator set (relayed receipts must come from one of them). */
  validators(): readonly Validator[];
  now?(): number;
  /** A tx's signers (bech32), for the ladder and the receipt topic's account filter; throws on undecodable bytes. */
  txAccounts?(tx: Uint8Array): readonly string[];
  /** Checkpoints and L1 settlement for the ladder (the settlement work); "not available" when absent. */
  settlement?: SettlementView;
  /** The height the block store holds at start: receipts up to it that arrive later are judged at once. */
  committedHeight?: bigint;
  /** A committed block from the block store, to judge a receipt relayed after the blocks kept in memory. */
  loadCommitted?(height: bigint): Promise<CommittedSlots | undefined>;
  /** Connected peers (to say why a tx's receipt is missing); unknown when absent. */
  peers?(): number;
  /**
   * Sends a speculative query message to every peer on the "queries" channel (remoteQuery.ts),
   * but `except`, and returns how many it went to; without it, a node that is not the
   * sequencer answers none, and passes none on.
   */
  broadcastQuery?(bytes: Uint8Array, except?: string): number;
  /** Sends a "queries" message to one peer (an answer passed back to the peer that asked). */
  sendQuery?(peer: string, bytes: Uint8Array): void;
  /** How long a query forwarded to the sequencer waits for its answer (default 2 s). */
  queryRelayTimeoutMs?: number;
  /** TESTS ONLY: the sequencer breaks a receipt once (byzantine.ts). */
  byzantineForTesting?: ByzantineMode;
}

export interface SequencerInfoJson {
  epoch: string;
  epoch_length: string;
  start_height: string;
  planned_end_height: string;
  address: string;
  /** Whether this node is the sequencer. */
  is_self: boolean;
}

/** What a receipt from a peer came to: only "invalid" is the peer's fault. */
/** `new`: stored now (pass it on); `kept`: held already, or superseded by a newer one held. */
export type RelayVerdict =
  { verdict: "new" } | { verdict: "kept" } | { verdict: "ignored" } | { verdict: "invalid"; reason: string };

export interface ReceiptRelayStats {
  /** Relayed receipts kept with their signature checked on arrival. */
  signature: number;
  /** Relayed receipts kept on a later receipt's word (receiptChain.ts). */
  chain: number;
  /** Signatures of such receipts checked later, before one was handed out. */
  onServe: number;
}

export interface Sequencing {
  readonly mempool: Mempool;
  /** A tx has reached this node (before its signatures are verified): its ladder's `received` time. */
  arrived(tx: Uint8Array): void;
  readonly receipts: ReceiptStore;
  proposerSelection(height: bigint, set: ValidatorSet): ProposerSelection;
  openHeight(plan: HeightPlan): void;
  sealBlock(height: bigint, lastCommit: LastCommitInfo): SealedBlock | "abstain" | undefined;
  /** In the block's commit step (same batch as the block). */
  blockCommitting(c: CommittedBlock, batch: WriteBatch): void;
  /** A receipt from a peer: kept when it verifies and its signer is a validator; "invalid" only for what an honest peer never sends. */
  relayed(bytes: Uint8Array): RelayVerdict;
  /**
   * Receipts from peers in the order they arrived (those read in one turn of the event loop),
   * one verdict each: as `relayed`, but a receipt whose bytes a later one of the same
   * sequencer vouches for is kept without its signature checked (receiptChain.ts).
   */
  relayedBatch(batch: readonly Uint8Array[]): RelayVerdict[];
  /**
   * Whether a relayed receipt's bytes (as `relayed` took them) may go to a peer that asks for
   * them: its signature is checked first if it was not.
   */
  servableRelayed(bytes: Uint8Array): boolean;
  /** How the relayed receipts kept here were authenticated, and the signatures checked since to hand them out. */
  relayStats(): ReceiptRelayStats;
  /** Where this node's own receipts go (to peers). */
  onPublish(send: (bytes: Uint8Array) => void): void;
  /**
   * What a peer that has just (re)connected missed while it was away: the newest receipts this
   * node holds — its own still in flight, and those of heights committed meanwhile, whoever
   * signed them — up to `maxCount` and `maxBytes`, oldest first, encoded as on the wire. The
   * peer judges each against its block (one it has committed, on disk, or the next it commits)
   * and keeps only what it did not have, so that its clients can fetch those receipts there.
   */
  catchUpReceipts(limits: { maxCount: number; maxBytes: number }): Uint8Array[];
  /** The tx's receipt, waiting up to waitMs for it. */
  receipt(txHash: Uint8Array, waitMs: number): Promise<ReceiptJson | undefined>;
  /** Why this node has no receipt for a tx it was given (admitted or not by its CheckTx) after waiting waitedMs. */
  missingReceipt(admitted: boolean, waitedMs: number): MissingReceiptJson;
  info(): SequencerInfoJson | undefined;
  /** The finality ladder of the txs this node has seen. */
  readonly ladder: FinalityLadder;
  /** A tx's ladder as JSON; undefined when this node has not seen it (or has evicted it). */
  txStatus(txHash: Uint8Array): TxStatusJson | undefined;
  /** The highest heights checkpointed and settled on L1, as this node has read them. */
  l1Finality(): L1FinalityJson;
  /**
   * A module query on the sequencer's speculative state (receipted txs included): answered
   * here on the sequencer, else forwarded to it through the peers (remoteQuery.ts).
   * `unavailable` says why no answer came; undefined when this node has nobody to ask; throws
   * when the query itself is refused (here or by the sequencer).
   */
  speculativeQuery(path: string, data: Uint8Array): Promise<SpeculativeAnswer | { unavailable: string } | undefined>;
  /**
   * A message of the "queries" channel from a peer: a request this node answers (as the
   * sequencer) with `reply`, or an answer to one of its own; "invalid" only for what an
   * honest peer never sends.
   */
  queryMessage(peer: string, bytes: Uint8Array): { reply?: Uint8Array; invalid?: string };
}

export interface SpeculativeAnswer {
  height: bigint;
  value: Uint8Array;
  /** The sequencer's address (hex) when the answer was forwarded from it. */
  relayedFrom?: string;
}

export async function openSequencing(o: SequencingOptions): Promise<Sequencing> {
  // Sub-millisecond local time: the ladder reports receipts in fractions of a ms.
  const now = o.now ?? (() => performance.timeOrigin + performance.now());
  const schedule = await openSequencerSchedule({
    db: o.db,
    epochLength: o.epochLength,
    initialHeight: o.initialHeight,
  });
  const signatureValid = (signed: SignedReceipt) => receiptSignatureValid(signed, o.chainId, verifyEd25519Strict);
  const relayStats: ReceiptRelayStats = { signature: 0, chain: 0, onServe: 0 };
  const receipts = createReceiptStore({
    checkSignature: (signed) => {
      relayStats.onServe++;
      return signatureValid(signed);
    },
    ...(o.committedHeight === undefined ? {} : { committedHeight: o.committedHeight }),
    ...(o.loadCommitted === undefined ? {} : { loadCommitted: o.loadCommitted }),
  });
  const signer = o.validatorSeed === undefined ? undefined : createEd25519Signer(o.validatorSeed);
  let publish: (bytes: Uint8Array) => void = () => {};
  const sequencer: Sequencer | undefined =
    signer === undefined
      ? undefined
      : createSequencer({
          chainId: o.chainId,
          app: o.app,
          pending: () => o.mempool.txs(Number.MAX_SAFE_INTEGER),
          signer,
          epoch: () => schedule.current()?.epoch ?? 0n,
          receipts,
          maxBlockBytes: o.maxBlockBytes,
          maxBlockGas: o.maxBlockGas,
          now,
          // Pipelining stays inside the epoch: its last height is sealed with no successor opened.
          mayPipeline: (height) => {
            const e = schedule.current();
            return e !== undefined && height <= e.plannedEndHeight && equalBytes(e.sequencer.pubKey, signer.publicKey);
          },
          publish: (_signed, bytes) => publish(bytes),
          ...(o.byzantineForTesting === undefined
            ? {}
            : { byzantineForTesting: createByzantineSequencing(o.byzantineForTesting) }),
        });
  const sequencing =
    sequencer === undefined ? o.mempool : sequencingMempool(o.mempool, sequencer, uncheckedAdmission(o.app));
  const isSelf = (e: EpochInfo) => signer !== undefined && equalBytes(e.sequencer.pubKey, signer.publicKey);
  const ladder = createFinalityLadder(o.settlement === undefined ? {} : { settlement: o.settlement });
  receipts.onChange((r) => ladder.receipt(r));
  const mempool = trackingMempool(sequencing, ladder, now, o.txAccounts);
  /** Exactly the signed receipt this node holds for its tx (authenticated when it was kept). */
  const isHeld = (signed: SignedReceipt, txHash: Uint8Array): boolean => {
    const known = receipts.get(txHash)?.signed;
    return (
      known !== undefined &&
      equalBytes(known.receipt, signed.receipt) &&
      equalBytes(known.signature, signed.signature) &&
      equalBytes(known.pubKey, signed.pubKey)
    );
  };

  /**
   * Receipts from peers, in the order they arrived: each decoded and checked but for its
   * signature, then authenticated through the sequencer's hash chain (receiptChain.ts), then
   * kept in that order.
   */
  function relayedBatch(batch: readonly Uint8Array[]): RelayVerdict[] {
    const verdicts: RelayVerdict[] = new Array<RelayVerdict>(batch.length);
    const candidates: (RelayedReceipt & { bytes: Uint8Array })[] = [];
    const at: number[] = [];
    batch.forEach((bytes, i) => {
      try {
        const signed = decodeSignedReceipt(bytes);
        const decoded = decodeReceipt(signed.receipt);
        // A peer catching us up after a reconnect sends many we hold already: the exact bytes
        // we took once need no second look (and vouch for their predecessors).
        const held = isHeld(signed, decoded.txHash);
        const receipt = held ? decoded : checkReceiptContent(signed, { chainId: o.chainId, decoded });
        candidates.push({ signed, receipt, held, bytes });
        at.push(i);
      } catch (e) {
        // Bytes no honest node sends: undecodable or non-canonical (honest nodes send what
        // SignedReceipt.encode gives), another chain's, or a key that is not the signer named.
        verdicts[i] = {
          verdict: "invalid",
          reason: `receipt does not verify: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
    });
    const how = authenticateRelayed(candidates, signatureValid);
    candidates.forEach((c, k) => {
      const i = at[k]!;
      const h = how[k]!;
      if (h === "refused") {
        verdicts[i] = {
          verdict: "invalid",
          reason: "receipt does not verify: the signature is not by the included key over these bytes",
        };
        return;
      }
      verdicts[i] = h === "held" ? { verdict: "kept" } : keepRelayed(c, h === "signature");
    });
    return verdicts;
  }

  function keepRelayed(
    c: { signed: SignedReceipt; receipt: Receipt; bytes: Uint8Array },
    checked: boolean,
  ): RelayVerdict {
    const { signed, receipt } = c;
    // Genuinely signed by a key that is not in our set: a peer behind us (or ahead), or a
    // validator that has since left. Not kept, and no fault of the peer's.
    if (!o.validators().some((v) => equalBytes(v.address, receipt.sequencerAddress))) return { verdict: "ignored" };
    const known = receipts.get(receipt.txHash);
    if (known !== undefined && equalBytes(known.signed.receipt, signed.receipt)) {
      // Our own receipt, or an echo of one we hold: nothing new. A copy under another
      // signature than the one we hold is checked now, whatever vouched for its bytes (only
      // a peer that swapped a signature sends one): a bad one is that peer's fault, and a good
      // one replaces a held copy whose signature was not checked yet.
      if (equalBytes(known.signed.signature, signed.signature)) return { verdict: "kept" };
      if (!checked && !signatureValid(signed))
        return {
          verdict: "invalid",
          reason: "receipt does not verify: the signature is not by the included key over these bytes",
        };
      if (!known.signatureChecked) receipts.replaceCopy(known, signed, c.bytes);
      return { verdict: "kept" };
    }
    // A receipt the tx's newer one superseded (it was sequenced again after a revert), from a
    // peer that missed the newer one: the newer stays the one served.
    if (known !== undefined && receipt.height < known.receipt.height) return { verdict: "kept" };
    // A client of this node waits for it (broadcast_tx_sync, strike_receipt): its signature
    // is checked now, as it would be on the way out, so that a copy whose signature a peer
    // swapped is refused (and that peer penalised) rather than kept in the way of the
    // sequencer's own copy while the client is answered.
    let signatureChecked = checked;
    if (!checked && receipts.awaited(receipt.txHash)) {
      relayStats.onServe++;
      if (!signatureValid(signed))
        return {
          verdict: "invalid",
          reason: "receipt does not verify: the signature is not by the included key over these bytes",
        };
      signatureChecked = true;
    }
    if (checked) relayStats.signature++;
    else relayStats.chain++;
    // `bytes` is the canonical encoding (decodeSignedReceipt checked it): the store keeps it as it is.
    receipts.add(signed, receipt, now(), c.bytes, signatureChecked);
    return { verdict: "new" };
  }

  const queryServer =
    signer === undefined || sequencer === undefined
      ? undefined
      : createQueryServer({
          chainId: o.chainId,
          signer,
          query: (path, data) => {
            const here = sequencer.speculativeQuery(path, data);
            const e = schedule.current();
            // The sequencer between two heights says so (the asker tries again); others stay silent.
            if (here === undefined && e !== undefined && isSelf(e)) throw new Error(NOT_SEQUENCING_NOW);
            return here;
          },
        });
  const broadcastQuery = o.broadcastQuery;
  const queryRelay =
    broadcastQuery === undefined
      ? undefined
      : createQueryRelay({
          chainId: o.chainId,
          sequencer: () => schedule.current()?.sequencer,
          broadcast: broadcastQuery,
          ...(o.queryRelayTimeoutMs === undefined ? {} : { timeoutMs: o.queryRelayTimeoutMs }),
        });
  const sendQuery = o.sendQuery;
  const queryForwarder =
    broadcastQuery === undefined || sendQuery === undefined || queryRelay === undefined
      ? undefined
      : createQueryForwarder({
          chainId: o.chainId,
          sequencer: () => schedule.current()?.sequencer,
          isSequencer: () => {
            const e = schedule.current();
            return e !== undefined && isSelf(e);
          },
          broadcast: broadcastQuery,
          send: sendQuery,
          asking: (nonce) => queryRelay.asking(nonce),
          ...(o.queryRelayTimeoutMs === undefined ? {} : { timeoutMs: o.queryRelayTimeoutMs }),
        });

  return {
    mempool,
    arrived: (tx) => mempool.arrived(tx),
    receipts,
    proposerSelection: (height, set) => schedule.selectionFor(height, set),
    openHeight: (plan) => sequencer?.openHeight(plan),
    sealBlock: (height, lastCommit) => sequencer?.sealBlock(height, lastCommit),
    blockCommitting(c, batch) {
      const h = c.block.header.height;
      schedule.committed(h, c.commit.round, batch);
      const at = now();
      receipts.blockCommitted(h, c.block.txs, c.results.txResults, at, c.block.header.proposerAddress);
      ladder.committed(
        h,
        c.block.txs.map((tx) => sha256(tx)),
        c.results.txResults,
        at,
      );
      sequencer?.committed(h, { txs: c.block.txs, round: c.commit.round, time: c.block.header.time });
    },
    relayed: (bytes) => relayedBatch([bytes])[0]!,
    relayedBatch,
    servableRelayed(bytes) {
      const signed = SignedReceipt.decode(bytes);
      const held = receipts.get(decodeReceipt(signed.receipt).txHash);
      if (held !== undefined && equalBytes(held.bytes, bytes)) return receipts.servable(held);
      return signatureValid(signed);
    },
    relayStats: () => ({ ...relayStats }),
    onPublish(send) {
      publish = send;
    },
    catchUpReceipts({ maxCount, maxBytes }) {
      const self = signer === undefined ? undefined : ed25519Address(signer.publicKey);
      // Another sequencer's receipt still in flight is that sequencer's to send.
      const missed = (r: StoredReceipt) =>
        r.stage === "committed" ||
        r.stage === "reverted" ||
        (r.stage === "sequenced" && self !== undefined && equalBytes(r.receipt.sequencerAddress, self));
      const out: Uint8Array[] = [];
      let bytes = 0;
      // Sent only with a signature checked: the peer would take another for a fault of ours.
      for (const r of receipts.newest(maxCount, (r) => missed(r) && receipts.servable(r))) {
        if (bytes + r.bytes.length > maxBytes) break;
        bytes += r.bytes.length;
        out.push(r.bytes);
      }
      return out.reverse();
    },
    async receipt(txHash, waitMs) {
      const r = waitMs > 0 ? await receipts.wait(txHash, waitMs) : receipts.get(txHash);
      if (r === undefined || !receipts.servable(r)) return undefined;
      // A pending receipt is held decoded; a judged one is bytes only, and receiptToJson decodes it once.
      return receiptToJson(r.signed, r.stage, r.stage === "sequenced" ? r.receipt : undefined);
    },
    missingReceipt(admitted, waitedMs) {
      const e = schedule.current();
      return missingReceipt({
        admitted,
        waitedMs,
        sequencer:
          e === undefined ? undefined : { address: toHex(e.sequencer.address).toUpperCase(), isSelf: isSelf(e) },
        openHeight: sequencer?.height,
        peers: o.peers?.(),
      });
    },
    ladder,
    async speculativeQuery(path, data) {
      const here = sequencer?.speculativeQuery(path, data);
      if (here !== undefined) return here;
      const e = schedule.current();
      // The sequencer itself between two heights: nobody else holds its speculative state.
      if (queryRelay === undefined || e === undefined || isSelf(e)) return undefined;
      try {
        const r = await queryRelay.ask(path, data);
        return { height: r.height, value: r.value, relayedFrom: r.sequencer };
      } catch (err) {
        // The sequencer's refusal of the query itself stays an error of the query.
        if (err instanceof RemoteQueryError && (err.reason !== "query" || err.message === NOT_SEQUENCING_NOW))
          return { unavailable: err.message };
        throw err;
      }
    },
    queryMessage: (peer, bytes) => handleQueryMessage(peer, bytes, queryServer, queryRelay, queryForwarder),
    l1Finality: () => l1FinalityJson(ladder.newestL1(), ladder.settlement),
    txStatus(txHash) {
      const l = ladder.get(txHash);
      return l === undefined ? undefined : txStatusJson(l, ladder.settlement);
    },
    info() {
      const e: EpochInfo | undefined = schedule.current();
      if (e === undefined) return undefined;
      return {
        epoch: e.epoch.toString(),
        epoch_length: schedule.epochLength.toString(),
        start_height: e.startHeight.toString(),
        planned_end_height: e.plannedEndHeight.toString(),
        address: toHex(e.sequencer.address).toUpperCase(),
        is_self: isSelf(e),
      };
    },
  };
}
