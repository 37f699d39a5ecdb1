/**
 * The generic application (Cosmos' BaseApp): module wiring, the ABCI methods, check state
 * for mempool admission, block execution on the state store's working state, and the app
 * hash (the state root). Knows no module by name; strikeApp.ts composes the modules.
 */
import { blockTxBytes } from "../types/block.js";
import "../codec/cosmjsTypesAlloc.js";
import { SimulateRequest, SimulateResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { Any } from "cosmjs-types/google/protobuf/any";
import { createSignatureCache, type SignatureCache } from "../crypto/sigCache.js";
import { verifySecp256k1Digest } from "../crypto/secp256k1.js";
import { txHash } from "../crypto/txHash.js";
import { branchStore, type Branch } from "../store/branch.js";
import type { StateStore, WriteBatch } from "../store/types.js";
import type {
  AbciEvent,
  Application,
  CheckTxKind,
  FinalizeBlockRequest,
  FinalizeBlockResponse,
  InfoResponse,
  InitChainRequest,
  InitChainResponse,
  QueryRequest,
  QueryResponse,
  Timestamp,
  TxResult,
  ValidatorUpdate,
} from "../types/abci.js";
import { equalBytes, fromUtf8, latin1, utf8 } from "../types/bytes.js";
import { sdkErrors } from "../types/errors.js";
import { abciQuery } from "./abciQuery.js";
import type { AnteAccountKeeper, AnteBankKeeper, AnteStep, DigestVerifier } from "./ante/index.js";
import { parseFeeCoins, type DecCoin } from "./coins.js";
import { checkMinGasPrices } from "./ante/deductFee.js";
import { validateBasicTx } from "./ante/validateBasic.js";
import { createContext } from "./context.js";
import { createGasMeter } from "./gas.js";
import { buildRouters } from "./router.js";
import { runTx, type AnteReads, type AnteWrites, type RunTxEnv } from "./runTx.js";
import { anteRecord, replayAnte, type AnteRecord } from "./anteReplay.js";
import { runBlockHook } from "./blockHooks.js";
import {
  hookInfo,
  openSpeculativeBlock,
  rebaseOnCommitted,
  reuseForFinalize,
  withTxs,
  type SpeculativeBlock,
  type SpeculativeBlockRequest,
  type SpeculativeEnv,
} from "./speculative.js";
import { createDecodedTxCache } from "./txCache.js";
import { decodeTx } from "./txDecode.js";
import { pendingSignatures, preverifySignatures, type PreverifyEnv } from "./preverify.js";
import type { SignatureVerifier } from "../crypto/verifyPool.js";
import type { AppModule, BlockInfo, ExecMode } from "./types.js";

export const APP_VERSION = "0.1.0";
export const DEFAULT_MAX_TX_BYTES = 1024 * 1024;
/** Where the chain id lives in state, so that a restarted node knows it without the genesis file. */
const CHAIN_ID_KEY = utf8("runtime/chain_id");

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface BaseAppOptions {
  state: StateStore;
  modules: readonly AppModule[];
  accounts: AnteAccountKeeper;
  bank: AnteBankKeeper;
  feeCollector: string;
  minGasPrices: readonly DecCoin[];
  maxTxBytes?: number;
  /** The block's max gas from the consensus params (-1: no limit): CheckTx and ProcessProposal enforce it. */
  maxBlockGas?: bigint;
  /**
   * Blocks the node keeps below the one committed (retainBlocks(), app/retention.ts); 0n or
   * absent: every block. Commit answers the retain height from it, as Cosmos's
   * `min-retain-blocks` does.
   */
  retainBlocks?: bigint;
  logger?: Logger;
  sigCache?: SignatureCache;
  /** secp256k1 digest verifier; defaults to the native one. Injectable to count verifications. */
  verify?: DigestVerifier;
  anteSteps?: readonly AnteStep[];
  /** false: every mempool re-check runs the tx's ante again (tests compare it with re-checks from records, anteReplay.ts). */
  replayRechecks?: boolean;
}

export interface SimulateOutcome {
  gasUsed: bigint;
  result: TxResult;
}

export interface StrikeApp extends Application {
  simulate(txBytes: Uint8Array): SimulateOutcome;
  /** The sequencer's view of the next block: committed state + begin-block, txs executed on arrival (speculative.ts). */
  openSpeculativeBlock(req: SpeculativeBlockRequest): SpeculativeBlock;
  /**
   * A pipelined block (opened with `openNext`) moved onto committed state under the real
   * request `req` without executing its txs again, when that gives exactly what executing
   * them again would (speculative.ts); undefined when it might not.
   */
  rebaseSpeculativeBlock(block: SpeculativeBlock, req: SpeculativeBlockRequest): SpeculativeBlock | undefined;
  /** How often block execution was answered from a speculative block instead of executing again. */
  readonly reuse: Readonly<ExecutionReuse>;
  /** The tx's signers (Cosmos GetSigners); throws the decode error on bad bytes. For the finality ladder's accounts. */
  txSigners(tx: Uint8Array): string[];
  /**
   * Verifies the tx's signatures in `verifier` (a worker pool) into the signature cache, so
   * that its CheckTx does not verify them on this thread (runtime/preverify.ts). Never rejects.
   */
  preverify(tx: Uint8Array, verifier: SignatureVerifier): Promise<void>;
  readonly sigCache: SignatureCache;
  readonly chainId: string;
  /**
   * Whether CheckTx would pass `tx` on everything but state: size, decoding and stateless
   * validation, the block's gas limit and this node's minimum gas prices. The sequencer's
   * admission asks it before executing a tx in CheckTx's stead (chain/sequencer/admission.ts).
   */
  admissibleWithoutState(tx: Uint8Array, hash?: Uint8Array): boolean;
  /**
   * Whether a tx's ante, run on the sequencer's speculative state, found every key it wrote
   * (its signers' accounts, the fee payer's balances) as the check state holds it: then
   * CheckTx's ante, reading the same, would decide and write the same. The fee collector's
   * balance is the exception: the ante adds the fee to it whatever it holds, so what it held
   * decides nothing. And it always differs: the begin block of the speculative state's height
   * paid the collected fees out to the validators (staking's allocateFees), which the check
   * state, the last commit's, has not yet seen; held to the rule, no tx of a chain with
   * bonded validators was admitted this way, and the sequencer executed each one twice.
   */
  anteMatchesCheckState(writes: AnteWrites): boolean;
  /**
   * The sequencer executed a tx's ante on its speculative state in CheckTx's stead: the ante's
   * writes are made on the check state too, so that the next CheckTx, simulation or signature
   * preparation sees the tx as if CheckTx had run it; the fee collector is credited the fee on
   * what the check state holds, as CheckTx's ante would have.
   */
  applyAnteToCheckState(writes: AnteWrites, recheck?: AnteRecheck): void;
}

/**
 * What the mempool's next re-check of a tx admitted through `applyAnteToCheckState` can use
 * instead of running its ante again (anteReplay.ts): the tx's hash, what its ante read, and
 * the answer it gave.
 */
export interface AnteRecheck {
  hash: Uint8Array;
  reads: AnteReads | undefined;
  result: TxResult;
}

const ZERO_TIME: Timestamp = { seconds: 0n, nanos: 0 };

/**
 * A mempool re-check's answer: the result without its events, replayed or executed alike.
 * The mempool reads a re-check's code only, and the records kept for the next re-check
 * (anteReplay.ts) held those events for every tx in the mempool: the second largest set of
 * objects in a loaded validator's heap (heap snapshot, 2026-12-07).
 */
function recheckAnswer(result: TxResult): TxResult {
  return result.events.length === 0 ? result : { ...result, events: [] };
}

export interface ExecutionReuse {
  /** Blocks finalized from the sequencer's speculative execution of them. */
  finalizeReused: number;
  /** Blocks executed by finalize. */
  finalizeExecuted: number;
  /** Pipelined blocks moved onto committed state without executing their txs again. */
  rebaseReused: number;
  /** Pipelined blocks that could not be moved so (the caller executes their txs again). */
  rebaseRefused: number;
  /** Mempool re-checks answered from the tx's last ante (anteReplay.ts), and those that ran it again. */
  recheckReplayed: number;
  recheckExecuted: number;
}

export function createBaseApp(options: BaseAppOptions): StrikeApp {
  const { state, modules } = options;
  const routers = buildRouters(modules);
  const storeKeys: ReadonlySet<string> = new Set(modules.map((m) => m.storeKey ?? m.name));
  const sigCache = options.sigCache ?? createSignatureCache();
  const logger = options.logger;
  const decodedTxs = createDecodedTxCache();
  /** The fee an ante's write added to the fee collector's balance; undefined for any other write (or a bank that cannot say). */
  const feeCredit = (
    key: Uint8Array,
    value: Uint8Array | undefined,
    before: Uint8Array | undefined,
  ): bigint | undefined =>
    options.bank.creditedBalance === undefined
      ? undefined
      : options.bank.moduleCredit?.(options.feeCollector, key, before, value);
  const env: RunTxEnv = {
    msgRoutes: routers.msgs,
    ante: {
      accounts: options.accounts,
      bank: options.bank,
      feeCollector: options.feeCollector,
      minGasPrices: options.minGasPrices,
      sigCache,
      verify: options.verify ?? verifySecp256k1Digest,
    },
    ...(options.anteSteps === undefined ? {} : { anteSteps: options.anteSteps }),
    maxTxBytes: options.maxTxBytes ?? DEFAULT_MAX_TX_BYTES,
    maxBlockGas: options.maxBlockGas ?? -1n,
    decodedTxs,
    onPanic: (e) => logger?.error("tx execution failed with an internal error", { error: String(e) }),
  };

  const preverifyEnv: PreverifyEnv = {
    msgRoutes: routers.msgs,
    accounts: options.accounts,
    sigCache,
    decodedTxs,
    maxTxBytes: env.maxTxBytes,
  };

  const storedChainId = state.working.get(CHAIN_ID_KEY);
  let chainId = storedChainId === undefined ? "" : fromUtf8(storedChainId);
  let lastBlockTime: Timestamp = ZERO_TIME;
  let pendingHeight: bigint | undefined;
  /**
   * Queries that arrived between a block's finalize and its Commit (the node serves requests
   * there: consensus/blockCommit.ts), answered once it is committed: the working state then
   * holds the block's writes while its version is still the height before.
   */
  let awaitingCommit: (() => void)[] = [];
  let checkState: Branch = branchStore(state.working);
  /**
   * Re-checks without the ante (anteReplay.ts), with the default ante steps only (another
   * step may read what the records do not hold): the records of the txs admitted since the
   * last commit, and those of the commit before, which the mempool's re-check reads. By tx
   * hash (latin1); a record not used by one re-check is dropped at the next commit.
   */
  const replayRechecks =
    options.replayRechecks !== false && options.anteSteps === undefined && options.bank.creditedBalance !== undefined;
  let anteRecords = new Map<string, AnteRecord>();
  let recheckRecords = new Map<string, AnteRecord>();
  const recordAnte = (hash: Uint8Array, reads: AnteReads | undefined, writes: AnteWrites, result: TxResult): void => {
    // A timeout height makes the ante's answer depend on the height, which every re-check changes.
    if (reads === undefined || decodedTxs.get(hash)?.body.timeoutHeight !== 0n) return;
    anteRecords.set(latin1(hash), anteRecord(reads, writes, recheckAnswer(result), feeCredit));
  };
  const reuse: ExecutionReuse = {
    finalizeReused: 0,
    finalizeExecuted: 0,
    rebaseReused: 0,
    rebaseRefused: 0,
    recheckReplayed: 0,
    recheckExecuted: 0,
  };
  /** The newest speculative block of each height, offered to finalize (speculative.ts checks it is exact). */
  const candidates = new Map<bigint, SpeculativeBlock>();
  const speculativeEnv = (): SpeculativeEnv => ({ env, modules, chainId, logger, queries: routers.queries });

  const checkBlock = (): BlockInfo => ({ chainId, height: BigInt(state.version) + 1n, time: lastBlockTime });

  function blockHook(
    ctxBlock: BlockInfo,
    hook: "beginBlock" | "endBlock",
    events: AbciEvent[],
    updates: ValidatorUpdate[] = [],
  ): void {
    runBlockHook({ modules, base: state.working, logger }, ctxBlock, hook, events, updates);
  }

  /** A tx in a block: the caches that served its admission let it go. */
  function forgetTx(hash: Uint8Array): void {
    sigCache.remove(hash);
    decodedTxs.remove(hash);
  }

  function simulate(txBytes: Uint8Array): SimulateOutcome {
    // A branch of the check state: simulation sees pending mempool effects and changes nothing.
    const { result } = runTx(env, "simulate", branchStore(checkState), checkBlock(), txBytes);
    return { gasUsed: result.gasUsed, result };
  }

  function simulateQuery(data: Uint8Array): Uint8Array {
    const req = SimulateRequest.decode(data);
    if (req.txBytes.length === 0) throw sdkErrors.invalidRequest("empty txBytes is not allowed");
    const { result } = simulate(req.txBytes);
    if (result.code !== 0)
      throw sdkErrors.invalidRequest(
        `${result.log} With gas wanted: '${result.gasWanted}' and gas used: '${result.gasUsed}' `,
      );
    const msgResponses = TxMsgData.decode(result.data).msgResponses.map((r) => Any.fromPartial(r));
    return SimulateResponse.encode({
      gasInfo: { gasWanted: result.gasWanted, gasUsed: result.gasUsed },
      result: {
        data: new Uint8Array(0),
        log: result.log,
        events: result.events.map((e) => ({
          type: e.type,
          attributes: e.attributes.map((a) => ({ key: a.key, value: a.value, index: a.index })),
        })),
        msgResponses,
      },
    }).finish();
  }

  const app: StrikeApp = {
    get sigCache() {
      return sigCache;
    },
    get chainId() {
      return chainId;
    },
    info(): InfoResponse {
      return {
        data: "strike",
        version: APP_VERSION,
        appVersion: 1n,
        lastBlockHeight: BigInt(state.version),
        lastBlockAppHash: state.root,
      };
    },

    initChain(req: InitChainRequest): InitChainResponse {
      chainId = req.chainId;
      lastBlockTime = req.time;
      const appState = (req.appState ?? {}) as Record<string, unknown>;
      const branch = branchStore(state.working);
      const block: BlockInfo = { chainId, height: req.initialHeight, time: req.time };
      for (const m of modules) {
        if (m.initGenesis === undefined) continue;
        const ctx = createContext({ block, mode: "genesis", store: branch, gasMeter: createGasMeter(undefined) });
        m.initGenesis(ctx, appState[m.name]);
      }
      branch.set(CHAIN_ID_KEY, utf8(chainId));
      branch.write();
      checkState = branchStore(state.working);
      return { validators: req.validators, appHash: state.workingRoot() };
    },

    checkTx(tx: Uint8Array, kind: CheckTxKind): TxResult {
      const mode: ExecMode = kind === "recheck" ? "recheck" : "check";
      if (!replayRechecks) {
        const result = runTx(env, mode, checkState, checkBlock(), tx).result;
        return kind === "recheck" ? recheckAnswer(result) : result;
      }
      if (kind === "recheck") {
        const key = latin1(txHash(tx));
        const record = recheckRecords.get(key);
        if (record !== undefined && replayAnte(record, checkState, options.bank.creditedBalance!)) {
          anteRecords.set(key, record);
          reuse.recheckReplayed++;
          return record.result;
        }
        reuse.recheckExecuted++;
      }
      let ante: { reads: AnteReads | undefined; writes: AnteWrites } | undefined;
      const outcome = runTx(env, mode, checkState, checkBlock(), tx, (writes, _check, reads) => {
        ante = { reads, writes };
      });
      if (outcome.result.code === 0 && outcome.tx !== undefined && ante !== undefined)
        recordAnte(outcome.tx.hash, ante.reads, ante.writes, outcome.result);
      return kind === "recheck" ? recheckAnswer(outcome.result) : outcome.result;
    },

    prepareProposal(txs: Uint8Array[], maxBytes: number): Uint8Array[] {
      const out: Uint8Array[] = [];
      let total = 0;
      for (const tx of txs) {
        if (tx.length > env.maxTxBytes || total + blockTxBytes(tx.length) > maxBytes) continue;
        total += blockTxBytes(tx.length);
        out.push(tx);
      }
      return out;
    },

    processProposal(txs: Uint8Array[]): boolean {
      // Structural checks only: a tx that fails its ante in the block is recorded as failed, as in Cosmos.
      // Plus the block's gas: the sum of the txs' gas limits stays within max gas.
      const maxGas = env.maxBlockGas ?? -1n;
      let gas = 0n;
      for (const tx of txs) {
        if (tx.length > env.maxTxBytes) return false;
        let decoded = decodedTxs.get(txHash(tx));
        if (decoded === undefined) {
          try {
            decoded = decodeTx(tx, routers.msgs);
          } catch {
            return false;
          }
        }
        gas += decoded.authInfo.fee?.gasLimit ?? 0n;
        if (maxGas >= 0n && gas > maxGas) return false;
      }
      return true;
    },

    finalizeBlock(req: FinalizeBlockRequest): FinalizeBlockResponse {
      // The hooks see the header; begin-block not the txs (a speculative block's are not
      // known when it opens), end-block the txs too. The root before this block's writes
      // is the header's app_hash (state after height-1).
      const info = hookInfo(
        chainId,
        { ...req, decidedLastCommit: req.decidedLastCommit ?? { votes: [] } },
        state.workingRoot(),
      );
      const candidate = candidates.get(req.height);
      for (const h of candidates.keys()) if (h <= req.height) candidates.delete(h);
      const reused = candidate === undefined ? undefined : reuseForFinalize(candidate, state, info, req.txs);
      let response: Omit<FinalizeBlockResponse, "appHash">;
      if (reused !== undefined) {
        reuse.finalizeReused++;
        for (const tx of req.txs) forgetTx(txHash(tx));
        response = reused;
      } else {
        reuse.finalizeExecuted++;
        const events: AbciEvent[] = [];
        const validatorUpdates: ValidatorUpdate[] = [];
        blockHook(info, "beginBlock", events);
        const txResults = req.txs.map((tx) => {
          const outcome = runTx(env, "finalize", state.working, info, tx);
          if (outcome.tx !== undefined) forgetTx(outcome.tx.hash);
          return outcome.result;
        });
        blockHook(withTxs(info, req.txs), "endBlock", events, validatorUpdates);
        response = { events, txResults, validatorUpdates };
      }
      lastBlockTime = req.time;
      pendingHeight = req.height;
      return { ...response, appHash: state.workingRoot() };
    },

    commit(batch: WriteBatch): { retainHeight: bigint } {
      if (pendingHeight === undefined) throw sdkErrors.invalidRequest("commit without a finalized block");
      const height = pendingHeight;
      state.commit(batch, Number(height));
      pendingHeight = undefined;
      // Mempool admission restarts from the new committed state (Cosmos resets checkState on Commit).
      checkState = branchStore(state.working);
      recheckRecords = anteRecords;
      anteRecords = new Map();
      const waiting = awaitingCommit;
      awaitingCommit = [];
      for (const answer of waiting) answer();
      const keep = options.retainBlocks ?? 0n;
      return { retainHeight: keep > 0n && height > keep ? height - keep : 0n };
    },

    query(req: QueryRequest): Promise<QueryResponse> {
      if (pendingHeight !== undefined)
        return new Promise<void>((committed) => awaitingCommit.push(committed)).then(() => app.query(req));
      return abciQuery(
        {
          state,
          routes: routers.queries,
          appVersion: APP_VERSION,
          simulate: simulateQuery,
          lastBlockTime: () => lastBlockTime,
          storeKeys,
        },
        req,
      );
    },

    simulate,

    openSpeculativeBlock(req: SpeculativeBlockRequest): SpeculativeBlock {
      const block = openSpeculativeBlock(speculativeEnv(), state, req, state.workingRoot());
      candidates.set(req.height, block);
      return block;
    },

    rebaseSpeculativeBlock(block: SpeculativeBlock, req: SpeculativeBlockRequest): SpeculativeBlock | undefined {
      const rebased = rebaseOnCommitted(block, state, req, state.workingRoot());
      if (rebased === undefined) {
        reuse.rebaseRefused++;
        return undefined;
      }
      reuse.rebaseReused++;
      candidates.set(req.height, rebased);
      return rebased;
    },

    get reuse() {
      return reuse;
    },

    preverify(tx: Uint8Array, verifier: SignatureVerifier): Promise<void> {
      let prepared;
      try {
        prepared = pendingSignatures(preverifyEnv, checkState, checkBlock(), tx);
      } catch {
        // Whatever this step cannot prepare, CheckTx judges (and explains) itself.
        return Promise.resolve();
      }
      return preverifySignatures(preverifyEnv, verifier, prepared);
    },

    admissibleWithoutState(tx: Uint8Array, hash = txHash(tx)): boolean {
      if (tx.length > env.maxTxBytes) return false;
      let decoded = decodedTxs.get(hash);
      if (decoded === undefined) {
        try {
          decoded = decodeTx(tx, routers.msgs, hash);
          validateBasicTx(decoded);
        } catch {
          return false;
        }
        // As CheckTx keeps it: the block's execution and the re-check decode it no more.
        decodedTxs.add(decoded);
      }
      const fee = decoded.authInfo.fee!;
      const maxBlockGas = env.maxBlockGas ?? -1n;
      if (maxBlockGas >= 0n && fee.gasLimit > maxBlockGas) return false;
      try {
        checkMinGasPrices(parseFeeCoins(fee.amount, "fee.amount"), fee.gasLimit, env.ante.minGasPrices);
      } catch {
        return false;
      }
      return true;
    },

    anteMatchesCheckState(writes: AnteWrites): boolean {
      for (const [key, value, before] of writes) {
        if (feeCredit(key, value, before) !== undefined) continue;
        const held = checkState.get(key);
        if (held === undefined ? before !== undefined : before === undefined || !equalBytes(held, before)) return false;
      }
      return true;
    },

    applyAnteToCheckState(writes: AnteWrites, recheck?: AnteRecheck): void {
      for (const [key, value, before] of writes) {
        const credit = feeCredit(key, value, before);
        if (credit !== undefined) checkState.set(key, options.bank.creditedBalance!(checkState.get(key), credit));
        else if (value === undefined) checkState.delete(key);
        else checkState.set(key, value);
      }
      if (replayRechecks && recheck !== undefined) recordAnte(recheck.hash, recheck.reads, writes, recheck.result);
    },

    txSigners(tx: Uint8Array): string[] {
      // Usually decoded already, by preverify or CheckTx: decoding is a tx's largest fixed cost.
      return [...(decodedTxs.get(txHash(tx)) ?? decodeTx(tx, routers.msgs)).signers];
    },
  };
  return app;
}
