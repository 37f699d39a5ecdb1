/**
 * Receipts relayed by peers, authenticated a batch at a time through the sequencer's hash
 * chain. Each receipt names the hash of its sequencer's previous receipt
 * (`previous_receipt_hash`), and the signature covers that name: once a receipt's signature
 * checks, the bytes of its predecessor are the sequencer's too, and so on down the chain. So
 * of the receipts that arrive together (a loaded node reads dozens of a sequencer's receipts
 * at a time), a node checks the signature of the newest of each chain and takes the bytes of
 * the ones before on the hash. Their own signatures (a field no hash covers: a peer could have
 * swapped it) are checked only when a receipt is handed out (ReceiptStore.servable), which
 * for most relayed receipts is never: a validator needs their content (to judge them, for the
 * ladder and the soft positions), and only its own clients' receipts go out again.
 *
 * A receipt vouches only for one that names the same sequencer: a validator's signature says
 * nothing about another's receipts.
 */
import { sha256 } from "../crypto/hash.js";
import { toHex } from "../types/bytes.js";
import type { Receipt, SignedReceipt } from "./receipt.js";

export interface RelayedReceipt {
  signed: SignedReceipt;
  receipt: Receipt;
  /** Held here already, byte for byte: authentic, and it vouches for its predecessor like a checked one. */
  held: boolean;
}

/**
 * How a relayed receipt was authenticated: `signature` checked; `chain`, its bytes vouched for by
 * a later receipt of the batch (or one held); `held`, the exact bytes are held here already;
 * `refused`, its signature does not check and nothing vouches for it.
 */
export type Authentication = "signature" | "chain" | "held" | "refused";

/**
 * Authenticates a batch of relayed receipts, in the order they arrived (undefined: an entry
 * refused before, which vouches for nothing). Signatures are checked newest first, and only
 * where no later receipt vouches for the bytes.
 */
export function authenticateRelayed(
  batch: readonly (RelayedReceipt | undefined)[],
  signatureValid: (signed: SignedReceipt) => boolean,
): (Authentication | undefined)[] {
  const out: (Authentication | undefined)[] = new Array<Authentication | undefined>(batch.length);
  /** `sequencer address/receipt hash` of the receipts the authenticated ones name as predecessors. */
  const vouched = new Set<string>();
  for (let i = batch.length - 1; i >= 0; i--) {
    const r = batch[i];
    if (r === undefined) continue;
    const sequencer = toHex(r.receipt.sequencerAddress);
    let how: Authentication;
    if (r.held) how = "held";
    else if (vouched.has(`${sequencer}/${toHex(sha256(r.signed.receipt))}`)) how = "chain";
    else how = signatureValid(r.signed) ? "signature" : "refused";
    out[i] = how;
    if (how !== "refused" && r.receipt.previousReceiptHash.length > 0)
      vouched.add(`${sequencer}/${toHex(r.receipt.previousReceiptHash)}`);
  }
  return out;
}
