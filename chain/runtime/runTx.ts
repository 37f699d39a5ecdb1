/**
 * Executes one tx in a mode, Cosmos-style: size and decode checks, stateless validation,
 * the ante pipeline in its own branch (kept if it passes), then the messages in another
 * branch (kept only if all succeed). A failed tx thus leaves only its fee and sequence.
 */
import { txHash } from "../crypto/txHash.js";
import { branchStore } from "../store/branch.js";
import { stringKey } from "../store/sortedKeys.js";
import type { KVStore } from "../store/types.js";
import type { AbciEvent, TxResult } from "../types/abci.js";
import { StrikeError, sdkErrors } from "../types/errors.js";
import { runAnte, validateBasicTx, type AnteEnv, type AnteStep } from "./ante/index.js";
import { createContext } from "./context.js";
import { createEventManager } from "./events.js";
import { createGasMeter, type GasMeter } from "./gas.js";
import { ProtoWriter } from "./protoWire.js";
import type { DecodedTxCache } from "./txCache.js";
import { decodeTx, type DecodedTx } from "./txDecode.js";
import type { AnyMsg, BlockInfo, ExecMode, MsgRoute } from "./types.js";

export interface RunTxEnv {
  msgRoutes: ReadonlyMap<string, MsgRoute<unknown>>;
  ante: AnteEnv;
  anteSteps?: readonly AnteStep[];
  maxTxBytes: number;
  /** The block's max gas (consensus params; -1 or absent: no limit). A tx asking more could never be included. */
  maxBlockGas?: bigint;
  /** Txs already decoded and validated (by CheckTx), reused by block execution. */
  decodedTxs?: DecodedTxCache;
  /** Called with errors that are not StrikeErrors (bugs): they become a generic "panic" result. */
  onPanic?: (e: unknown) => void;
}

export interface RunTxOutcome {
  result: TxResult;
  /** The decoded tx when decoding succeeded. */
  tx: DecodedTx | undefined;
  msgResponses: AnyMsg[];
  /** The ante passed, so its fee and sequence were applied (a sequencer includes only such txs). */
  charged: boolean;
}

/** A tx's ante writes: each key, its new value and the value it had before the tx (undefined: none). */
export type AnteWrites = readonly (readonly [
  key: Uint8Array,
  value: Uint8Array | undefined,
  before: Uint8Array | undefined,
])[];

/**
 * Every key a tx's ante read or wrote, with the value it held before the ante (undefined:
 * none). With the tx itself, its block's height (a timeout height) and the node's own
 * settings, these values are all the ante's outcome depends on.
 */
export type AnteReads = readonly (readonly [key: Uint8Array, before: Uint8Array | undefined])[];

/**
 * Told of a tx's ante when it passed: its writes, its result as CheckTx reports it (the gas
 * the ante used, its events), and what it read (undefined when it scanned a key range). The
 * sequencer's admission uses it to stand in for CheckTx (chain/sequencer/admission.ts), and
 * CheckTx to re-check the tx later without running the ante again (chain/runtime/anteReplay.ts).
 */
export type AnteObserver = (writes: AnteWrites, check: TxResult, reads: AnteReads | undefined) => void;

function errorResult(
  e: unknown,
  gasWanted: bigint,
  gasUsed: bigint,
  events: AbciEvent[],
  onPanic?: (e: unknown) => void,
): TxResult {
  // Non-StrikeErrors must not leak their text into consensus data.
  let err: StrikeError;
  if (e instanceof StrikeError) err = e;
  else {
    onPanic?.(e);
    err = sdkErrors.panic();
  }
  return {
    code: err.code,
    codespace: err.codespace,
    log: err.message,
    info: "",
    data: new Uint8Array(0),
    gasWanted,
    gasUsed,
    events,
  };
}

export function runTx(
  env: RunTxEnv,
  mode: ExecMode,
  base: KVStore,
  block: BlockInfo,
  bytes: Uint8Array,
  onAnte?: AnteObserver,
): RunTxOutcome {
  if (bytes.length > env.maxTxBytes) {
    return {
      result: errorResult(sdkErrors.txTooLarge(`tx has ${bytes.length} bytes, limit is ${env.maxTxBytes}`), 0n, 0n, []),
      tx: undefined,
      msgResponses: [],
      charged: false,
    };
  }
  let tx: DecodedTx;
  const hash = txHash(bytes);
  const cached = env.decodedTxs?.get(hash);
  if (cached !== undefined) tx = cached;
  else {
    try {
      tx = decodeTx(bytes, env.msgRoutes, hash);
      validateBasicTx(tx);
    } catch (e) {
      return { result: errorResult(e, 0n, 0n, [], env.onPanic), tx: undefined, msgResponses: [], charged: false };
    }
    if (mode === "check" || mode === "recheck") env.decodedTxs?.add(tx);
  }
  const gasWanted = tx.authInfo.fee!.gasLimit;
  const maxBlockGas = env.maxBlockGas ?? -1n;
  if (maxBlockGas >= 0n && gasWanted > maxBlockGas) {
    // As Cosmos' SetUpContextDecorator: refused before the ante touches any state.
    const e = sdkErrors.invalidGasLimit(
      `tx gas limit ${gasWanted} exceeds the block's max gas ${maxBlockGas}; lower the tx's gas limit`,
    );
    return { result: errorResult(e, gasWanted, 0n, [], env.onPanic), tx, msgResponses: [], charged: false };
  }
  const meter: GasMeter = createGasMeter(mode === "simulate" ? undefined : gasWanted);
  // A tx sees its block's chain id, height and time, never the header fields only the hooks
  // read (votes, evidence, proposer, hashes): so a sequencer's execution on arrival, made
  // before those are final, is the block's execution (speculative.ts reuses it).
  const view: BlockInfo = { chainId: block.chainId, height: block.height, time: block.time };

  const anteBranch = branchStore(base);
  const log = onAnte === undefined ? undefined : anteBranch.trackAccess();
  const anteCtx = createContext({ block: view, mode, store: anteBranch, gasMeter: meter });
  try {
    runAnte(anteCtx, tx, env.ante, env.anteSteps);
  } catch (e) {
    return { result: errorResult(e, gasWanted, meter.consumed, [], env.onPanic), tx, msgResponses: [], charged: false };
  }
  if (onAnte !== undefined && log !== undefined) {
    const writes: [Uint8Array, Uint8Array | undefined, Uint8Array | undefined][] = [];
    const written = new Set<string>();
    for (const [s, key, value] of anteBranch.pendingLatin1()) {
      writes.push([key, value, base.get(key)]);
      written.add(s);
    }
    let reads: [Uint8Array, Uint8Array | undefined][] | undefined;
    if (!log.scanned) {
      reads = writes.map(([key, , before]) => [key, before]);
      for (const s of log.keys) {
        if (written.has(s)) continue;
        const key = stringKey(s);
        reads.push([key, base.get(key)]);
      }
    }
    onAnte(writes, okResult(gasWanted, meter.consumed, [...anteCtx.events.events], new Uint8Array(0)), reads);
  }
  anteBranch.write();
  const anteEvents = [...anteCtx.events.events];
  if (mode === "check" || mode === "recheck") {
    return {
      result: okResult(gasWanted, meter.consumed, anteEvents, new Uint8Array(0)),
      tx,
      msgResponses: [],
      charged: true,
    };
  }

  const msgBranch = branchStore(base);
  const msgEvents: AbciEvent[] = [];
  const msgResponses: AnyMsg[] = [];
  try {
    tx.msgs.forEach((m, i) => {
      // Tagged with the message's index as they are emitted (Cosmos v0.50's msg_index).
      const events = createEventManager(i);
      const ctx = createContext({ block: view, mode, store: msgBranch, gasMeter: meter, events });
      const signer = m.route.signers(m.msg)[0] ?? "";
      events.emit("message", [
        ["action", m.any.typeUrl],
        ["sender", signer],
        ["module", m.route.module],
      ]);
      msgResponses.push(m.route.handle(ctx, m.msg));
      msgEvents.push(...events.events);
    });
  } catch (e) {
    return {
      result: errorResult(e, gasWanted, meter.consumed, anteEvents, env.onPanic),
      tx,
      msgResponses: [],
      charged: true,
    };
  }
  msgBranch.write();
  return {
    result: okResult(gasWanted, meter.consumed, [...anteEvents, ...msgEvents], txMsgData(msgResponses)),
    tx,
    msgResponses,
    charged: true,
  };
}

/** cosmos.base.abci.v1beta1.TxMsgData{msg_responses}, written as cosmjs-types writes it. */
function txMsgData(msgResponses: readonly AnyMsg[]): Uint8Array {
  const w = new ProtoWriter();
  for (const r of msgResponses) w.embed(2, new ProtoWriter().string(1, r.typeUrl).bytes(2, r.value));
  return w.finish();
}

function okResult(gasWanted: bigint, gasUsed: bigint, events: AbciEvent[], data: Uint8Array): TxResult {
  return { code: 0, codespace: "", log: "", info: "", data, gasWanted, gasUsed, events };
}
