/**
 * Client-side enforcement: a holder of receipts checks each one once its height commits
 * (fetching the block and its results over JSON-RPC) and sorts it into honoured, pending,
 * reverted (the block was proposed by another validator: a liveness fault, never slashed)
 * or violated. A violation comes with the MsgReceiptViolation that proves it: Merkle proofs
 * of the committed tx and result at the promised index, the second receipt the sequencer
 * signed for the same slot, or the receipt alone when it contradicts the result it promises
 * (receiptTrades.ts; found before its height commits). Given a signer, the checker reports it by itself,
 * commit–reveal (violationReport.ts): no one who sees the report can take its reward.
 * Plain JSON-RPC over fetch, like client.ts, so `strike receipt check` can reuse it.
 */
import type { CommittedSlot, MsgReceiptViolation } from "../codec/generated/strike/receipts/v1/tx.js";
import { dataHash, deterministicResultBytes, resultsHash } from "../consensus/encoding.js";
import { merkleAunts } from "../consensus/merkle.js";
import { sha256 } from "../crypto/hash.js";
import type { TxResult } from "../types/abci.js";
import { equalBytes, fromBase64, fromHex, toHex } from "../types/bytes.js";
import { rpcCall } from "./client.js";
import { sequencerErrors } from "./errors.js";
import { ReceiptStatus, verifyReceipt, type Receipt, type SignedReceipt } from "./receipt.js";
import { signedReceiptFromJson } from "./receiptJson.js";
import { falseFills } from "./receiptTrades.js";
import { judgeSlot, type ReceiptVerdict } from "./receiptVerdict.js";
import { reportViolation, type ReportOutcome, type ViolationSigner } from "./violationReport.js";

export type { ViolationSigner };

export { MSG_COMMIT_REPORT_TYPE_URL, MSG_RECEIPT_VIOLATION_TYPE_URL } from "./reportCommitment.js";

export type { ReceiptVerdict };

/** What a committed height holds, as the checker needs it. */
export interface CommittedBlockData {
  height: bigint;
  proposerAddress: Uint8Array;
  txs: Uint8Array[];
  /** Deterministic ExecTxResult bytes of each tx (the results tree's leaves). */
  results: Uint8Array[];
}

export interface ReceiptCheck {
  txHash: string;
  height: string;
  index: number;
  verdict: ReceiptVerdict;
  /** Why, in a sentence (what differs, who proposed the block instead). */
  detail: string;
  /** For a violation: the proof, ready to commit and reveal (reporter and salt left empty). */
  violation?: MsgReceiptViolation;
  /**
   * For a violation reported by the checker: the reveal's tx hash and outcome (code 0 once it
   * committed and was accepted; otherwise the first failing step's code and log).
   */
  report?: { hash: string; code: number; log: string };
  /** Both steps of that report (commitment, commit tx, reveal tx, slash and reward). */
  reportSteps?: ReportOutcome;
}

/** Builds the committed slot at `index` with both Merkle proofs. */
export function committedSlot(block: CommittedBlockData, index: number): CommittedSlot {
  const txHashes = block.txs.map((tx) => sha256(tx));
  return {
    txHash: txHashes[index]!,
    txAunts: merkleAunts(txHashes, index),
    result: block.results[index]!,
    resultAunts: merkleAunts(block.results, index),
  };
}

/** Judges a verified sequenced receipt against its committed height (the rule is judgeSlot's). */
export function judgeReceipt(
  signed: SignedReceipt,
  receipt: Receipt,
  block: CommittedBlockData,
): Omit<ReceiptCheck, "txHash" | "height" | "index"> {
  const present = receipt.index < block.txs.length;
  const committed = present ? committedSlot(block, receipt.index) : undefined;
  const judged = judgeSlot(receipt, {
    height: block.height,
    proposer: block.proposerAddress,
    txCount: block.txs.length,
    ...(committed === undefined ? {} : { txHash: committed.txHash, resultHash: sha256(committed.result) }),
  });
  if (judged.verdict !== "violated") return { verdict: judged.verdict, detail: judged.reason };
  return {
    verdict: "violated",
    detail: judged.reason,
    violation: {
      reporter: "",
      receipt: signed,
      committed: judged.slot ? committed : undefined,
      conflicting: undefined,
      salt: new Uint8Array(0),
    },
  };
}

/**
 * A receipt that contradicts the result it promises (receiptTrades.ts) is a lie now,
 * whatever block commits: the violation, proven by the receipt alone. Undefined otherwise.
 */
export function selfContradiction(
  signed: SignedReceipt,
  receipt: Receipt,
): { verdict: "violated"; detail: string; violation: MsgReceiptViolation } | undefined {
  const lie = falseFills(receipt);
  if (lie === undefined) return undefined;
  return {
    verdict: "violated",
    detail: `the receipt contradicts itself: ${lie}`,
    violation: { reporter: "", receipt: signed, committed: undefined, conflicting: undefined, salt: new Uint8Array(0) },
  };
}

/** Two receipts of one signer for one slot that name different txs or results. */
export function conflictingReceipts(a: Receipt, b: Receipt): boolean {
  return (
    equalBytes(a.sequencerAddress, b.sequencerAddress) &&
    a.chainId === b.chainId &&
    a.height === b.height &&
    a.index === b.index &&
    a.status === ReceiptStatus.RECEIPT_STATUS_SEQUENCED &&
    b.status === ReceiptStatus.RECEIPT_STATUS_SEQUENCED &&
    !(equalBytes(a.txHash, b.txHash) && equalBytes(a.resultHash, b.resultHash))
  );
}

interface BlockJson {
  block: { header: { height: string; proposer_address: string; data_hash: string }; data: { txs: string[] | null } };
}
interface BlockResultsJson {
  txs_results: { code: number; data: string | null; gas_wanted: string; gas_used: string }[] | null;
}
interface HeaderJson {
  header: { last_results_hash: string };
}

/**
 * Fetches a committed height and checks it against the header roots (its data_hash, and
 * the next header's last_results_hash when that height exists), so a lying node is caught
 * here and not by a refused report. Undefined while the height is not committed.
 */
export async function fetchCommittedBlock(rpcUrl: string, height: bigint): Promise<CommittedBlockData | undefined> {
  const status = await rpcCall<{ sync_info: { latest_block_height: string } }>(rpcUrl, "status", {});
  if (BigInt(status.sync_info.latest_block_height) < height) return undefined;
  const b = await rpcCall<BlockJson>(rpcUrl, "block", { height: height.toString() });
  const r = await rpcCall<BlockResultsJson>(rpcUrl, "block_results", { height: height.toString() });
  const txs = (b.block.data.txs ?? []).map(fromBase64);
  const results: TxResult[] = (r.txs_results ?? []).map((x) => ({
    code: x.code,
    data: x.data === null ? new Uint8Array(0) : fromBase64(x.data),
    gasWanted: BigInt(x.gas_wanted),
    gasUsed: BigInt(x.gas_used),
    log: "",
    info: "",
    events: [],
    codespace: "",
  }));
  if (results.length !== txs.length || toHex(dataHash(txs)).toUpperCase() !== b.block.header.data_hash.toUpperCase())
    throw sequencerErrors.inconsistentBlock(`block ${height} from ${rpcUrl}: txs or results against data_hash`);
  if (BigInt(status.sync_info.latest_block_height) > height) {
    const next = await rpcCall<HeaderJson>(rpcUrl, "header", { height: (height + 1n).toString() });
    if (toHex(resultsHash(results)).toUpperCase() !== next.header.last_results_hash.toUpperCase())
      throw sequencerErrors.inconsistentBlock(`results of block ${height} from ${rpcUrl} against last_results_hash`);
  }
  return {
    height,
    proposerAddress: fromHex(b.block.header.proposer_address.toLowerCase()),
    txs,
    results: results.map(deterministicResultBytes),
  };
}

/** The report's last step as one outcome: code 0 only when the reveal committed and was accepted. */
function reportSummary(steps: ReportOutcome): { hash: string; code: number; log: string } {
  const last = steps.reveal ?? steps.commit;
  if (last.code !== 0) return { hash: last.hash, code: last.code, log: last.log };
  if (last.committedCode === undefined)
    return { hash: last.hash, code: -1, log: `${last.log} (sent, not committed in time)`.trim() };
  if (last.committedCode === 0 && steps.reveal === undefined)
    return { hash: last.hash, code: -1, log: "the commitment landed; the reveal was not sent in time" };
  return { hash: last.hash, code: last.committedCode, log: last.log };
}

export interface ReceiptCheckerOptions {
  rpcUrl: string;
  chainId: string;
  /** When given, violations are reported on chain at once. */
  signer?: ViolationSigner;
}

export interface ReceiptChecker {
  /** Keeps a receipt to check (its JSON as RPC returns it, or a SignedReceipt); throws if it does not verify. */
  hold(receipt: unknown): void;
  /** Checks every held receipt whose height has committed; reports violations (once each) when it has a signer. */
  check(): Promise<ReceiptCheck[]>;
}

function isSignedReceipt(x: unknown): x is SignedReceipt {
  return typeof x === "object" && x !== null && (x as { receipt?: unknown }).receipt instanceof Uint8Array;
}

interface Held {
  signed: SignedReceipt;
  receipt: Receipt;
  last?: ReceiptCheck;
}

export function createReceiptChecker(o: ReceiptCheckerOptions): ReceiptChecker {
  const held: Held[] = [];
  // Per check() call: each committed height is fetched once, and nothing piles up between calls.
  let blocks = new Map<bigint, CommittedBlockData>();
  const reported = new Set<string>();

  async function block(height: bigint): Promise<CommittedBlockData | undefined> {
    const known = blocks.get(height);
    if (known !== undefined) return known;
    const b = await fetchCommittedBlock(o.rpcUrl, height);
    if (b !== undefined) blocks.set(height, b);
    return b;
  }

  /** A second receipt for the same slot among those held, or the one the node now has for this tx. */
  async function conflictOf(h: Held): Promise<SignedReceipt | undefined> {
    const other = held.find((x) => x !== h && conflictingReceipts(h.receipt, x.receipt));
    if (other !== undefined) return other.signed;
    let json: unknown;
    try {
      json = await rpcCall(o.rpcUrl, "strike_receipt", { hash: toHex(h.receipt.txHash).toUpperCase(), wait_ms: "0" });
    } catch {
      return undefined;
    }
    try {
      const signed = signedReceiptFromJson(json);
      // Evidence: whatever the sequencer signed binds it, canonical or not (as the chain judges).
      const receipt = verifyReceipt(signed, { chainId: o.chainId, acceptNonCanonical: true });
      return conflictingReceipts(h.receipt, receipt) ? signed : undefined;
    } catch {
      return undefined;
    }
  }

  async function report(c: ReceiptCheck): Promise<void> {
    if (o.signer === undefined || c.violation === undefined) return;
    const slot = `${toHex(c.violation.receipt!.pubKey)}/${c.height}`;
    if (reported.has(slot)) return;
    const { receipt, committed, conflicting } = c.violation;
    const steps = await reportViolation({
      rpcUrl: o.rpcUrl,
      chainId: o.chainId,
      signer: o.signer,
      violation: { receipt, committed, conflicting },
    });
    c.reportSteps = steps;
    c.report = reportSummary(steps);
    if (c.report.code === 0) reported.add(slot);
  }

  async function checkOne(h: Held): Promise<ReceiptCheck> {
    const base = {
      txHash: toHex(h.receipt.txHash).toUpperCase(),
      height: h.receipt.height.toString(),
      index: h.receipt.index,
    };
    if (h.receipt.status === ReceiptStatus.RECEIPT_STATUS_REJECTED)
      return { ...base, verdict: "rejected", detail: "the sequencer refused the tx" };
    if (h.last !== undefined && h.last.verdict !== "pending") return h.last;
    const lie = selfContradiction(h.signed, h.receipt);
    if (lie !== undefined) return { ...base, ...lie };
    const conflicting = await conflictOf(h);
    if (conflicting !== undefined)
      return {
        ...base,
        verdict: "violated",
        detail: `the sequencer signed two receipts for ${base.height}/${base.index}`,
        violation: { reporter: "", receipt: h.signed, committed: undefined, conflicting, salt: new Uint8Array(0) },
      };
    const b = await block(h.receipt.height);
    if (b === undefined) return { ...base, verdict: "pending", detail: `height ${base.height} is not committed yet` };
    return { ...base, ...judgeReceipt(h.signed, h.receipt, b) };
  }

  return {
    hold(input) {
      const signed = isSignedReceipt(input) ? input : signedReceiptFromJson(input);
      const receipt = verifyReceipt(signed, { chainId: o.chainId, acceptNonCanonical: true });
      if (held.some((x) => equalBytes(x.signed.receipt, signed.receipt))) return;
      held.push({ signed, receipt });
    },
    async check() {
      blocks = new Map();
      const out: ReceiptCheck[] = [];
      for (const h of held) {
        const c = await checkOne(h);
        if (c.verdict === "violated") await report(c);
        h.last = c;
        out.push(c);
      }
      return out;
    },
  };
}
