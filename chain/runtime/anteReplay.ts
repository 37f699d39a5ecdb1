/**
 * Re-checking a mempool tx without running its ante again.
 *
 * After each commit the mempool re-checks every tx it still holds against the new check
 * state (chain/mempool/mempool.ts, `update`), which rebuilds that state's fees and
 * sequences so that the next CheckTx of the same accounts follows on. Under load most txs
 * wait over a commit, so a node ran the ante again for about three of every four txs it
 * admitted (4% of a saturated node's main thread, and of each validator's in a localnet,
 * measured 2026-12-07). The ante is a function of the tx, the block height (only through a
 * timeout height), the node's settings (minimum gas prices) and the values of the keys it reads.
 * So when a tx has no timeout height and every key its last ante read holds what it held
 * then, the ante would decide and write exactly the same again: its recorded writes are
 * made instead, and its recorded answer stands.
 *
 * The fee collector's balance is the exception, as in the sequencer's admission
 * (chain/sequencer/admission.ts): the ante only adds the fee to it, whatever it holds, and a
 * block pays it out, so it is not compared; the fee is credited on what the check state
 * holds. What that balance holds changes the ante's gas only through its length (stored as
 * decimal digits: gas per byte read and written), so a record is used only when the gas a
 * longer balance would cost still fits in the tx's gas limit: the ante then passes as it did.
 * The answer's gas used can then differ from a fresh ante's by those bytes; the mempool reads
 * only its code.
 *
 * The check state is the node's own (mempool admission): nothing here reaches consensus.
 */
import { equalBytes } from "../types/bytes.js";
import type { KVStore } from "../store/types.js";
import type { TxResult } from "../types/abci.js";
import { KV_GAS_N } from "./gas.js";
import type { AnteReads, AnteWrites } from "./runTx.js";

/** What the fee collector was credited by a write, undefined when the write is not such a credit. */
export type FeeCredit = (
  key: Uint8Array,
  value: Uint8Array | undefined,
  before: Uint8Array | undefined,
) => bigint | undefined;

/** A balance as stored, with `amount` added. */
export type CreditedBalance = (held: Uint8Array | undefined, amount: bigint) => Uint8Array;

/** A tx's passed ante as a re-check can make it again. */
export interface AnteRecord {
  /** The keys the ante read (written ones included) and their values then; the fee collector's balance left out. */
  readonly reads: AnteReads;
  /** Its writes but the fee credit (undefined: a delete). */
  readonly sets: readonly (readonly [key: Uint8Array, value: Uint8Array | undefined])[];
  /** The fee collector's balance: the amount credited, and the stored lengths before and after. */
  readonly credits: readonly (readonly [key: Uint8Array, amount: bigint, beforeLength: number, afterLength: number])[];
  readonly result: TxResult;
}

/** The record of an ante that read `reads` (all of them: no range scanned) and wrote `writes`. */
export function anteRecord(reads: AnteReads, writes: AnteWrites, result: TxResult, feeCredit: FeeCredit): AnteRecord {
  const sets: [Uint8Array, Uint8Array | undefined][] = [];
  const credits: [Uint8Array, bigint, number, number][] = [];
  for (const [key, value, before] of writes) {
    const amount = feeCredit(key, value, before);
    if (amount === undefined) sets.push([key, value]);
    else credits.push([key, amount, before?.length ?? 0, value!.length]);
  }
  const credited = new Set(credits.map(([key]) => key));
  return { reads: credited.size === 0 ? reads : reads.filter(([key]) => !credited.has(key)), sets, credits, result };
}

/**
 * How many times an ante reads, and writes, the fee collector's balance for each fee coin, at
 * most: bank's credit reads it once and writes it once; the rest is room to spare.
 */
const COLLECTOR_ACCESSES = 4;

function sameValue(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  // Usually the very value read then: a block that did not touch the key left it in place.
  if (a === b) return true;
  return a !== undefined && b !== undefined && equalBytes(a, b);
}

/**
 * Makes the recorded ante's writes on `state` when the ante would do exactly that again
 * there (see above), and says whether it did; false leaves `state` as it was.
 */
export function replayAnte(record: AnteRecord, state: KVStore, creditedBalance: CreditedBalance): boolean {
  for (const [key, before] of record.reads) if (!sameValue(state.get(key), before)) return false;
  const credited: Uint8Array[] = [];
  let moreGas = 0;
  for (const [key, amount, beforeLength, afterLength] of record.credits) {
    const held = state.get(key);
    const next = creditedBalance(held, amount);
    moreGas +=
      COLLECTOR_ACCESSES *
      (Math.max(0, (held?.length ?? 0) - beforeLength) * KV_GAS_N.readCostPerByte +
        Math.max(0, next.length - afterLength) * KV_GAS_N.writeCostPerByte);
    credited.push(next);
  }
  if (moreGas > 0 && record.result.gasUsed + BigInt(moreGas) > record.result.gasWanted) return false;
  for (const [key, value] of record.sets) {
    if (value === undefined) state.delete(key);
    else state.set(key, value);
  }
  record.credits.forEach(([key], i) => state.set(key, credited[i]!));
  return true;
}
