/**
 * Reporting a receipt violation, commit–reveal (see MsgCommitReport): commit to the report
 * under a fresh secret salt, wait until the commitment is in a block and the reveal delay has
 * passed, then reveal it. Nobody who sees the reveal can take the reward: the commitment that
 * binds this reporter was on chain first. Plain JSON-RPC, like the rest of the client rooms.
 */
import { randomBytes } from "node:crypto";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import {
  MsgCommitReportResponse,
  MsgReceiptViolationResponse,
  type MsgReceiptViolation,
} from "../codec/generated/strike/receipts/v1/tx.js";
import { fromBase64, fromHex, toBase64, toHex } from "../types/bytes.js";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { rpcCall } from "./client.js";
import { sequencerErrors } from "./errors.js";
import {
  MSG_COMMIT_REPORT_TYPE_URL,
  MSG_RECEIPT_VIOLATION_TYPE_URL,
  REPORT_SALT_BYTES,
  reportCommitment,
} from "./reportCommitment.js";

/** Signs a tx carrying a report message; the reporter broadcasts the returned TxRaw bytes. */
export interface ViolationSigner {
  /** The reporter's account (signs the commitment and the reveal, and is paid the reward). */
  address: string;
  sign(messages: EncodeObject[]): Promise<Uint8Array>;
}

/** A report tx: its hash and CheckTx outcome, and its block and code once committed. */
export interface ReportTx {
  hash: string;
  code: number;
  log: string;
  height?: string;
  /** DeliverTx code once committed (0: accepted). */
  committedCode?: number;
}

export interface ReportOutcome {
  commitment: string;
  commit: ReportTx;
  /** Absent when the commit failed or never committed. */
  reveal?: ReportTx;
  /** From the reveal's response, when it committed with code 0. */
  slashed?: string;
  reward?: string;
  rewardHeight?: string;
}

export interface ReportOptions {
  rpcUrl: string;
  chainId: string;
  signer: ViolationSigner;
  /** The proof: the receipt and either the committed slot or the conflicting receipt. */
  violation: Omit<MsgReceiptViolation, "reporter" | "salt">;
  /** How long to wait for each of the two txs to commit (default 60 s). */
  timeoutMs?: number;
  /** For tests: a fixed salt (32 bytes); otherwise a fresh random one. */
  salt?: Uint8Array;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TxJson {
  height: string;
  tx_result: { code: number; log?: string; data?: string | null };
}

async function broadcast(rpcUrl: string, tx: Uint8Array): Promise<ReportTx> {
  const r = await rpcCall<{ code: number; log: string; hash: string }>(rpcUrl, "broadcast_tx_sync", {
    tx: toBase64(tx),
  });
  return { hash: r.hash, code: r.code, log: r.log };
}

/** Polls `tx` until the tx is in a block; returns it, or undefined after timeoutMs. */
async function committed(rpcUrl: string, hash: string, timeoutMs: number): Promise<TxJson | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await rpcCall<TxJson>(rpcUrl, "tx", { hash: toBase64(fromHex(hash)) });
    } catch (e) {
      if ((e as { rpcCode?: number }).rpcCode === undefined) throw e;
    }
    if (Date.now() > deadline) return undefined;
    await sleep(100);
  }
}

async function latestHeight(rpcUrl: string): Promise<bigint> {
  const s = await rpcCall<{ sync_info: { latest_block_height: string } }>(rpcUrl, "status", {});
  return BigInt(s.sync_info.latest_block_height);
}

/** The first message response of a committed tx's data (TxMsgData). */
function firstResponse(data: string | null | undefined): Uint8Array {
  const any = TxMsgData.decode(data ? fromBase64(data) : new Uint8Array(0)).msgResponses[0];
  if (any === undefined) throw sequencerErrors.inconsistentBlock("a committed report tx carries no response");
  return any.value;
}

async function sendAndWait(o: ReportOptions, tx: Uint8Array, timeoutMs: number): Promise<[ReportTx, TxJson?]> {
  const sent = await broadcast(o.rpcUrl, tx);
  if (sent.code !== 0) return [sent];
  const c = await committed(o.rpcUrl, sent.hash, timeoutMs);
  if (c === undefined) return [sent];
  return [{ ...sent, height: c.height, committedCode: c.tx_result.code, log: c.tx_result.log ?? sent.log }, c];
}

/** Commits the report, waits out the reveal delay, reveals it; says how far it got. */
export async function reportViolation(o: ReportOptions): Promise<ReportOutcome> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const salt = o.salt ?? new Uint8Array(randomBytes(REPORT_SALT_BYTES));
  const reporter = o.signer.address;
  const receipt = o.violation.receipt;
  if (receipt === undefined) throw sequencerErrors.malformedReceipt("a report needs the signed receipt");
  const commitment = reportCommitment({
    chainId: o.chainId,
    reporter,
    salt,
    receipt: receipt.receipt,
    ...(o.violation.conflicting === undefined ? {} : { conflicting: o.violation.conflicting.receipt }),
  });
  const commitTx = await o.signer.sign([{ typeUrl: MSG_COMMIT_REPORT_TYPE_URL, value: { reporter, commitment } }]);
  const [commit, committedCommit] = await sendAndWait(o, commitTx, timeoutMs);
  const out: ReportOutcome = { commitment: toHex(commitment).toUpperCase(), commit };
  if (committedCommit === undefined || commit.committedCode !== 0) return out;
  const { revealFromHeight } = MsgCommitReportResponse.decode(firstResponse(committedCommit.tx_result.data));
  // A tx sent once height H is committed lands in H + 1 or later: sent once the height before
  // revealFromHeight is committed, whichever height takes it is past the delay. (Waiting for
  // revealFromHeight itself cost the reporter a block, and a validator's slashing a block.)
  const deadline = Date.now() + timeoutMs;
  while ((await latestHeight(o.rpcUrl)) < revealFromHeight - 1n) {
    if (Date.now() > deadline) return out;
    await sleep(100);
  }
  const value: MsgReceiptViolation = { ...o.violation, reporter, salt };
  const revealTx = await o.signer.sign([{ typeUrl: MSG_RECEIPT_VIOLATION_TYPE_URL, value }]);
  const [reveal, committedReveal] = await sendAndWait(o, revealTx, timeoutMs);
  out.reveal = reveal;
  if (committedReveal !== undefined && reveal.committedCode === 0) {
    const r = MsgReceiptViolationResponse.decode(firstResponse(committedReveal.tx_result.data));
    out.slashed = r.slashed;
    out.reward = r.reward;
    out.rewardHeight = r.rewardHeight.toString();
  }
  return out;
}
