/** What the oracle commands and the feeder do when they run (oracle.ts defines them): oracle queries, price votes, the feeder loop. */
import type { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { cometQuerier } from "../../chain/client/comet.js";
import { strikeQueries, type StrikeQueries } from "../../chain/client/queries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";
import type { OraclePrice } from "../../chain/codec/generated/strike/oracle/v1/oracle.js";
import { parseDuration } from "../../chain/node/duration.js";
import { decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import { createHttpJsonSource } from "../../feeder/httpJsonSource.js";
import { runFeeder } from "../../feeder/runFeeder.js";
import { createSimulatedSource } from "../../feeder/simulatedSource.js";
import type { PriceSource } from "../../feeder/source.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { decodeBech32 } from "../../genesis/address.js";
// The light parts of the oracle module only: its index (and the genesis code) would load every module.
import { isValidAssetSymbol, parseAssetPrices } from "../../modules/oracle/validation.js";
import { cliRpc } from "../abciQuery.js";
import { connectComet, withNode } from "../client.js";
import { globalOptions, openKeyring, type GlobalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { DEFAULT_GAS_ADJUSTMENT, resolveFee } from "../fees.js";
import { note, print } from "../output.js";
import { signAndSend, type TxFlags } from "../txSend.js";

export interface FeederFlags {
  from: string;
  assets: string;
  source: string;
  interval: string;
  seed: string;
  volatility: string;
  httpUrl?: string;
  httpField?: string;
  httpTimeout: string;
  fees?: string;
  gas: string;
  gasPrices?: string;
}

/** "ETH=3001.5,BTC=65000" → [{asset, price}], checked with the chain's own rules. */
export function parsePriceList(text: string): { asset: string; price: string }[] {
  const entries = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((pair) => {
      const m = /^([^=]+)=(.+)$/.exec(pair);
      if (m === null) throw cliErrors.badArgument(`"${pair}" is not ASSET=PRICE, e.g. ETH=3001.5`);
      return { asset: m[1]!.trim().toUpperCase(), price: m[2]!.trim() };
    });
  parseAssetPrices(entries);
  return entries;
}

function parseAssets(text: string): string[] {
  const assets = text
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== "");
  if (assets.length === 0) throw cliErrors.badArgument("--assets must list at least one asset, e.g. ETH,BTC");
  for (const a of assets) if (!isValidAssetSymbol(a)) throw cliErrors.badArgument(`--assets: "${a}" is not an asset`);
  return [...new Set(assets)];
}

/** One typed oracle query and the height of the state it read; an unknown asset (oracle/2) reads as not found. */
async function oracleQuery<T>(
  comet: Comet38Client,
  call: (oracle: StrikeQueries["oracle"]) => Promise<T>,
): Promise<{ value: T; height: number }> {
  let height = 0;
  const querier = cometQuerier({
    abciQuery: async (params) => {
      const r = await comet.abciQuery(params);
      height = r.height ?? 0;
      return r;
    },
  });
  const rpc = cliRpc(createQueryRpc(querier), (r) => r.codespace === "oracle" && r.code === 2);
  const value = await call(strikeQueries(rpc).oracle);
  return { value, height };
}

async function withComet<T>(g: GlobalOptions, fn: (comet: Comet38Client) => Promise<T>): Promise<T> {
  const comet = await connectComet(g.node);
  try {
    return await withNode(g.node, () => fn(comet));
  } finally {
    comet.disconnect();
  }
}

interface PriceJson {
  asset: string;
  price: string;
  height: string;
  time: string;
  stale: boolean;
  /** The height from which it is fresh again after being stale (option settlement averages only from there). */
  fresh_since?: string;
}

/** "3000.000000000000000000" → "3000" (as the oracle genesis writes prices). */
const trimDec = (d: Dec): string => decToString(d).replace(/\.?0+$/, "");

function priceJson(p: OraclePrice): PriceJson {
  return {
    asset: p.asset,
    price: trimDec(decFromString(p.price)),
    height: p.height.toString(),
    time: new Date(Number(p.timeSeconds) * 1000).toISOString(),
    stale: p.stale,
    ...(p.freshSince > 0n ? { fresh_since: p.freshSince.toString() } : {}),
  };
}

function priceTable(prices: readonly PriceJson[]): string {
  const rows = [["ASSET", "PRICE", "HEIGHT", "TIME", "STATUS"]].concat(
    prices.map((p) => [p.asset, p.price, p.height, p.time, p.stale ? "STALE" : "fresh"]),
  );
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Node waits 1 ms instead of a longer delay: the feeder would submit as fast as it could. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function durationFlag(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms === 0) throw cliErrors.badArgument(`${name} must be a duration like 1s, got "${text}"`);
  if (ms > MAX_TIMER_MS)
    throw cliErrors.badArgument(`${name} ${text} is too long: at most ${MAX_TIMER_MS}ms (about 596h)`);
  return ms;
}

async function startPrices(comet: Comet38Client, assets: readonly string[]): Promise<Map<string, Dec>> {
  const { value } = await oracleQuery(comet, (o) => o.Prices({}));
  const known = new Map(value.prices.map((p) => [p.asset, decFromString(p.price)]));
  const missing = assets.filter((a) => !known.has(a));
  if (missing.length > 0)
    throw cliErrors.badArgument(`the chain has no oracle asset ${missing.join(", ")}; it knows ${[...known.keys()]}`);
  return known;
}

/** Checks the source flags at once; the returned function builds the source (sim needs the chain's prices). */
function sourceBuilder(f: FeederFlags): (start: () => Promise<Map<string, Dec>>) => Promise<PriceSource> {
  if (f.source === "http") {
    if (f.httpUrl === undefined || f.httpField === undefined)
      throw cliErrors.badArgument("--source http needs --http-url and --http-field");
    const source = createHttpJsonSource({
      url: f.httpUrl,
      field: f.httpField,
      timeoutMs: durationFlag("--http-timeout", f.httpTimeout),
    });
    return () => Promise.resolve(source);
  }
  if (f.source !== "sim") throw cliErrors.badArgument(`--source must be sim or http, got "${f.source}"`);
  if (!/^\d+(\.\d{1,18})?$/.test(f.volatility))
    throw cliErrors.badArgument(`--volatility must be a decimal like 0.01, got "${f.volatility}"`);
  const volatility = decFromString(f.volatility);
  return async (start) => createSimulatedSource({ seed: f.seed, start: await start(), volatility });
}

/** The config is read only here: its schema (zod) is slow to load for commands that never need it. */
async function genesisPathOf(g: GlobalOptions): Promise<string> {
  const { configPaths, defaultConfig, loadConfig, resolveHomePath } = await import("../../chain/node/config.js");
  const cfg = existsSync(configPaths(g.home).configToml) ? loadConfig(g.home) : defaultConfig("");
  return resolveHomePath(g.home, cfg.genesisFile);
}

export async function oracleTx(pricesText: string, flags: TxFlags & { from: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const prices = parsePriceList(pricesText);
  const feeder = openKeyring(g).resolve(flags.from).address;
  const { submitPricesMsg } = await import("../../feeder/submitter.js"); // pulls in cosmjs
  const msg = submitPricesMsg(feeder, new Map(prices.map((p) => [p.asset, decFromString(p.price)])));
  const shown = prices.map((p) => `${p.asset}=${p.price}`).join(" ");
  await signAndSend(g, flags.from, [msg], flags, `Submit oracle prices ${shown}\n  feeder: ${feeder}`);
}

export async function registerFeeder(
  feederArg: string | undefined,
  flags: TxFlags & { from: string },
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  const operator = openKeyring(g).resolve(flags.from).address;
  let feeder = feederArg;
  if (feeder === undefined) {
    const { configPaths, defaultConfig, loadConfig, resolveHomePath } = await import("../../chain/node/config.js");
    const cfg = existsSync(configPaths(g.home).configToml) ? loadConfig(g.home) : defaultConfig("");
    const file = resolveHomePath(g.home, cfg.oracleFeeder.keyFile);
    if (!existsSync(file))
      throw cliErrors.badArgument(
        `no feeder key at ${file}: give the feeder's address, or the --home that holds its key`,
      );
    const { loadFeederKey } = await import("../../chain/node/feederKey.js");
    feeder = loadFeederKey(file).address;
  }
  if (!isValidAddress(feeder)) throw cliErrors.badArgument(`"${feeder.slice(0, 100)}" is not a strike1… address`);
  const msg = { typeUrl: "/strike.oracle.v1.MsgRegisterFeeder", value: { operator, feeder } };
  await signAndSend(g, flags.from, [msg], flags, `Register oracle feeder ${feeder}\n  for validator: ${operator}`);
}

export async function oracleParams(_o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const { value } = await withComet(g, (c) => oracleQuery(c, (o) => o.Params({})));
  const p = value.params!;
  print(g.output, {
    max_vote_age_blocks: p.maxVoteAgeBlocks.toString(),
    stale_after_seconds: p.staleAfterSeconds.toString(),
    history_blocks: p.historyBlocks.toString(),
  });
}

export async function oracleFeeders(_o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const { value } = await withComet(g, (c) => oracleQuery(c, (o) => o.Feeders({})));
  print(g.output, {
    voters: value.feeders.length > 0 ? "listed feeders" : "bonded validators, weighted by power",
    feeders: value.feeders.map((f) => ({ address: f.address, weight: f.weight.toString() })),
    validator_feeders: value.validatorFeeders.map((f) => ({
      validator: f.validator,
      feeder: f.feeder,
      weight: f.weight.toString(),
    })),
    total_weight: value.totalWeight.toString(),
  });
}

export async function oraclePrices(assetArg: string | undefined, _o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  if (assetArg === undefined) {
    const { value, height } = await withComet(g, (c) => oracleQuery(c, (o) => o.Prices({})));
    const prices = value.prices.map(priceJson);
    print(g.output, { height: String(height), prices }, () => priceTable(prices));
    return;
  }
  const asset = assetArg.toUpperCase();
  if (!isValidAssetSymbol(asset)) throw cliErrors.badArgument(`"${assetArg}" is not an asset symbol`);
  const { value } = await withComet(g, (c) => oracleQuery(c, (o) => o.Price({ asset })));
  const p = priceJson(value.price!);
  print(g.output, p, () => priceTable([p]));
}

export async function startFeeder(f: FeederFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const assets = parseAssets(f.assets);
  const intervalMs = durationFlag("--interval", f.interval);
  if (f.gas === "auto") throw cliErrors.badArgument("the feeder needs a fixed --gas limit, not auto");
  const buildSource = sourceBuilder(f);
  const fee = await resolveFee({ ...f, gasAdjustment: DEFAULT_GAS_ADJUSTMENT }, () => Promise.resolve(0));
  const kr = openKeyring(g);
  const key = kr.resolve(f.from);
  // cosmjs loads in about half a second: only the feeder's own action pays for it.
  const [{ DirectSecp256k1Wallet }, { SigningStargateClient }, { createStrikeRegistry }, { createChainSubmitter }] =
    await Promise.all([
      import("@cosmjs/proto-signing"),
      import("@cosmjs/stargate"),
      import("../../chain/codec/registry.js"),
      import("../../feeder/submitter.js"),
    ]);
  const wallet = await DirectSecp256k1Wallet.fromKey(await kr.privateKey(key.name), kr.prefix);
  const comet = await connectComet(g.node);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const stats = await withNode(g.node, async () => {
      const status = await comet.status();
      const chainId = status.nodeInfo.network;
      if (g.chainId !== undefined && g.chainId !== chainId)
        throw cliErrors.chainIdMismatch(`--chain-id is ${g.chainId} but the node at ${g.node} runs ${chainId}`);
      const feeders = await oracleQuery(comet, (o) => o.Feeders({}));
      if (!feeders.value.feeders.some((x) => x.address === key.address))
        note(`warning: ${key.address} is not in the oracle's feeder list; its votes will be rejected`);
      const source = await buildSource(() => startPrices(comet, assets));
      const client = SigningStargateClient.createWithSigner(comet, wallet, { registry: createStrikeRegistry() });
      const submit = createChainSubmitter({ client, feeder: key.address, chainId, fee });
      note(`feeding ${assets.join(",")} from ${f.source} every ${f.interval} as ${key.address} on ${chainId}`);
      return runFeeder({
        source,
        assets,
        intervalMs,
        submit,
        signal: stop.signal,
        log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
      });
    });
    note(`feeder stopped after ${stats.rounds} rounds: ${stats.submitted} submitted, ${stats.failed} skipped`);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    comet.disconnect();
  }
}

export async function genesisAddFeeder(addressOrKey: string, o: { weight: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const [{ loadGenesis, writeGenesis }, { addOracleFeeder }] = await Promise.all([
    import("../../genesis/genesis.js"),
    import("../../modules/oracle/genesis.js"),
  ]);
  if (!/^[1-9][0-9]{0,19}$/.test(o.weight))
    throw cliErrors.badArgument(`--weight must be a positive integer, got "${o.weight}"`);
  const address = decodeBech32(addressOrKey) !== undefined ? addressOrKey : openKeyring(g).get(addressOrKey).address;
  const path = await genesisPathOf(g);
  const doc = loadGenesis(path);
  doc.app_state.oracle = addOracleFeeder(doc.app_state.oracle, address, BigInt(o.weight));
  writeGenesis(path, doc);
  print(
    g.output,
    { address, weight: o.weight, genesis_file: path },
    () => `Added oracle feeder ${address} with weight ${o.weight} in ${path}`,
  );
}
