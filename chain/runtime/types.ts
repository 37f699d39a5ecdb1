/** The runtime's vocabulary: the execution context handed to modules, and what a module registers. */
import type { KVStore } from "../store/types.js";
import type { LastCommitInfo, Misbehavior, Timestamp, ValidatorUpdate } from "../types/abci.js";
import type { EventManager } from "./events.js";
import type { GasMeter } from "./gas.js";

/** check/recheck: mempool admission; simulate: gas estimation; finalize: block execution. */
export type ExecMode = "check" | "recheck" | "simulate" | "finalize" | "genesis";

export interface BlockInfo {
  chainId: string;
  height: bigint;
  time: Timestamp;
  /** What consensus tells begin block about the previous block (finalize only). */
  comet?: {
    lastCommit: LastCommitInfo;
    misbehavior: readonly Misbehavior[];
    /** The block's proposer (also known to the sequencer's speculative execution). */
    proposerAddress?: Uint8Array;
    /** The block's txs: finalize only (a speculative block's txs are not known when it opens). */
    txs?: readonly Uint8Array[];
    /** The header's last_results_hash: the results root of the previous height. */
    lastResultsHash?: Uint8Array;
  };
  /** The header's app_hash: the state root after the previous block (finalize and speculative blocks). */
  lastAppHash?: Uint8Array;
  /** The header's last_block_id hash: the previous block's hash (when consensus supplies it). */
  lastBlockHash?: Uint8Array;
}

export interface Context {
  readonly block: BlockInfo;
  readonly mode: ExecMode;
  readonly gasMeter: GasMeter;
  readonly events: EventManager;
  /** A module's store (keys under "<storeKey>/"), gas-metered. */
  kv(storeKey: string): KVStore;
  /**
   * Runs `fn` on a branch of this context's store: its writes and events are kept if it
   * returns and dropped if it throws (the error propagates). For end-block work that must
   * skip one failing item without losing the others.
   */
  atomic<T>(fn: (ctx: Context) => T): T;
}

/** protobuf Any as cosmjs-types has it. */
export interface AnyMsg {
  typeUrl: string;
  value: Uint8Array;
}

/** A message type the router knows: how to decode it, who signs it, and how to run it. */
export interface MsgRoute<T = unknown> {
  typeUrl: string;
  /** Module name for the `message.module` event attribute. */
  module: string;
  decode(bytes: Uint8Array): T;
  /** bech32 addresses that must sign, in order. */
  signers(msg: T): string[];
  /** Stateless checks (addresses, amounts, denoms); throws a StrikeError. Runs before the ante pipeline. */
  validateBasic(msg: T): void;
  /** Executes the message; returns its response (packed into TxMsgData). */
  handle(ctx: Context, msg: T): AnyMsg;
}

export interface QueryContext {
  /** The height being read (the latest committed one when the request said 0). */
  readonly height: bigint;
  /** The latest block's time, when the app knows it (past heights get the latest time too). */
  readonly time?: Timestamp;
  kv(storeKey: string): KVStore;
}

/** One ABCI query path, e.g. "/cosmos.bank.v1beta1.Query/Balance": request bytes in, response bytes out. */
export interface QueryRoute {
  path: string;
  handle(ctx: QueryContext, data: Uint8Array): Uint8Array;
  /** True if the handler only does point reads (get/has): then it can serve past heights. */
  pointReadsOnly?: boolean;
}

export interface AppModule {
  readonly name: string;
  /** Key of its store; defaults to the name. */
  readonly storeKey?: string;
  readonly msgs?: readonly MsgRoute<unknown>[];
  readonly queries?: readonly QueryRoute[];
  /** Called in initChain with `app_state[name]` (undefined if absent). */
  initGenesis?(ctx: Context, state: unknown): void;
  beginBlock?(ctx: Context): void;
  /** May return validator-set changes (staking); consensus applies them two heights later. */
  endBlock?(ctx: Context): void | ValidatorUpdate[];
}
