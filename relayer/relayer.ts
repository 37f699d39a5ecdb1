/**
 * The relayer: takes complete checkpoints from a Strike node and lands them on the
 * settlement contract in height order. It holds no state of its own: each round starts
 * from the contract's lastCheckpoint(), so a restart resumes where the contract is, and a
 * checkpoint another relayer landed first is a "stale height" to skip, not a failure.
 * Inclusion is read back from the contract's Checkpointed events (whoever sent them);
 * a checkpoint is `settled` once `confirmations` L1 blocks sit on top of its block.
 */
import type { Contract } from "ethers";
import { Wallet, type TransactionResponse } from "ethers";
import { loadArtifact } from "../chain/l1/artifacts.js";
import { settlementAt } from "../chain/l1/deploy.js";
import { createL1Provider } from "../chain/l1/provider.js";
import type { NodeLogger } from "../chain/node/logger.js";
import { isStrikeError } from "../chain/types/errors.js";
import { checkpointCallFor, isBlsCheckpoint } from "./blsCalldata.js";
import { registerMissingBlsKeys, type BlsRegistrationSource } from "./blsKeys.js";
import type { EvidenceSource } from "./evidenceSource.js";
import type { ForgedReporter } from "./forgedReporter.js";
import { createForgedWatch } from "./forgedWatch.js";
import { relayerErrors } from "./errors.js";
import type { RelayerErrorKind, RelayerMetrics } from "./metrics.js";
import type { ChainCheckpoint, StrikeSource } from "./strikeSource.js";

export interface RelayerOptions {
  strike: StrikeSource;
  l1RpcUrl: string;
  contract: string;
  /** 0x private key of the account that pays the L1 gas. */
  l1Key: string;
  /** L1 blocks on top of the inclusion block before a checkpoint counts as settled. */
  confirmations: number;
  pollMs: number;
  /** How long to wait for a sent tx before sending it again with higher fees. */
  txTimeoutMs?: number;
  /** How long one L1 JSON-RPC request may take before it fails and the round is retried (default 10 s). */
  l1TimeoutMs?: number;
  logger: NodeLogger;
  /** Where the relayer counts what it does (relayer/metrics.ts); none: not counted. */
  metrics?: RelayerMetrics;
  /**
   * Where a new BLS validator set's keys' proofs of possession come from, to register them
   * on L1 before the set update (none: such an update waits for someone else to register them).
   */
  blsKeys?: BlsRegistrationSource;
  /**
   * Watch every landed checkpoint against the chain's (forgedWatch.ts): none, no watch. With
   * a reporter, each signer of a forged one is reported from that Strike account.
   */
  forged?: { source: EvidenceSource; reporter?: ForgedReporter };
}

export interface LandedCheckpoint {
  height: string;
  l1_tx: string;
  l1_block: number;
  stage: "checkpointed" | "settled";
}

export interface RelayerStatus {
  contract: string;
  /** The L1 account that pays the gas. */
  account: string;
  l1_chain_id: string;
  l1_head: number;
  confirmations: number;
  /** Highest Strike height whose checkpoint is included on L1 (0: none). */
  latest_checkpointed_height: string;
  /** Highest Strike height whose checkpoint has `confirmations` L1 blocks on top. */
  latest_settled_height: string;
  /** Checkpoints this relayer sent that landed (others' landings are in `landed` too). */
  submitted: number;
  /** The chain's latest height at the relayer's node, and how far the contract's last checkpoint is behind it. */
  chain_height: string;
  lag_heights: string;
  /** The last 100 landings seen on the contract, by height. */
  landed: LandedCheckpoint[];
  /** Landed checkpoints that are not the chain's, and the validators reported (or to report) for each. */
  forged: { height: string; l1_tx: string; reported: string[] }[];
  last_error: string;
}

export interface Relayer {
  status(): RelayerStatus;
  stop(): Promise<void>;
}

const KEEP_LANDED = 100;

/** Revert data anywhere in an ethers or JSON-RPC error (its shape varies by where the call failed). */
function revertData(e: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof e !== "object" || e === null) return undefined;
  const o = e as Record<string, unknown>;
  if (typeof o["data"] === "string" && /^0x[0-9a-fA-F]{8}/.test(o["data"])) return o["data"];
  for (const k of ["data", "error", "info", "cause"]) {
    const found = revertData(o[k], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** What a failed round is counted as: the Strike node, the L1 endpoint, a revert, or else. */
export function errorKindOf(e: unknown): RelayerErrorKind {
  if (isStrikeError(e)) return e.code === relayerErrors.strikeRpc.code ? "strike_rpc" : "other";
  const code = (e as { code?: unknown }).code;
  if (code === "CALL_EXCEPTION") return "l1_revert";
  if (
    code === "NETWORK_ERROR" ||
    code === "SERVER_ERROR" ||
    code === "TIMEOUT" ||
    /ECONNREFUSED|socket hang up/i.test(String(e))
  )
    return "l1_rpc";
  return "other";
}

/** The custom error's name a revert carries, if it is the contract's. */
export function revertNameOf(e: unknown, contract: Contract): string | undefined {
  const named = (e as { revert?: { name?: string } }).revert?.name;
  if (named !== undefined) return named;
  const data = revertData(e);
  if (data === undefined) return undefined;
  try {
    return contract.interface.parseError(data)?.name;
  } catch {
    return undefined;
  }
}

/**
 * The next checkpoint to land: the first complete one. An incomplete checkpoint that
 * changes the set blocks everything after it (the contract must learn the set in
 * order); an incomplete plain one is passed over only once two later ones are complete.
 */
export function nextToRelay(cps: readonly ChainCheckpoint[]): ChainCheckpoint | undefined {
  for (const [i, cp] of cps.entries()) {
    const c = cp.checkpoint!;
    if (c.completedAt > 0n) return cp;
    if (c.nextValidatorSetHash.length > 0) return undefined;
    const laterComplete = cps.slice(i + 1).filter((x) => x.checkpoint!.completedAt > 0n).length;
    if (laterComplete < 2) return undefined;
  }
  return undefined;
}

export async function startRelayer(o: RelayerOptions): Promise<Relayer> {
  const provider = createL1Provider(o.l1RpcUrl, {
    pollingInterval: 250,
    ...(o.l1TimeoutMs === undefined ? {} : { timeoutMs: o.l1TimeoutMs }),
  });
  const wallet = new Wallet(o.l1Key, provider);
  const settlement = settlementAt(o.contract, "ecdsa", wallet);
  const network = await provider.getNetwork();
  const log = o.logger;
  const landed = new Map<bigint, { tx: string; block: number }>();
  let scannedTo = -1;
  let head = 0;
  let submitted = 0;
  let chainHeight = 0n;
  let l1CheckpointHeight = 0n;
  let lastError = "";
  const m = o.metrics;
  let stopped = false;
  const watch =
    o.forged === undefined
      ? undefined
      : createForgedWatch({
          source: o.forged.source,
          ...(o.forged.reporter === undefined ? {} : { reporter: o.forged.reporter }),
          provider,
          contract: o.contract,
          abi: loadArtifact("EcdsaSettlement").abi,
          l1ChainId: network.chainId,
          l1RpcUrl: o.l1RpcUrl,
          logger: o.logger,
          ...(o.metrics === undefined ? {} : { metrics: o.metrics }),
        });

  /** The highest landed height with `confirmations` L1 blocks on top ("0": none). */
  const settledHeight = (): string => {
    let best = 0n;
    for (const [h, l] of landed) if (head - l.block >= o.confirmations && h > best) best = h;
    return best.toString();
  };

  /** Reads new Checkpointed events (whoever sent them) and the L1 head. */
  const scan = async () => {
    head = await provider.getBlockNumber();
    m?.l1HeadSeen(head);
    if (head <= scannedTo) return;
    const from = scannedTo < 0 ? Math.max(0, head - 10_000) : scannedTo + 1;
    const events = await settlement.queryFilter(settlement.filters.Checkpointed!(), from, head);
    for (const ev of events) {
      const args = (ev as unknown as { args: [bigint, string, string, string, string, bigint, string] }).args;
      const height = BigInt(args[0]);
      if (!landed.has(height)) {
        landed.set(height, { tx: ev.transactionHash, block: ev.blockNumber });
        watch?.observe({
          fields: {
            height,
            appHash: args[1],
            blockHash: args[2],
            withdrawalRoot: args[3],
            exitRoot: args[4],
            creditedDepositNonce: BigInt(args[5]),
            nextValidatorSetHash: args[6],
          },
          l1Tx: ev.transactionHash,
          l1Block: ev.blockNumber,
        });
        log.info("checkpoint included on L1", {
          height: height.toString(),
          l1_tx: ev.transactionHash,
          l1_block: ev.blockNumber,
        });
      }
    }
    for (const h of [...landed.keys()]
      .sort((a, b) => (a < b ? -1 : 1))
      .slice(0, Math.max(0, landed.size - KEEP_LANDED)))
      landed.delete(h);
    scannedTo = head;
  };

  const send = async (cp: ChainCheckpoint): Promise<void> => {
    const call = checkpointCallFor(cp);
    const height = call.height.toString();
    const signed = [
      call.height,
      call.appHash,
      call.blockHash,
      call.withdrawalRoot,
      call.exitRoot,
      call.creditedDepositNonce,
    ];
    const args =
      call.newValidatorSet === undefined
        ? [...signed, call.signatures]
        : [...signed, call.newValidatorSet, call.signatures];
    if (call.newValidatorSet !== undefined && isBlsCheckpoint(cp) && o.blsKeys !== undefined) {
      const n = await registerMissingBlsKeys({
        settlement: settlementAt(o.contract, "bls", wallet),
        encodedSet: call.newValidatorSet,
        source: o.blsKeys,
        txTimeoutMs: o.txTimeoutMs ?? 60_000,
        logger: log,
      });
      if (n > 0) m?.blsKeysRegistered(n);
    }
    const fn = settlement.getFunction(call.newValidatorSet === undefined ? "checkpoint" : "updateValidatorSet");
    // Simulate first: another relayer may have landed it, and a doomed tx costs gas. It can
    // still land between the simulation and the estimate: then the estimate says so.
    let gasLimit: bigint;
    try {
      await fn.staticCall(...args);
      gasLimit = ((await fn.estimateGas(...args)) * 12n) / 10n;
    } catch (e) {
      if (revertNameOf(e, settlement) === "StaleHeight") {
        log.info("checkpoint already on L1 (another relayer)", { height });
        m?.skipped("before_send");
        return;
      }
      throw e;
    }
    const nonce = await wallet.getNonce("pending");
    let fees = await provider.getFeeData();
    let tx: TransactionResponse = await fn(...args, { gasLimit, nonce });
    let sentAt = performance.now();
    m?.submitted(call.newValidatorSet !== undefined);
    log.info("checkpoint sent", {
      height,
      l1_tx: tx.hash,
      nonce,
      gas_limit: gasLimit.toString(),
      validator_set_update: call.newValidatorSet !== undefined,
    });
    for (let attempt = 0; ; attempt++) {
      let receipt;
      try {
        receipt = await tx.wait(1, o.txTimeoutMs ?? 60_000);
      } catch (e) {
        if (revertNameOf(e, settlement) === "StaleHeight" || /revert/i.test(String(e))) {
          log.info("checkpoint reverted on L1 (another relayer landed it first)", { height, l1_tx: tx.hash });
          m?.skipped("reverted");
          return;
        }
        if (attempt >= 3 || !/timeout/i.test(String(e))) throw e;
        // Not mined in time: the same nonce again with fees a quarter higher replaces it.
        const bump = (x: bigint | null) => (x === null ? undefined : (x * 125n) / 100n);
        const maxFeePerGas = bump(fees.maxFeePerGas);
        const maxPriorityFeePerGas = bump(fees.maxPriorityFeePerGas);
        fees = {
          ...fees,
          maxFeePerGas: maxFeePerGas ?? null,
          maxPriorityFeePerGas: maxPriorityFeePerGas ?? null,
        } as typeof fees;
        m?.retried("fee_bump");
        sentAt = performance.now();
        tx = await fn(...args, {
          gasLimit,
          nonce,
          ...(maxFeePerGas === undefined ? {} : { maxFeePerGas }),
          ...(maxPriorityFeePerGas === undefined ? {} : { maxPriorityFeePerGas }),
        });
        log.warn("checkpoint tx not mined in time: replaced with higher fees", { height, l1_tx: tx.hash, nonce });
        continue;
      }
      if (receipt?.status === 1) {
        submitted += 1;
        m?.inclusionSeconds((performance.now() - sentAt) / 1000);
        m?.confirmed({
          height: call.height,
          l1Tx: tx.hash,
          l1Block: receipt.blockNumber,
          gasUsed: receipt.gasUsed,
          gasPrice: receipt.gasPrice,
        });
        log.info("checkpoint landed", {
          height,
          l1_tx: tx.hash,
          l1_block: receipt.blockNumber,
          gas: receipt.gasUsed.toString(),
        });
      }
      return;
    }
  };

  const round = async (): Promise<boolean> => {
    await scan();
    await watch?.judge();
    const [l1Height] = (await settlement.getFunction("lastCheckpoint")()) as [bigint, string, string];
    l1CheckpointHeight = l1Height;
    chainHeight = await o.strike.latestHeight();
    m?.observed({
      l1Head: head,
      l1CheckpointHeight: l1Height,
      chainHeight,
      settledHeight: BigInt(settledHeight()),
      balanceWei: await provider.getBalance(wallet.address),
    });
    const cps = await o.strike.checkpointsAfter(l1Height, 50);
    const next = nextToRelay(cps);
    if (next === undefined) return false;
    await send(next);
    await scan();
    return true;
  };

  let backoff = o.pollMs;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = round()
      .then((more) => {
        backoff = o.pollMs;
        lastError = "";
        return more;
      })
      .catch((e: unknown) => {
        lastError = isStrikeError(e) ? e.message : String(e).slice(0, 300);
        const kind = errorKindOf(e);
        m?.failed(kind);
        m?.retried("round");
        log.warn("relayer round failed; retrying", { error: lastError, kind, retry_ms: backoff });
        backoff = Math.min(backoff * 2, 30_000);
        return false;
      })
      .then((more) => {
        if (!stopped) timer = setTimeout(tick, more ? 0 : backoff);
      });
  };
  log.info("relayer started", {
    contract: o.contract,
    l1_chain_id: network.chainId.toString(),
    account: wallet.address,
    confirmations: o.confirmations,
  });
  tick();

  return {
    status(): RelayerStatus {
      const entries = [...landed.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      const list = entries.map(([h, l]) => ({
        height: h.toString(),
        l1_tx: l.tx,
        l1_block: l.block,
        stage: head - l.block >= o.confirmations ? ("settled" as const) : ("checkpointed" as const),
      }));
      const last = (stage?: string) =>
        [...list].reverse().find((x) => stage === undefined || x.stage === stage)?.height ?? "0";
      const lag = chainHeight > l1CheckpointHeight ? chainHeight - l1CheckpointHeight : 0n;
      return {
        contract: o.contract,
        account: wallet.address,
        l1_chain_id: network.chainId.toString(),
        l1_head: head,
        confirmations: o.confirmations,
        latest_checkpointed_height: last(),
        latest_settled_height: last("settled"),
        submitted,
        chain_height: chainHeight.toString(),
        lag_heights: lag.toString(),
        landed: list,
        forged: watch?.forged() ?? [],
        last_error: lastError,
      };
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
      provider.destroy();
      log.info("relayer stopped");
    },
  };
}
