/**
 * The relayer's Prometheus metrics, declared in this one file (prom-client, like the
 * node's app/metrics.ts), served on GET /metrics beside /status. A fresh registry per
 * relayer, so relayers in one process (tests) do not share counters.
 *
 * What an operator watches: is it landing (submitted vs confirmed, last L1 block and tx),
 * what it costs (gas, and the account's balance before it runs dry), how far L1 is behind
 * the chain (lag in heights), and what goes wrong (retries, errors by kind).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export type RelayerErrorKind = "strike_rpc" | "l1_rpc" | "l1_revert" | "other";
export type RelayerRetryKind = "fee_bump" | "round";

export interface RelayerMetrics {
  readonly registry: Registry;
  /** A checkpoint tx was sent (each fee-bumped replacement is a retry, not a new submission). */
  submitted(validatorSetUpdate: boolean): void;
  /** A checkpoint tx this relayer sent was mined with success. */
  confirmed(o: { height: bigint; l1Tx: string; l1Block: number; gasUsed: bigint; gasPrice: bigint }): void;
  /** A checkpoint was already on L1 (another relayer): skipped before sending, or reverted after. */
  skipped(when: "before_send" | "reverted"): void;
  retried(kind: RelayerRetryKind): void;
  /** Keys of a new BLS validator set registered on L1 (registerKey) by this relayer. */
  blsKeysRegistered(n: number): void;
  failed(kind: RelayerErrorKind): void;
  /** What the round saw: the L1 head, the contract's last height, the chain's height, settled height. */
  observed(o: {
    l1Head: number;
    l1CheckpointHeight: bigint;
    chainHeight?: bigint;
    settledHeight?: bigint;
    balanceWei?: bigint;
  }): void;
  /** The L1 head as last read (each scan, also right after a landing). */
  l1HeadSeen(block: number): void;
  /** Seconds from sending a checkpoint to its inclusion. */
  inclusionSeconds(s: number): void;
  /** A checkpoint on L1 that is not the chain's (counted once per landed checkpoint). */
  forgedCheckpoint(): void;
  /** A MsgForgedCheckpoint this relayer sent, by what came of it. */
  forgedReport(result: "accepted" | "already_punished" | "refused" | "retry"): void;
}

const num = (x: bigint): number => Number(x);

export function createRelayerMetrics(): RelayerMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: "strike_relayer_process_" });
  const submitted = new Counter({
    name: "strike_relayer_checkpoints_submitted_total",
    help: "Checkpoint txs sent to L1 (validator_set_update: the tx also installs a new set).",
    labelNames: ["validator_set_update"] as const,
    registers,
  });
  const confirmed = new Counter({
    name: "strike_relayer_checkpoints_confirmed_total",
    help: "Checkpoint txs this relayer sent that were mined with success.",
    registers,
  });
  const skipped = new Counter({
    name: "strike_relayer_checkpoints_skipped_total",
    help: "Checkpoints another relayer landed first (before_send: seen in the simulation; reverted: our tx lost the race).",
    labelNames: ["when"] as const,
    registers,
  });
  const retries = new Counter({
    name: "strike_relayer_retries_total",
    help: "Retries: fee_bump (a tx not mined in time, replaced with higher fees), round (a failed round run again).",
    labelNames: ["kind"] as const,
    registers,
  });
  const blsKeys = new Counter({
    name: "strike_relayer_bls_keys_registered_total",
    help: "BLS keys of new validator sets this relayer registered on L1 with their proof of possession.",
    registers,
  });
  const errors = new Counter({
    name: "strike_relayer_errors_total",
    help: "Failed rounds by cause: strike_rpc, l1_rpc, l1_revert, other.",
    labelNames: ["kind"] as const,
    registers,
  });
  const gasUsed = new Counter({
    name: "strike_relayer_gas_used_total",
    help: "L1 gas used by this relayer's mined checkpoint txs.",
    registers,
  });
  const feesWei = new Counter({
    name: "strike_relayer_fees_wei_total",
    help: "L1 fees paid by this relayer's mined checkpoint txs, in wei.",
    registers,
  });
  const lastGas = new Gauge({
    name: "strike_relayer_last_checkpoint_gas_used",
    help: "Gas used by the last checkpoint tx this relayer landed.",
    registers,
  });
  const lastL1Block = new Gauge({
    name: "strike_relayer_last_checkpoint_l1_block",
    help: "L1 block of the last checkpoint this relayer landed.",
    registers,
  });
  const lastHeight = new Gauge({
    name: "strike_relayer_last_confirmed_height",
    help: "Strike height of the last checkpoint this relayer landed.",
    registers,
  });
  const lastTx = new Gauge({
    name: "strike_relayer_last_checkpoint_info",
    help: "1, labelled with the L1 tx hash of the last checkpoint this relayer landed.",
    labelNames: ["l1_tx"] as const,
    registers,
  });
  const l1Head = new Gauge({
    name: "strike_relayer_l1_head",
    help: "The L1 head block the relayer last read.",
    registers,
  });
  const l1Height = new Gauge({
    name: "strike_relayer_l1_checkpoint_height",
    help: "The Strike height of the contract's last checkpoint (whoever landed it).",
    registers,
  });
  const settledHeight = new Gauge({
    name: "strike_relayer_settled_height",
    help: "The highest Strike height whose checkpoint has the confirmation depth on L1.",
    registers,
  });
  const chainHeight = new Gauge({
    name: "strike_relayer_chain_height",
    help: "The Strike chain's latest height at the relayer's node.",
    registers,
  });
  const lag = new Gauge({
    name: "strike_relayer_lag_heights",
    help: "Strike heights the contract's last checkpoint is behind the chain (chain height - L1 checkpoint height).",
    registers,
  });
  const balance = new Gauge({
    name: "strike_relayer_l1_balance_wei",
    help: "The relayer account's L1 balance in wei (it pays every checkpoint's gas).",
    registers,
  });
  const inclusion = new Histogram({
    name: "strike_relayer_inclusion_seconds",
    help: "From sending a checkpoint tx to its inclusion in an L1 block.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 12, 24, 60, 120],
    registers,
  });
  const forged = new Counter({
    name: "strike_relayer_forged_checkpoints_total",
    help: "Checkpoints landed on L1 (by anyone) that are not the chain's checkpoint at their height: a colluding majority signed a forged state root.",
    registers,
  });
  const forgedReports = new Counter({
    name: "strike_relayer_forged_reports_total",
    help: "MsgForgedCheckpoint reports this relayer sent, by result: accepted (slashed and jailed), already_punished (code 15), refused (another checkpoint code), retry (to be sent again).",
    labelNames: ["result"] as const,
    registers,
  });
  // The head never reads below a block the relayer saw its own checkpoint included in: a
  // scrape between a landing and the next head read saw head < last_checkpoint_l1_block.
  let headSeen = 0;
  const seeHead = (block: number) => {
    headSeen = Math.max(headSeen, block);
    l1Head.set(headSeen);
  };
  return {
    registry,
    submitted: (vs) => submitted.inc({ validator_set_update: vs ? "true" : "false" }),
    confirmed(o) {
      confirmed.inc();
      gasUsed.inc(num(o.gasUsed));
      feesWei.inc(num(o.gasUsed * o.gasPrice));
      lastGas.set(num(o.gasUsed));
      lastL1Block.set(o.l1Block);
      seeHead(o.l1Block);
      lastHeight.set(num(o.height));
      lastTx.reset();
      lastTx.set({ l1_tx: o.l1Tx }, 1);
    },
    skipped: (when) => skipped.inc({ when }),
    retried: (kind) => retries.inc({ kind }),
    blsKeysRegistered: (n) => blsKeys.inc(n),
    failed: (kind) => errors.inc({ kind }),
    observed(o) {
      seeHead(o.l1Head);
      l1Height.set(num(o.l1CheckpointHeight));
      if (o.settledHeight !== undefined) settledHeight.set(num(o.settledHeight));
      if (o.balanceWei !== undefined) balance.set(num(o.balanceWei));
      if (o.chainHeight !== undefined) {
        chainHeight.set(num(o.chainHeight));
        lag.set(Math.max(0, num(o.chainHeight - o.l1CheckpointHeight)));
      }
    },
    l1HeadSeen: seeHead,
    inclusionSeconds: (s) => inclusion.observe(s),
    forgedCheckpoint: () => forged.inc(),
    forgedReport: (result) => forgedReports.inc({ result }),
  };
}
