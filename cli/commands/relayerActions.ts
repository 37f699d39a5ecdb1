/** What `strike relayer start` runs (relayer.ts defines the command). */
import type { Command } from "commander";
import { isAddress } from "ethers";
import { createLogger } from "../../chain/node/logger.js";
import {
  createBlsRegistrationSource,
  createEvidenceSource,
  createForgedReporter,
  createRelayerMetrics,
  createStrikeSource,
  startRelayer,
  startStatusServer,
  type ForgedReporter,
} from "../../relayer/index.js";
import { globalOptions, openKeyring, type GlobalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { checkL1Rpc } from "./l1Flags.js";
import { resolveFee } from "../fees.js";

export interface RelayerFlags {
  rpc?: string;
  l1Rpc: string;
  contract: string;
  l1Key: string;
  confirmations: string;
  pollMs: string;
  l1TimeoutMs: string;
  rpcTimeoutMs: string;
  statusAddr: string;
  logLevel: string;
  strikeKey?: string;
  strikeGasPrices?: string;
}

/** Gas of one MsgForgedCheckpoint: it slashes and jails (as `tx checkpoint report-forged`'s default). */
const REPORT_GAS = "400000";

/** The Strike account that reports forged checkpoints' signers: --strike-key in the keyring, if given. */
async function forgedReporter(g: GlobalOptions, o: RelayerFlags, rpcUrl: string): Promise<ForgedReporter | undefined> {
  if (o.strikeKey === undefined) return undefined;
  const kr = openKeyring(g);
  const key = kr.resolve(o.strikeKey);
  const { DirectSecp256k1Wallet } = await import("@cosmjs/proto-signing");
  const wallet = await DirectSecp256k1Wallet.fromKey(await kr.privateKey(key.name), kr.prefix);
  const fee = await resolveFee(
    {
      gas: REPORT_GAS,
      gasAdjustment: "1",
      ...(o.strikeGasPrices === undefined ? {} : { gasPrices: o.strikeGasPrices }),
    },
    () => Promise.resolve(0),
  );
  return createForgedReporter({ rpcUrl, wallet, fee });
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export async function runRelayer(o: RelayerFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  if (!isAddress(o.contract)) throw cliErrors.badArgument(`--contract ${o.contract} is not an Ethereum address`);
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(o.l1Key)) throw cliErrors.badArgument("--l1-key must be 32 bytes of hex");
  checkL1Rpc(o.l1Rpc);
  const confirmations = Number(o.confirmations);
  const pollMs = Number(o.pollMs);
  if (!Number.isInteger(confirmations) || confirmations < 0 || confirmations > 1000)
    throw cliErrors.badArgument("--confirmations must be an integer from 0 to 1000");
  // Each is a timer's delay, and Node waits 1 ms instead of a longer one than MAX_TIMER_MS.
  if (!Number.isInteger(pollMs) || pollMs < 50 || pollMs > MAX_TIMER_MS)
    throw cliErrors.badArgument(`--poll-ms must be an integer from 50 to ${MAX_TIMER_MS}`);
  const l1TimeoutMs = Number(o.l1TimeoutMs);
  const rpcTimeoutMs = Number(o.rpcTimeoutMs);
  if (!Number.isInteger(l1TimeoutMs) || l1TimeoutMs < 100 || l1TimeoutMs > MAX_TIMER_MS)
    throw cliErrors.badArgument(`--l1-timeout-ms must be an integer from 100 to ${MAX_TIMER_MS}`);
  if (!Number.isInteger(rpcTimeoutMs) || rpcTimeoutMs < 100 || rpcTimeoutMs > MAX_TIMER_MS)
    throw cliErrors.badArgument(`--rpc-timeout-ms must be an integer from 100 to ${MAX_TIMER_MS}`);
  const rpcUrl = o.rpc ?? g.node;
  const reporter = await forgedReporter(g, o, rpcUrl);
  const logger = createLogger({ level: o.logLevel, module: "relayer" });
  const metrics = createRelayerMetrics();
  if (reporter !== undefined)
    logger.info("forged checkpoints' signers are reported from", { strike_account: reporter.address });
  const relayer = await startRelayer({
    strike: createStrikeSource(rpcUrl, rpcTimeoutMs),
    forged: {
      source: createEvidenceSource(rpcUrl, rpcTimeoutMs),
      ...(reporter === undefined ? {} : { reporter }),
    },
    blsKeys: createBlsRegistrationSource(rpcUrl, rpcTimeoutMs),
    l1RpcUrl: o.l1Rpc,
    contract: o.contract,
    l1Key: o.l1Key.startsWith("0x") ? o.l1Key : `0x${o.l1Key}`,
    confirmations,
    pollMs,
    l1TimeoutMs,
    logger,
    metrics,
  });
  const server = await startStatusServer(o.statusAddr, () => relayer.status(), metrics.registry);
  logger.info("relayer status", { status: `${server.url}/status`, metrics: `${server.url}/metrics` });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await relayer.stop();
  await server.close();
}
