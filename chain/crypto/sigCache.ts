/**
 * Remembers which txs had their signatures verified at mempool admission, so that block
 * execution does not verify them again. The entry holds the digest of the exact sign
 * bytes that verified: if anything the signature covers differs at execution (account
 * number, chain id), the digests differ and the signature is verified afresh.
 */
/** Map keys: latin1 text of the bytes (cheaper than hex, equally exact). */
function keyOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

export interface SignatureCacheStats {
  hits: number;
  misses: number;
  size: number;
}

export interface SignatureCache {
  /** True if `signDigest` was verified for this tx and signer index. */
  has(txHash: Uint8Array, signerIndex: number, signDigest: Uint8Array): boolean;
  add(txHash: Uint8Array, signerIndex: number, signDigest: Uint8Array): void;
  /** Drops a tx's entries (after it was executed in a block). */
  remove(txHash: Uint8Array): void;
  stats(): SignatureCacheStats;
}

export function createSignatureCache(options: { maxEntries?: number } = {}): SignatureCache {
  const maxEntries = options.maxEntries ?? 200_000;
  // tx hash -> signer index -> sign digest
  const entries = new Map<string, Map<number, string>>();
  let hits = 0;
  let misses = 0;
  return {
    has(txHash, signerIndex, signDigest) {
      const found = entries.get(keyOf(txHash))?.get(signerIndex) === keyOf(signDigest);
      if (found) hits++;
      else misses++;
      return found;
    },
    add(txHash, signerIndex, signDigest) {
      const id = keyOf(txHash);
      let perTx = entries.get(id);
      if (perTx === undefined) {
        if (entries.size >= maxEntries) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) entries.delete(oldest);
        }
        perTx = new Map();
        entries.set(id, perTx);
      }
      perTx.set(signerIndex, keyOf(signDigest));
    },
    remove(txHash) {
      entries.delete(keyOf(txHash));
    },
    stats: () => ({ hits, misses, size: entries.size }),
  };
}
