/**
 * The mempool admits txs that pass the application's CheckTx, keeps them in arrival order
 * (so a sender's consecutive sequences stay in order), hands them to the block builder,
 * and after each block drops the included ones and re-checks the rest against the new
 * state. It is node-local: nothing here reaches consensus state.
 *
 * `update` must run right after the application's Commit (which resets its check state),
 * with no CheckTx in between: a tx admitted in that window would be applied twice to the
 * check state (on admission and on re-check) and dropped as a sequence mismatch. The node
 * calls it in the same synchronous step as Commit, before the block's batch is written.
 */
import { blockTxBytes } from "../types/block.js";
import { txHash } from "../crypto/txHash.js";
import { toHex } from "../types/bytes.js";
import type { Application, TxResult } from "../types/abci.js";
import { sdkErrors, type RegisteredError } from "../types/errors.js";
import { mempoolErrors } from "./errors.js";
import { evictOldest } from "../types/evictOldest.js";

export interface MempoolOptions {
  app: Pick<Application, "checkTx">;
  /** Maximum number of txs held. */
  maxTxs: number;
  /** Maximum total bytes held. */
  maxBytes: number;
  /** Maximum size of one tx. */
  maxTxBytes: number;
  /** How many recently seen tx hashes are remembered to reject duplicates. */
  cacheSize?: number;
  /** Re-check the remaining txs after each block (CometBFT's `recheck`); default true. */
  recheck?: boolean;
}

interface Entry {
  tx: Uint8Array;
  hash: Uint8Array;
  gasWanted: bigint;
  /** Signer addresses (from CheckTx's acc_seq events): a skipped tx holds back its signers' later txs. */
  signers: string[];
}

function signersOf(result: TxResult): string[] {
  const out: string[] = [];
  for (const e of result.events) {
    if (e.type !== "tx") continue;
    for (const a of e.attributes) {
      if (a.key !== "acc_seq") continue;
      const slash = a.value.lastIndexOf("/");
      out.push(slash < 0 ? a.value : a.value.slice(0, slash));
    }
  }
  return out;
}

/** Where a tx came from: a client of this node (the default), or a peer. */
export type TxOrigin = "client" | "peer";

export interface Mempool {
  /**
   * Runs CheckTx and, if it passes, adds the tx. Returns the CheckTx result (code 0 = admitted).
   * `origin` "peer": a refusal for coming a few sequences early is not final, the node holds
   * the tx for another try (chain/node/parkedTxs.ts), so wrappers do not report it refused.
   */
  checkAndAdd(tx: Uint8Array, origin?: TxOrigin): TxResult;
  /**
   * Txs in arrival order whose total size fits in maxBytes (and total gas in maxGas if ≥ 0).
   * A tx that does not fit in what is left is skipped, not the end of the block: one large tx
   * must not keep every later one out.
   */
  reap(maxBytes: number, maxGas?: bigint): Uint8Array[];
  /** After the application's Commit: removes the committed txs and re-checks the others against the new state. */
  update(committedTxs: Uint8Array[]): void;
  size(): number;
  sizeBytes(): number;
  txs(limit: number): Uint8Array[];
  /** Called whenever a tx is admitted (lets consensus wake up when it waits for txs). */
  onTxAvailable(handler: () => void): void;
  /** Whether the tx with this sha256 is held, or was admitted recently (the duplicate cache). */
  has(hash: Uint8Array): boolean;
  /**
   * Admission with `check` in CheckTx's stead (the sequencer executing the tx at once,
   * chain/sequencer/admission.ts): the same size, duplicate and capacity checks first, then
   * `check` (given the tx's sha256), whose result (code 0) admits the tx. Undefined, with nothing changed, when a
   * check here refuses the tx or `check` gives no answer: `checkAndAdd` then decides, and
   * explains its refusal, as always.
   */
  admitWith?(tx: Uint8Array, check: (hash: Uint8Array) => TxResult | undefined): TxResult | undefined;
}

/**
 * A refusal before CheckTx: the result `err(message)` would give, without making the
 * error: an Error captures its stack, 1% of a loaded validator's time in a localnet profile,
 * where one admission in five at a validator that is not the sequencer was of a tx it held
 * already or had seen committed.
 */
function refusal(err: RegisteredError, message?: string): TxResult {
  return {
    code: err.code,
    codespace: err.codespace,
    log: message === undefined ? err.description : `${message}: ${err.description}`,
    info: "",
    data: new Uint8Array(),
    gasWanted: 0n,
    gasUsed: 0n,
    events: [],
  };
}

export function createMempool(options: MempoolOptions): Mempool {
  const entries = new Map<string, Entry>();
  const seen = new Set<string>();
  const cacheSize = options.cacheSize ?? 100_000;
  const listeners: (() => void)[] = [];
  let bytes = 0;

  function remember(key: string): void {
    seen.add(key);
    evictOldest(seen, cacheSize);
  }

  function remove(key: string): void {
    const e = entries.get(key);
    if (e === undefined) return;
    entries.delete(key);
    bytes -= e.tx.length;
  }

  /** The size, duplicate and capacity checks before CheckTx: a refusal, or the tx's hash and key. */
  function precheck(tx: Uint8Array): TxResult | { hash: Uint8Array; key: string } {
    if (tx.length === 0) return refusal(mempoolErrors.emptyTx);
    if (tx.length > options.maxTxBytes) {
      return refusal(mempoolErrors.txTooLarge, `tx is ${tx.length} bytes, the limit is ${options.maxTxBytes}`);
    }
    const hash = txHash(tx);
    const key = toHex(hash);
    if (entries.has(key) || seen.has(key)) return refusal(sdkErrors.txInMempoolCache);
    if (entries.size >= options.maxTxs || bytes + tx.length > options.maxBytes) {
      return refusal(mempoolErrors.full, `${entries.size} txs, ${bytes} bytes held`);
    }
    return { hash, key };
  }

  function add(tx: Uint8Array, hash: Uint8Array, key: string, result: TxResult): void {
    entries.set(key, { tx, hash, gasWanted: result.gasWanted, signers: signersOf(result) });
    bytes += tx.length;
    remember(key);
    for (const l of listeners) l();
  }

  function admit(tx: Uint8Array): TxResult {
    const pre = precheck(tx);
    if ("code" in pre) return pre;
    const result = options.app.checkTx(tx, "new");
    if (result.code !== 0) return result;
    add(tx, pre.hash, pre.key, result);
    return result;
  }

  return {
    checkAndAdd: admit,

    admitWith(tx, check) {
      const pre = precheck(tx);
      if ("code" in pre) return undefined;
      const result = check(pre.hash);
      if (result === undefined || result.code !== 0) return undefined;
      add(tx, pre.hash, pre.key, result);
      return result;
    },

    has(hash) {
      const key = toHex(hash);
      return entries.has(key) || seen.has(key);
    },

    reap(maxBytes, maxGas = -1n) {
      const out: Uint8Array[] = [];
      let total = 0;
      let gas = 0n;
      // Signers with a skipped tx: their later txs would fail on the sequence without it.
      const heldBack = new Set<string>();
      for (const e of entries.values()) {
        const size = blockTxBytes(e.tx.length);
        const fits = total + size <= maxBytes && (maxGas < 0n || gas + e.gasWanted <= maxGas);
        if (!fits || e.signers.some((s) => heldBack.has(s))) {
          for (const s of e.signers) heldBack.add(s);
          continue;
        }
        out.push(e.tx);
        total += size;
        gas += e.gasWanted;
      }
      return out;
    },

    update(committedTxs) {
      for (const tx of committedTxs) {
        const key = toHex(txHash(tx));
        remove(key);
        remember(key);
      }
      if (options.recheck !== false) {
        for (const [key, e] of [...entries]) {
          if (options.app.checkTx(e.tx, "recheck").code !== 0) remove(key);
        }
      }
    },

    size: () => entries.size,
    sizeBytes: () => bytes,
    txs(limit) {
      const out: Uint8Array[] = [];
      for (const e of entries.values()) {
        if (out.length >= limit) break;
        out.push(e.tx);
      }
      return out;
    },
    onTxAvailable(handler) {
      listeners.push(handler);
    },
  };
}

/**
 * CheckTx outcomes that no honest peer relays: a peer only passes on txs its own CheckTx
 * admitted, and these do not depend on state (a decode or signature-form failure, a tx too
 * large or over the block's gas). A wrong sequence, low balance or fee below our own minimum
 * gas price can honestly differ between nodes and is not held against the peer.
 */
export function isPeerFault(r: Pick<TxResult, "code" | "codespace">): boolean {
  if (r.codespace === "mempool") return r.code === 3 || r.code === 4;
  if (r.codespace !== "sdk") return false;
  return PEER_FAULT_SDK_CODES.has(r.code);
}

// tx parse, unauthorized (signature), invalid pubkey, memo too large, too many / no
// signatures, invalid request, tx too large, wrong chain id, invalid type, unknown
// extension options, invalid gas limit.
const PEER_FAULT_SDK_CODES = new Set([2, 4, 8, 12, 14, 15, 18, 21, 28, 29, 31, 41]);

/** How far ahead of its account a tx may be and still be held for another try (a burst overtaken in transit). */
export const MAX_EARLY_SEQUENCE = 16n;

/**
 * How many sequences early a tx CheckTx refused came: `got - expected` from the ante's
 * "account sequence mismatch, expected E, got G" (chain/runtime/ante/verifySignatures.ts),
 * when that is 1 to MAX_EARLY_SEQUENCE. Undefined for any other result, and for a tx that
 * is late (a sequence already used can never be valid again).
 */
export function sequencesEarly(r: Pick<TxResult, "code" | "codespace" | "log">): bigint | undefined {
  if (r.code !== sdkErrors.wrongSequence.code || r.codespace !== sdkErrors.wrongSequence.codespace) return undefined;
  const m = /expected (\d+), got (\d+)/.exec(r.log);
  if (m === null) return undefined;
  const early = BigInt(m[2]!) - BigInt(m[1]!);
  return early > 0n && early <= MAX_EARLY_SEQUENCE ? early : undefined;
}

/**
 * Whether a refusal is not final: a peer's tx that came a few sequences early, which the
 * node holds and tries again (chain/node/parkedTxs.ts). Wrappers of `checkAndAdd` do not
 * report such a tx refused.
 */
export function heldForRetry(r: Pick<TxResult, "code" | "codespace" | "log">, origin: TxOrigin | undefined): boolean {
  return origin === "peer" && sequencesEarly(r) !== undefined;
}
