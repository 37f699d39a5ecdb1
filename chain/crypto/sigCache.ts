/**
 * The outcome of each signature verification, by tx hash and signer index, so that the
 * mempool's admission, its re-checks, the sequencer's execution and the block's delivery
 * verify a tx's signature once (in the verifier pool when the node has one).
 *
 * An entry records the exact verification input — public key, the digest of the sign bytes,
 * the signature — with its result, and a lookup hits only when all three are byte-equal:
 * what is skipped is the same computation on the same bytes, so a hit gives the answer a
 * verification would. Nothing else can reach an entry: another tx under the same key (a
 * different signature, account number or chain id) misses and is verified afresh. Failed
 * verifications are kept too (a bad signature gossiped again is refused without work).
 * Bounded; the least recently used entry goes first.
 */
/** Map keys: latin1 text of the bytes (cheaper than hex, equally exact). */
function keyOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

/** What one secp256k1 verification is computed from. */
export interface SignatureInput {
  pubkey: Uint8Array;
  /** sha256 of the sign bytes. */
  digest: Uint8Array;
  signature: Uint8Array;
}

export interface SignatureCacheStats {
  hits: number;
  misses: number;
  size: number;
}

export interface SignatureCache {
  /** The recorded result of verifying exactly `input` for this tx and signer, or undefined. */
  lookup(txHash: Uint8Array, signerIndex: number, input: SignatureInput): boolean | undefined;
  record(txHash: Uint8Array, signerIndex: number, input: SignatureInput, valid: boolean): void;
  /** Drops a tx's entries (after it was executed in a block). */
  remove(txHash: Uint8Array): void;
  stats(): SignatureCacheStats;
}

interface Entry {
  /** latin1 of pubkey | digest | signature, with their lengths, so that no two inputs share a text. */
  input: string;
  valid: boolean;
}

function inputText(i: SignatureInput): string {
  return `${i.pubkey.length}.${i.digest.length}.${keyOf(i.pubkey)}${keyOf(i.digest)}${keyOf(i.signature)}`;
}

export function createSignatureCache(options: { maxEntries?: number } = {}): SignatureCache {
  const maxEntries = options.maxEntries ?? 200_000;
  // tx hash -> entry per signer index; Map order is recency order (a hit moves the tx last).
  const entries = new Map<string, (Entry | undefined)[]>();
  let hits = 0;
  let misses = 0;
  return {
    lookup(txHash, signerIndex, input) {
      const k = keyOf(txHash);
      const perTx = entries.get(k);
      const e = perTx?.[signerIndex];
      if (perTx === undefined || e === undefined || e.input !== inputText(input)) {
        misses++;
        return undefined;
      }
      hits++;
      entries.delete(k);
      entries.set(k, perTx);
      return e.valid;
    },
    record(txHash, signerIndex, input, valid) {
      const k = keyOf(txHash);
      let perTx = entries.get(k);
      if (perTx === undefined) {
        if (entries.size >= maxEntries) {
          const oldest = entries.keys().next().value;
          if (oldest !== undefined) entries.delete(oldest);
        }
        perTx = [];
        entries.set(k, perTx);
      }
      perTx[signerIndex] = { input: inputText(input), valid };
    },
    remove(txHash) {
      entries.delete(keyOf(txHash));
    },
    stats: () => ({ hits, misses, size: entries.size }),
  };
}
