/**
 * Receipts: the sequencer's signed promise (see proto/strike/sequencer/v1/receipt.proto for
 * the field-by-field meaning and the verification recipe). Signing and verifying work on
 * the exact receipt bytes, never on a re-encoding; and those bytes must be canonical (what
 * re-encoding their decoding gives), so that one receipt has one encoding and one hash.
 */
import { Receipt, ReceiptStatus, SignedReceipt } from "../codec/generated/strike/sequencer/v1/receipt.js";
import { ed25519Address, verifyEd25519, type Ed25519Signer } from "../crypto/ed25519.js";
import { sha256 } from "../crypto/hash.js";
import { concatBytes, equalBytes, toHex, u32be, utf8 } from "../types/bytes.js";
import { sequencerErrors } from "./errors.js";
import { encodeMessage } from "../codec/encode.js";

export { Receipt, ReceiptStatus, SignedReceipt };

/** The fixed domain prefix of receipt sign bytes (17 ASCII bytes, then a 0x00). */
export const RECEIPT_SIGN_PREFIX = utf8("STRIKE-RECEIPT-V1");

/** prefix || 0x00 || u32be(len(chain_id)) || chain_id || receipt bytes. */
export function receiptSignBytes(chainId: string, receiptBytes: Uint8Array): Uint8Array {
  const id = utf8(chainId);
  return concatBytes(RECEIPT_SIGN_PREFIX, new Uint8Array([0]), u32be(id.length), id, receiptBytes);
}

/** The hash that the next receipt of the same sequencer names as its predecessor. */
export function receiptHash(signed: SignedReceipt): Uint8Array {
  return sha256(signed.receipt);
}

export function signReceipt(receipt: Receipt, signer: Ed25519Signer): SignedReceipt {
  const bytes = encodeMessage(Receipt, receipt);
  return {
    receipt: bytes,
    signature: signer.sign(receiptSignBytes(receipt.chainId, bytes)),
    pubKey: signer.publicKey,
  };
}

export interface VerifyReceiptOptions {
  chainId: string;
  /** The consensus address the receipt must come from (the height's sequencer); any signer when absent. */
  sequencerAddress?: Uint8Array;
  /**
   * Evidence only (the violation module, and the tools that gather and report violations): a
   * sequencer answers for whatever bytes it signed, canonical or not. Everything that decides
   * whether to trust, show or keep a receipt leaves this unset.
   */
  acceptNonCanonical?: true;
  /**
   * The ed25519 check: `verifyEd25519` (OpenSSL's acceptance set) by default, as the state
   * machine uses. A node judging a relayed receipt for itself may pass the stricter libsodium
   * one (verifyEd25519Strict), which refuses a bad signature with one check instead of two.
   */
  verify?: (pubkey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;
  /** `Receipt.decode(signed.receipt)`, when the caller has decoded it already (a relayed receipt is). */
  decoded?: Receipt;
}

/**
 * A SignedReceipt as it travels between nodes, refused unless its framing is canonical:
 * no unknown or repeated fields, minimal varints and lengths, fields in order. The signature
 * covers only the inner receipt bytes, so without this check anyone relaying a receipt could
 * change its outer bytes at will.
 */
export function decodeSignedReceipt(bytes: Uint8Array): SignedReceipt {
  let signed: SignedReceipt;
  try {
    signed = SignedReceipt.decode(bytes);
  } catch (e) {
    throw sequencerErrors.malformedReceipt(`the signed receipt does not decode (${String(e)})`);
  }
  if (!equalBytes(encodeMessage(SignedReceipt, signed), bytes)) {
    throw sequencerErrors.nonCanonicalReceipt(
      "the signed receipt's framing differs from its canonical encoding (unknown, repeated or reordered fields, or padded varints)",
    );
  }
  return signed;
}

/** The receipt in a SignedReceipt's bytes; throws malformedReceipt. */
export function decodeReceipt(bytes: Uint8Array): Receipt {
  try {
    return Receipt.decode(bytes);
  } catch (e) {
    throw sequencerErrors.malformedReceipt(`the receipt bytes do not decode (${String(e)})`);
  }
}

/**
 * Checks a signed receipt and returns its decoded content. Throws a typed error saying
 * which check failed: decoding, canonical form, chain, signature, or signer.
 */
export function verifyReceipt(signed: SignedReceipt, o: VerifyReceiptOptions): Receipt {
  const receipt = checkReceiptBytes(signed, o);
  if (!receiptSignatureValid(signed, o.chainId, o.verify)) {
    throw sequencerErrors.badReceiptSignature("the signature is not by the included key over these bytes");
  }
  checkReceiptSigner(signed, receipt, o.sequencerAddress);
  return receipt;
}

/**
 * verifyReceipt but for the signature: for a receipt whose bytes are vouched for by a later
 * receipt of the same sequencer, whose signature covers their hash (receiptChain.ts). The
 * included key must still be the one the receipt names.
 */
export function checkReceiptContent(
  signed: SignedReceipt,
  o: Omit<VerifyReceiptOptions, "verify" | "acceptNonCanonical">,
): Receipt {
  const receipt = checkReceiptBytes(signed, o);
  checkReceiptSigner(signed, receipt, o.sequencerAddress);
  return receipt;
}

/** Whether `signed.signature` is the included key's signature over the receipt's sign bytes on `chainId`. */
export function receiptSignatureValid(
  signed: SignedReceipt,
  chainId: string,
  verify: VerifyReceiptOptions["verify"] = verifyEd25519,
): boolean {
  return verify(signed.pubKey, receiptSignBytes(chainId, signed.receipt), signed.signature);
}

/** Decoding, canonical form and chain. */
function checkReceiptBytes(signed: SignedReceipt, o: VerifyReceiptOptions): Receipt {
  const receipt = o.decoded ?? decodeReceipt(signed.receipt);
  if (o.acceptNonCanonical !== true && !equalBytes(encodeMessage(Receipt, receipt), signed.receipt)) {
    throw sequencerErrors.nonCanonicalReceipt(
      "the receipt bytes differ from their canonical encoding (unknown, repeated or reordered fields, default values written out, or padded varints)",
    );
  }
  if (receipt.chainId !== o.chainId) {
    throw sequencerErrors.wrongChain(`receipt names chain "${receipt.chainId}", expected "${o.chainId}"`);
  }
  return receipt;
}

/** The included key is the address the receipt names, and that address the expected sequencer's. */
function checkReceiptSigner(signed: SignedReceipt, receipt: Receipt, sequencerAddress: Uint8Array | undefined): void {
  if (!equalBytes(ed25519Address(signed.pubKey), receipt.sequencerAddress)) {
    throw sequencerErrors.wrongSigner(
      `signed by ${toHex(ed25519Address(signed.pubKey)).toUpperCase()}, receipt names ${toHex(receipt.sequencerAddress).toUpperCase()}`,
    );
  }
  if (sequencerAddress !== undefined && !equalBytes(sequencerAddress, receipt.sequencerAddress)) {
    throw sequencerErrors.wrongSigner(
      `signed by ${toHex(receipt.sequencerAddress).toUpperCase()}, the sequencer is ${toHex(sequencerAddress).toUpperCase()}`,
    );
  }
}
