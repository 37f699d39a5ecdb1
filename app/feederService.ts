/**
 * The validator's price feeder, run inside the node (as dYdX's and Injective's price
 * daemons are): every interval it reads prices from the configured sources, signs a
 * MsgSubmitPrices with the feeder key of the home and hands it to this node's mempool.
 * A failed round is logged and skipped; the next one starts on schedule.
 */
import { appQuerier } from "../chain/client/comet.js";
import { strikeQueries } from "../chain/client/queries.js";
import { createQueryRpc, refusedAs } from "../chain/client/queryRpc.js";
import { sha256 } from "../chain/crypto/hash.js";
import type { QueryResponse, TxResult } from "../chain/types/abci.js";
import { toHex } from "../chain/types/bytes.js";
import { decFromString, type Dec } from "../chain/types/fixed/index.js";
import { feederErrors } from "../feeder/errors.js";
import { createHttpJsonSource } from "../feeder/httpJsonSource.js";
import { createMedianSource } from "../feeder/medianSource.js";
import { runFeeder, type Submission } from "../feeder/runFeeder.js";
import { createSimulatedSource } from "../feeder/simulatedSource.js";
import type { PriceSource } from "../feeder/source.js";
import { submitPricesMsg } from "../feeder/submitter.js";
import type { NodeConfig } from "../chain/node/configTypes.js";
import type { FeederKey } from "../chain/node/feederKey.js";
import type { NodeLogger } from "../chain/node/logger.js";
import { parseFeeCoins, serviceSender, type AccountTxSender } from "./accountTxSender.js";

export interface FeederServiceOptions {
  config: NodeConfig["oracleFeeder"];
  key: FeederKey;
  chainId: string;
  query(req: { path: string; data: Uint8Array; height: bigint; prove: boolean }): Promise<QueryResponse>;
  /** Admits a tx to this node's mempool (and gossips it), as broadcast_tx_sync does. */
  submitTx(tx: Uint8Array): TxResult;
  logger: NodeLogger;
  /** The account's sender, shared with the node's other services that sign with it. */
  sender?: AccountTxSender;
}

export interface FeederService {
  stop(): Promise<void>;
}

/** A refused query fails the round (or the start) with the feeder's own error. */
const refused = (what: string) =>
  refusedAs((r) => feederErrors.voteRefused(`${what}: ${r.codespace}/${r.code} ${r.log}`));

async function chainPrices(o: FeederServiceOptions): Promise<Map<string, Dec>> {
  const oracle = strikeQueries(createQueryRpc(appQuerier(o.query))).oracle;
  const res = await oracle.Prices({}).catch(refused("oracle prices"));
  return new Map(res.prices.map((p) => [p.asset, decFromString(p.price)]));
}

function buildSource(o: FeederServiceOptions, start: Map<string, Dec>): PriceSource {
  const c = o.config;
  if (c.source === "simulated")
    return createSimulatedSource({ seed: c.simSeed, start, volatility: decFromString(c.simVolatility) });
  return createMedianSource({
    sources: c.httpSources.map((s, i) => ({
      name: `http-sources[${i}] ${s.url}`,
      weight: BigInt(s.weight),
      source: createHttpJsonSource({ url: s.url, field: s.field, timeoutMs: s.timeoutMs }),
    })),
    maxDeviation: decFromString(c.maxDeviation),
    onProblem: (source, reason) => o.logger.warn("price source skipped this round", { source, reason }),
  });
}

export async function startFeederService(o: FeederServiceOptions): Promise<FeederService> {
  const c = o.config;
  const source = buildSource(o, c.source === "simulated" ? await chainPrices(o) : new Map());
  const sender = await serviceSender(o, o.key);
  const fee = { amount: parseFee(c.fees), gas: String(c.gasLimit) };

  const submit = async (prices: ReadonlyMap<string, Dec>): Promise<Submission> => {
    const { tx, result, sequence } = await sender.send("feeder", [submitPricesMsg(o.key.address, prices)], fee);
    if (result.code !== 0) throw feederErrors.voteRefused(`${result.codespace}/${result.code}: ${result.log}`);
    return { txhash: toHex(sha256(tx)).toUpperCase(), sequence };
  };

  const abort = new AbortController();
  o.logger.info("oracle feeder started", {
    feeder: o.key.address,
    source: c.source,
    assets: c.assets.join(","),
    interval_ms: c.intervalMs,
  });
  const done = runFeeder({
    source,
    assets: c.assets,
    intervalMs: c.intervalMs,
    submit,
    signal: abort.signal,
    log: (line) => (line.includes("skipped") ? o.logger.warn(line) : o.logger.debug(line)),
  });
  return {
    async stop() {
      abort.abort();
      await done;
    },
  };
}

/** The feeder's fees from app.toml; a malformed value is the feeder's own config error. */
export function parseFee(text: string): { denom: string; amount: string }[] {
  return parseFeeCoins(text, (m) => feederErrors.badOption(`oracle-feeder.fees ${m}`));
}
