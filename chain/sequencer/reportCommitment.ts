/**
 * The commitment of a receipt-violation report (commit–reveal, see MsgCommitReport): it binds
 * the signed receipt(s) the report is about, the reporter who will be paid, and a secret salt,
 * so that the commitment reveals nothing and a copier of the reveal cannot claim it as its own.
 * Every field is length-prefixed (4-byte big-endian): no two inputs share their bytes.
 */
import { sha256 } from "../crypto/hash.js";
import { concatBytes, u32be, utf8 } from "../types/bytes.js";

export const MSG_RECEIPT_VIOLATION_TYPE_URL = "/strike.receipts.v1.MsgReceiptViolation";
export const MSG_COMMIT_REPORT_TYPE_URL = "/strike.receipts.v1.MsgCommitReport";

export const REPORT_COMMITMENT_DOMAIN = "strike/receipts/report-commitment/v1";
export const REPORT_SALT_BYTES = 32;

const lp = (b: Uint8Array) => concatBytes(u32be(b.length), b);

export interface ReportCommitmentInput {
  chainId: string;
  /** The reporter's bech32 account address. */
  reporter: string;
  salt: Uint8Array;
  /** The signed receipt bytes, exactly as the sequencer signed them. */
  receipt: Uint8Array;
  /** The second receipt's signed bytes (equivocation); empty or absent otherwise. */
  conflicting?: Uint8Array;
}

export function reportCommitment(i: ReportCommitmentInput): Uint8Array {
  return sha256(
    utf8(REPORT_COMMITMENT_DOMAIN),
    lp(utf8(i.chainId)),
    lp(utf8(i.reporter)),
    lp(i.salt),
    lp(i.receipt),
    lp(i.conflicting ?? new Uint8Array(0)),
  );
}
