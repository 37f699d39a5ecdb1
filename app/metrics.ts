/**
 * Every Prometheus metric the node exports, declared in this one file.
 *
 * CometBFT's names where CometBFT has the metric (`<namespace>_consensus_height`, …, with
 * the namespace from `[instrumentation] namespace`, "cometbft" by default), so dashboards
 * built for CometBFT chains read a Strike node unchanged; Strike's own under `strike_`.
 * Nothing here is state: the figures come from committed blocks (their events, as the
 * indexer sees them), from timing the node's own work, and from gauges read at scrape time.
 * A fresh registry per node, so nodes in one process (tests) do not share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { BlockSyncStatus } from "../chain/consensus/blockSync.js";
import type { CommittedBlock } from "../chain/consensus/types.js";
import type { Mempool } from "../chain/mempool/mempool.js";
import type { AbciEvent, Application } from "../chain/types/abci.js";
import type { Validator } from "../chain/types/block.js";
import type { ExecutionReuse } from "../chain/runtime/app.js";
import type { VerifierPoolStats } from "../chain/crypto/verifyPool.js";
import type { DatabaseStats } from "../chain/store/types.js";
import type { ReceiptRelayStats } from "../chain/sequencer/service.js";

export interface NodeMetricsSources {
  /** `[instrumentation] namespace` (CometBFT's metric prefix). */
  namespace: string;
  mempool: { size(): number; sizeBytes(): number };
  peers(): number;
  validators(): readonly Validator[];
  /** Block sync's progress (undefined before the network starts). */
  blockSync?(): BlockSyncStatus | undefined;
  /** Messages dropped on peers' full send queues since start, per p2p channel (chain/p2p/host.ts). */
  sendDrops?(): Readonly<Record<string, number>> | undefined;
  /** How often the app answered block execution from the sequencer's speculative execution (chain/runtime/speculative.ts). */
  executionReuse?(): Readonly<ExecutionReuse>;
  /** How relayed receipts were authenticated (chain/sequencer/receiptChain.ts). */
  receiptRelay?(): Readonly<ReceiptRelayStats>;
  /** The signature verifier pool's counts (chain/crypto/verifyPool.ts); undefined before it starts. */
  verifier?(): Readonly<VerifierPoolStats> | undefined;
  /** The database engine's own memory and disk figures (chain/store/rocksDb.ts). */
  database?(): DatabaseStats | undefined;
  /** Wall clock in ms (tests may pin it). */
  now?(): number;
}

export interface NodeMetrics {
  readonly registry: Registry;
  /** A block decided and written: height, rounds, interval, txs and the exchange's events. */
  blockCommitted(c: CommittedBlock): void;
  /** How long FinalizeBlock took for a block of `txs` transactions. */
  blockExecuted(seconds: number, txs: number): void;
  /** The sequencer's work on one arriving tx: admission, execution and the signed receipt. */
  sequenced(seconds: number, accepted: boolean): void;
  /** A validator service's tx (feeder, bridge, checkpoint) sent again, and why. */
  serviceTxRetried(service: string, reason: string): void;
}

const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const INTERVAL_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

function attr(e: AbciEvent, key: string): string {
  return e.attributes.find((a) => a.key === key)?.value ?? "";
}

export function createNodeMetrics(o: NodeMetricsSources): NodeMetrics {
  const registry = new Registry();
  const ns = o.namespace === "" ? "" : `${o.namespace}_`;
  const now = o.now ?? Date.now;
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  // CometBFT's consensus, mempool and p2p metrics.
  const height = new Gauge({ name: `${ns}consensus_height`, help: "Height of the chain.", registers });
  const rounds = new Gauge({
    name: `${ns}consensus_rounds`,
    help: "Round of the last committed block (0 when the first proposal was decided).",
    registers,
  });
  const blockInterval = new Histogram({
    name: `${ns}consensus_block_interval_seconds`,
    help: "Time between this and the last block (header times).",
    buckets: INTERVAL_BUCKETS,
    registers,
  });
  const numTxs = new Gauge({
    name: `${ns}consensus_num_txs`,
    help: "Number of transactions in the last block.",
    registers,
  });
  const totalTxs = new Gauge({
    name: `${ns}consensus_total_txs`,
    help: "Transactions committed since this node started.",
    registers,
  });
  const blockSize = new Gauge({
    name: `${ns}consensus_block_size_bytes`,
    help: "Size of the last block's txs.",
    registers,
  });
  new Gauge({
    name: `${ns}consensus_validators`,
    help: "Number of validators.",
    registers,
    collect() {
      this.set(o.validators().length);
    },
  });
  new Gauge({
    name: `${ns}consensus_validators_power`,
    help: "Total voting power of the validators.",
    registers,
    collect() {
      this.set(Number(o.validators().reduce((sum, v) => sum + v.votingPower, 0n)));
    },
  });
  new Gauge({
    name: `${ns}mempool_size`,
    help: "Number of uncommitted transactions in the mempool.",
    registers,
    collect() {
      this.set(o.mempool.size());
    },
  });
  new Gauge({
    name: `${ns}mempool_size_bytes`,
    help: "Total size of the mempool's transactions in bytes.",
    registers,
    collect() {
      this.set(o.mempool.sizeBytes());
    },
  });
  new Gauge({
    name: `${ns}p2p_peers`,
    help: "Number of peers.",
    registers,
    collect() {
      this.set(o.peers());
    },
  });
  new Counter({
    name: "strike_block_execution_reuse_total",
    help: "Blocks whose execution was (result=reused) or was not (result=executed) taken from this node's speculative execution of them: step=finalize for FinalizeBlock, step=rebase for a sequenced block moved without running its txs again, onto committed state (pipelined) or under the last commit its proposal carries (result=executed: not moved; a pipelined block runs its txs again, a sealed one keeps the last commit it opened with).",
    labelNames: ["step", "result"] as const,
    registers,
    collect() {
      const r = o.executionReuse?.();
      if (r === undefined) return;
      this.reset();
      this.inc({ step: "finalize", result: "reused" }, r.finalizeReused);
      this.inc({ step: "finalize", result: "executed" }, r.finalizeExecuted);
      this.inc({ step: "rebase", result: "reused" }, r.rebaseReused);
      this.inc({ step: "rebase", result: "executed" }, r.rebaseRefused);
    },
  });
  new Counter({
    name: "strike_mempool_rechecks_total",
    help: "Re-checks of mempool txs after a commit: result=replayed made the writes of the tx's last ante again, its every read unchanged (chain/runtime/anteReplay.ts); result=executed ran the ante again.",
    labelNames: ["result"] as const,
    registers,
    collect() {
      const r = o.executionReuse?.();
      if (r === undefined) return;
      this.reset();
      this.inc({ result: "replayed" }, r.recheckReplayed);
      this.inc({ result: "executed" }, r.recheckExecuted);
    },
  });
  new Counter({
    name: "strike_relayed_receipts_total",
    help: "Receipts from peers kept here, by how they were authenticated: by=signature (their signature checked on arrival), by=chain (their bytes vouched for by a later receipt of their sequencer, whose signature covers their hash: chain/sequencer/receiptChain.ts), by=signature_on_serve (the signature of such a receipt checked later, before it went to a client, a subscriber or a peer).",
    labelNames: ["by"] as const,
    registers,
    collect() {
      const r = o.receiptRelay?.();
      if (r === undefined) return;
      this.reset();
      this.inc({ by: "signature" }, r.signature);
      this.inc({ by: "chain" }, r.chain);
      this.inc({ by: "signature_on_serve" }, r.onServe);
    },
  });
  new Counter({
    name: "strike_signature_verifications_total",
    help: "secp256k1 signatures of arriving txs checked before CheckTx, by where: worker (the pool's threads), inline (a lone tx on the event loop while the pool was idle), main_thread (a worker failed or the pool is closed), refused (malformed before any curve math).",
    labelNames: ["where"] as const,
    registers,
    collect() {
      const v = o.verifier?.();
      if (v === undefined) return;
      this.reset();
      this.inc({ where: "worker" }, v.verifiedInWorkers);
      this.inc({ where: "inline" }, v.verifiedInline);
      this.inc({ where: "main_thread" }, v.verifiedOnMainThread);
      this.inc({ where: "refused" }, v.refusedByPrecheck);
    },
  });
  new Counter({
    name: "strike_signature_verifier_restarts_total",
    help: "Signature verifier worker threads restarted after a crash (past the limit the pool verifies on the event loop).",
    registers,
    collect() {
      const v = o.verifier?.();
      if (v === undefined) return;
      this.reset();
      this.inc(v.restarts);
    },
  });
  new Counter({
    name: "strike_p2p_send_queue_dropped_total",
    help: "Messages not sent to a peer because its send queue on the channel was full (all peers; each peer's drops are also logged, at most once per 10 s).",
    labelNames: ["channel"] as const,
    registers,
    collect() {
      const drops = o.sendDrops?.();
      if (drops === undefined) return;
      this.reset();
      for (const [channel, n] of Object.entries(drops)) this.inc({ channel }, n);
    },
  });
  new Gauge({
    name: "strike_db_memory_bytes",
    help: "RocksDB's memory outside the JS heap, as RocksDB counts it, by kind: memtables (writes not yet flushed, at most two of 64 MiB), table_readers (index and filter blocks of the open files: grows with the database, no cache bounds it), block_cache (cached data blocks, bounded).",
    labelNames: ["kind"] as const,
    registers,
    collect() {
      const d = o.database?.();
      if (d === undefined) return;
      this.set({ kind: "memtables" }, d.memtableBytes);
      this.set({ kind: "table_readers" }, d.tableReaderBytes);
      this.set({ kind: "block_cache" }, d.blockCacheBytes);
    },
  });
  new Gauge({
    name: "strike_db_sst_file_bytes",
    help: "Size of RocksDB's live data files on disk (the database without its write-ahead log).",
    registers,
    collect() {
      const d = o.database?.();
      if (d !== undefined) this.set(d.sstFileBytes);
    },
  });
  blockSyncMetrics(ns, registers, () => o.blockSync?.());
  const blockProcessing = new Histogram({
    name: `${ns}state_block_processing_time`,
    help: "Time to execute a block (FinalizeBlock), in ms.",
    buckets: [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
    registers,
  });

  // Strike's own.
  const txExecution = new Histogram({
    name: "strike_tx_execution_seconds",
    help: "Execution time per transaction (each block's FinalizeBlock time shared among its txs).",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const txs = new Counter({
    name: "strike_txs_total",
    help: "Committed transactions by outcome (ok: code 0; failed: any other code).",
    labelNames: ["result"],
    registers,
  });
  const orders = new Counter({
    name: "strike_orders_placed_total",
    help: "Orders accepted by the order book, per market.",
    labelNames: ["market"],
    registers,
  });
  const fills = new Counter({
    name: "strike_fills_total",
    help: "Trades, per market.",
    labelNames: ["market"],
    registers,
  });
  const liquidations = new Counter({ name: "strike_liquidations_total", help: "Accounts liquidated.", registers });
  const serviceTxRetries = new Counter({
    name: "strike_service_tx_retries_total",
    help: "Txs of the node's own services (feeder, bridge, checkpoint) sent again, by service and reason (sequence: another sender of the key took the sequence).",
    labelNames: ["service", "reason"] as const,
    registers,
  });
  const lastPrice = new Map<string, number>();
  new Gauge({
    name: "strike_oracle_price_age_seconds",
    help: "Seconds since the block that last set each asset's oracle price (known once this node has seen one).",
    labelNames: ["asset"],
    registers,
    collect() {
      const t = now();
      for (const [asset, at] of lastPrice) this.set({ asset }, Math.max(0, (t - at) / 1000));
    },
  });
  const receipts = new Histogram({
    name: "strike_sequencer_receipt_seconds",
    help: "On the sequencer: from a tx's arrival to its signed receipt (or signed refusal).",
    labelNames: ["result"],
    buckets: LATENCY_BUCKETS,
    registers,
  });

  let lastBlockMs: number | undefined;
  let committed = 0;

  function exchangeEvent(e: AbciEvent, blockMs: number): void {
    switch (e.type) {
      case "order_placed":
        orders.inc({ market: attr(e, "market") });
        break;
      case "trade":
        fills.inc({ market: attr(e, "market") });
        break;
      case "liquidation":
        liquidations.inc();
        break;
      case "oracle_price":
        lastPrice.set(attr(e, "asset"), blockMs);
        break;
    }
  }

  return {
    registry,
    blockCommitted(c) {
      const header = c.block.header;
      const blockMs = Number(header.time.seconds) * 1000 + Math.floor(header.time.nanos / 1e6);
      height.set(Number(header.height));
      rounds.set(c.commit.round);
      if (lastBlockMs !== undefined) blockInterval.observe(Math.max(0, blockMs - lastBlockMs) / 1000);
      lastBlockMs = blockMs;
      numTxs.set(c.block.txs.length);
      committed += c.block.txs.length;
      totalTxs.set(committed);
      blockSize.set(c.block.txs.reduce((n, tx) => n + tx.length, 0));
      for (const r of c.results.txResults) {
        txs.inc({ result: r.code === 0 ? "ok" : "failed" });
        for (const e of r.events) exchangeEvent(e, blockMs);
      }
      for (const e of c.results.events) exchangeEvent(e, blockMs);
    },
    blockExecuted(seconds, n) {
      blockProcessing.observe(seconds * 1000);
      for (let i = 0; i < n; i++) txExecution.observe(seconds / n);
    },
    sequenced(seconds, accepted) {
      receipts.observe({ result: accepted ? "receipt" : "refusal" }, seconds);
    },
    serviceTxRetried(service, reason) {
      serviceTxRetries.inc({ service, reason });
    },
  };
}

/**
 * Block sync, read at scrape time: CometBFT's `blocksync_syncing` and `_latest_block_height`,
 * and Strike's own figures on how sync goes (progress as a counter, to be rated; the best
 * height a trusted peer announced; requests that went unanswered; peers ignored for it).
 */
function blockSyncMetrics(ns: string, registers: Registry[], status: () => BlockSyncStatus | undefined): void {
  const gauge = (name: string, help: string, read: (s: BlockSyncStatus) => number | bigint) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const s = status();
        if (s !== undefined) this.set(Number(read(s)));
      },
    });
  const counter = (name: string, help: string, read: (s: BlockSyncStatus) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const s = status();
        if (s === undefined) return;
        this.reset();
        this.inc(read(s));
      },
    });
  gauge(`${ns}blocksync_syncing`, "1 while a peer is more than one block ahead (catching up), else 0.", (s) =>
    s.bestPeerHeight > s.ownHeight + 1n ? 1 : 0,
  );
  gauge(`${ns}blocksync_latest_block_height`, "Height of this node's last committed block.", (s) => s.ownHeight);
  gauge(
    "strike_blocksync_best_peer_height",
    "Highest height announced by a peer that is not ignored.",
    (s) => s.bestPeerHeight,
  );
  counter("strike_blocksync_blocks_synced_total", "Blocks applied from block sync since start.", (s) => s.blocksSynced);
  counter("strike_blocksync_requests_total", "Block requests sent to peers.", (s) => s.requestsSent);
  counter(
    "strike_blocksync_requests_timed_out_total",
    "Block requests a peer left unanswered past the timeout (each a strike against it).",
    (s) => s.requestsTimedOut,
  );
  counter(
    "strike_blocksync_responses_unsolicited_total",
    "Block-sync responses dropped undecoded: for a height not asked of that peer, or answered already.",
    (s) => s.responsesUnsolicited,
  );
  counter(
    "strike_blocksync_requests_refused_total",
    "Peers' block requests not served: asked again before our answer left, or for a height they announced having.",
    (s) => s.requestsRefused,
  );
  gauge(
    "strike_blocksync_distrusted_peers",
    "Peers whose announcements are ignored because they did not deliver blocks they announced.",
    (s) => s.distrustedPeers,
  );
  gauge("strike_blocksync_requests_in_flight", "Block requests awaiting an answer.", (s) => s.requestsInFlight);
}

/** The app as the consensus driver sees it, with FinalizeBlock timed. Everything else passes through. */
export function timedFinalize<A extends Pick<Application, "finalizeBlock">>(app: A, metrics: NodeMetrics): A {
  const timed = Object.create(app) as A;
  timed.finalizeBlock = (req) => {
    const start = process.hrtime.bigint();
    const res = app.finalizeBlock(req);
    metrics.blockExecuted(Number(process.hrtime.bigint() - start) / 1e9, req.txs.length);
    return res;
  };
  return timed;
}

/** Admission timed while this node is the sequencer (it executes and signs inside checkAndAdd). */
export function timedAdmission(mempool: Mempool, metrics: NodeMetrics, isSequencer: () => boolean): Mempool {
  return {
    ...mempool,
    checkAndAdd(tx, origin) {
      if (!isSequencer()) return mempool.checkAndAdd(tx, origin);
      const start = process.hrtime.bigint();
      const r = mempool.checkAndAdd(tx, origin);
      metrics.sequenced(Number(process.hrtime.bigint() - start) / 1e9, r.code === 0);
      return r;
    },
  };
}
