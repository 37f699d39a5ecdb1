/**
 * The node's own view of L1 settlement, for the finality ladder's `checkpointed` and
 * `settled` rungs. It reads the settlement contract over the node's L1 RPC and trusts no
 * relayer: a `Checkpointed` event exists only if the contract verified signatures of more
 * than 2/3 of the validators' power, whoever sent the tx. It also checks that what landed is
 * this node's chain: the event's app hash must equal the node's own app hash after that
 * height (header h+1), else the landing is reported as a conflict and never shown as
 * checkpointed. A checkpoint is `settled` once `confirmations` L1 blocks sit on top of its
 * block (the relayer's rule), re-read at every poll so an L1 reorg only delays it.
 *
 * chain/l1 sits below the node: the logger and the callbacks come from the caller.
 */
import { Contract, hexlify, type EventLog } from "ethers";
import { loadArtifact } from "./artifacts.js";
import { l1Errors } from "./errors.js";
import { createL1Provider } from "./provider.js";

export interface L1Landing {
  /** The Strike height the checkpoint commits to (its state after that block). */
  height: bigint;
  appHash: string;
  l1Tx: string;
  l1Block: number;
}

export interface SettlementWatchLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface SettlementWatchOptions {
  l1Rpc: string;
  contract: string;
  /** L1 blocks on top of a checkpoint's block before it counts as settled. */
  confirmations: number;
  pollMs: number;
  /**
   * The node's app hash after block `height` (header height+1's app_hash), or undefined
   * while the node has not committed height+1: the landing is then checked at a later poll.
   */
  appHashAfter(height: bigint): Promise<Uint8Array | undefined>;
  /** A checkpoint covering every height up to `landing.height` is on L1 (verified). */
  onCheckpointed(landing: L1Landing, atMs: number): void;
  /** ... and `confirmations` L1 blocks deep. */
  onSettled(landing: L1Landing, atMs: number): void;
  logger: SettlementWatchLogger;
  now?(): number;
  /** First L1 block to read events from (default: 10,000 below the head at start). */
  startBlock?: number;
}

export interface SettlementWatchStatus {
  l1_head: number;
  confirmations: number;
  latest_checkpointed?: L1Landing;
  latest_settled?: L1Landing;
  /** Landings whose app hash is not this chain's (should never happen: a fork or a bad L1). */
  conflicts: number;
  last_error: string;
}

export interface SettlementWatch {
  status(): SettlementWatchStatus;
  stop(): Promise<void>;
}

/** Blocks per eth_getLogs call: most providers cap a range near this. */
const LOG_RANGE = 2_000;

export function startSettlementWatch(o: SettlementWatchOptions): SettlementWatch {
  if (!/^0x[0-9a-fA-F]{40}$/.test(o.contract))
    throw l1Errors.nodeFailed(`settlement contract must be a 0x address, got "${o.contract}"`);
  const now = o.now ?? (() => performance.timeOrigin + performance.now());
  const provider = createL1Provider(o.l1Rpc);
  const settlement = new Contract(o.contract, loadArtifact("EcdsaSettlement").abi, provider);
  /** Landed on L1 but not yet checked against this chain (the node is behind), ascending. */
  const unchecked: L1Landing[] = [];
  /** Checked landings not yet settled, ascending. */
  const awaitingDepth: L1Landing[] = [];
  let scannedTo = o.startBlock === undefined ? -1 : o.startBlock - 1;
  let head = 0;
  let latestCheckpointed: L1Landing | undefined;
  let latestSettled: L1Landing | undefined;
  let conflicts = 0;
  let lastError = "";
  let stopped = false;

  const poll = async () => {
    head = await provider.getBlockNumber();
    if (scannedTo < 0) scannedTo = Math.max(-1, head - 10_000);
    while (scannedTo < head) {
      const to = Math.min(head, scannedTo + LOG_RANGE);
      const events = (await settlement.queryFilter(
        settlement.filters.Checkpointed!(),
        scannedTo + 1,
        to,
      )) as EventLog[];
      for (const e of events)
        unchecked.push({
          height: BigInt(e.args[0] as bigint),
          appHash: (e.args[1] as string).toLowerCase(),
          l1Tx: e.transactionHash,
          l1Block: e.blockNumber,
        });
      scannedTo = to;
    }
    const at = now();
    while (unchecked.length > 0) {
      const l = unchecked[0]!;
      const ours = await o.appHashAfter(l.height);
      if (ours === undefined) break; // this node has not reached height+1 yet
      unchecked.shift();
      if (hexlify(ours).toLowerCase() !== l.appHash) {
        conflicts += 1;
        o.logger.error("an L1 checkpoint does not match this chain's state: not shown as checkpointed", {
          height: l.height.toString(),
          l1_app_hash: l.appHash,
          app_hash: hexlify(ours),
          l1_tx: l.l1Tx,
        });
        continue;
      }
      if (latestCheckpointed !== undefined && l.height <= latestCheckpointed.height) continue;
      latestCheckpointed = l;
      awaitingDepth.push(l);
      o.onCheckpointed(l, at);
    }
    // The deepest landing with enough blocks on top settles every height up to its own.
    let settledNow: L1Landing | undefined;
    while (awaitingDepth.length > 0 && head - awaitingDepth[0]!.l1Block >= o.confirmations)
      settledNow = awaitingDepth.shift();
    if (settledNow !== undefined) {
      latestSettled = settledNow;
      o.onSettled(settledNow, at);
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failures = 0;
  const tick = () => {
    running = poll()
      .then(() => {
        if (lastError !== "") o.logger.info("L1 settlement reads recovered");
        lastError = "";
        failures = 0;
      })
      .catch((e: unknown) => {
        const msg = String(e).slice(0, 300);
        // Only the first failure of a run is a warning: an L1 that is down says so once.
        if (failures === 0) o.logger.warn("reading L1 settlement failed; retrying", { error: msg });
        lastError = msg;
        failures += 1;
      })
      .then(() => {
        if (!stopped) timer = setTimeout(tick, failures === 0 ? o.pollMs : Math.min(o.pollMs * 2 ** failures, 30_000));
      });
  };
  tick();

  return {
    status: () => ({
      l1_head: head,
      confirmations: o.confirmations,
      ...(latestCheckpointed === undefined ? {} : { latest_checkpointed: latestCheckpointed }),
      ...(latestSettled === undefined ? {} : { latest_settled: latestSettled }),
      conflicts,
      last_error: lastError,
    }),
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
      provider.destroy();
    },
  };
}
