/**
 * The outcome of each signature verification, by tx hash and signer index, so that the
 * mempool's admission, its re-checks, the sequencer's execution and the block's delivery
 * verify a tx's signature once (in the verifier pool when the node has one).
 *
 * An entry records what fixes the verification's input besides the tx's own bytes — public
 * key, signature, chain id and account number — with its result, and a lookup hits only
 * when all four are equal. The tx hash binds the body and auth-info bytes (txs decode
 * canonically, so one hash is one body), so the sign bytes are the same and a hit gives the
 * answer a verification would, without building and hashing the sign doc again (a block's
 * delivery hits for every tx the mempool admitted). Nothing else can reach an entry:
 * another tx under the same key (a different signature, account number or chain id) misses
 * and is verified afresh. Failed verifications are kept too (a bad signature gossiped again
 * is refused without work).
 * Bounded; the least recently used entry goes first.
 */
import { evictOldest } from "../types/evictOldest.js";
import { latin1 } from "../types/bytes.js";

/** Map keys: latin1 text of the bytes (cheaper than hex, equally exact). */
function keyOf(b: Uint8Array): string {
  return latin1(b);
}

/** What one secp256k1 verification is computed from. */
export interface SignatureInput {
  pubkey: Uint8Array;
  /** sha256 of the sign bytes. */
  digest: Uint8Array;
  signature: Uint8Array;
}

/** What a cached verification answers for, besides the tx's bytes (its hash). */
export interface SignatureClaim {
  pubkey: Uint8Array;
  signature: Uint8Array;
  chainId: string;
  accountNumber: bigint;
}

export interface SignatureCacheStats {
  hits: number;
  misses: number;
  size: number;
}

export interface SignatureCache {
  /** The recorded result of verifying this tx's signer under exactly `claim`, or undefined. */
  lookup(txHash: Uint8Array, signerIndex: number, claim: SignatureClaim): boolean | undefined;
  record(txHash: Uint8Array, signerIndex: number, claim: SignatureClaim, valid: boolean): void;
  /** Drops a tx's entries (after it was executed in a block). */
  remove(txHash: Uint8Array): void;
  stats(): SignatureCacheStats;
}

interface Entry {
  /** The claim as text (claimText), so that no two claims share one. */
  claim: string;
  valid: boolean;
}

function claimText(c: SignatureClaim): string {
  return `${c.accountNumber}.${c.pubkey.length}.${c.signature.length}.${c.chainId.length}.${keyOf(c.pubkey)}${keyOf(c.signature)}${c.chainId}`;
}

export function createSignatureCache(options: { maxEntries?: number } = {}): SignatureCache {
  const maxEntries = options.maxEntries ?? 200_000;
  // tx hash -> entry per signer index; Map order is recency order (a hit moves the tx last).
  const entries = new Map<string, (Entry | undefined)[]>();
  let hits = 0;
  let misses = 0;
  return {
    lookup(txHash, signerIndex, claim) {
      const k = keyOf(txHash);
      const perTx = entries.get(k);
      const e = perTx?.[signerIndex];
      if (perTx === undefined || e === undefined || e.claim !== claimText(claim)) {
        misses++;
        return undefined;
      }
      hits++;
      entries.delete(k);
      entries.set(k, perTx);
      return e.valid;
    },
    record(txHash, signerIndex, claim, valid) {
      const k = keyOf(txHash);
      let perTx = entries.get(k);
      if (perTx === undefined) {
        perTx = [];
        entries.set(k, perTx);
        evictOldest(entries, maxEntries);
      }
      perTx[signerIndex] = { claim: claimText(claim), valid };
    },
    remove(txHash) {
      entries.delete(keyOf(txHash));
    },
    stats: () => ({ hits, misses, size: entries.size }),
  };
}
