/**
 * An in-process Strike app with the trading modules: default markets (genesis time
 * 1_700_000_000), ETH at 3000 and BTC at 60000, the last account as the only price
 * feeder, and helpers that sign one tx per block and read the trading queries.
 * Block h runs at 1_700_000_000 + h seconds plus whatever time the test skipped ahead.
 */
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { SubaccountView } from "../../../chain/codec/generated/strike/margin/v1/query.js";
import { OptionKind, type Market } from "../../../chain/codec/generated/strike/orderbook/v1/market.js";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
} from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import type * as q from "../../../chain/codec/generated/strike/orderbook/v1/query.js";
import type { Trade } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { OrderSpec } from "../../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { addressToBech32, moduleAddressBytes } from "../../../chain/crypto/address.js";
import type { FinalizeBlockResponse, TxResult } from "../../../chain/types/abci.js";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { defaultBankGenesis } from "../../../modules/bank/genesis.js";
import { addGenesisValidator, defaultStakingGenesis, stakingPoolBalances } from "../../../modules/staking/index.js";
import { addOracleFeeder, defaultOracleGenesis } from "../../../modules/oracle/index.js";
import { defaultOrderbookGenesis, optionMarketId } from "../../../modules/orderbook/index.js";
import { defaultExpiries } from "../../../modules/orderbook/markets.js";
import {
  account,
  balance,
  createFixture,
  queries,
  signTx,
  type Fixture,
  type TestAccount,
} from "../../unit/runtime/fixture.js";

export const GENESIS_SECONDS = 1_700_000_000n;
export const USDC = 1_000_000n;
/** The nearest default option expiry (2023-11-30 08:00 UTC) and its markets. */
export const EXPIRY = defaultExpiries(GENESIS_SECONDS)[0]!;
export const ethCall = (strike: bigint): string => optionMarketId("ETH", EXPIRY, strike, OptionKind.OPTION_KIND_CALL);
export const ethPut = (strike: bigint): string => optionMarketId("ETH", EXPIRY, strike, OptionKind.OPTION_KIND_PUT);
export const FEE_COLLECTOR_ADDRESS = addressToBech32(moduleAddressBytes("fee_collector"));
export const INSURANCE_FUND_ADDRESS = addressToBech32(moduleAddressBytes("insurance_fund"));
export const MARGIN_ADDRESS = addressToBech32(moduleAddressBytes("margin"));

export interface TradingFixture extends Fixture {
  feeder: TestAccount;
  authority: TestAccount;
  /** Seconds skipped ahead of the default block time (height + 1_700_000_000). */
  timeOffset: bigint;
  /** The last block's response (end-block events, app hash). */
  last: FinalizeBlockResponse | undefined;
  /** The app hash after every block, in order. */
  appHashes: Uint8Array[];
  /** Whether blocks name the last block (then each records a checkpoint). */
  checkpoints: boolean;
}

export interface TradingFixtureOptions {
  accounts?: number;
  /**
   * The feeder (last account) is also the one bonded validator, so it alone attests L1
   * deposits (MsgAttestDeposit); and every block names the last one, so that every block
   * records a checkpoint (interval 1) with its exit root.
   */
  checkpoints?: boolean;
  staleAfterSeconds?: number;
  /** Margin params to override (protobuf JSON field names). */
  marginParams?: Record<string, unknown>;
  /** USDC each account holds at genesis (default 10,000,000). */
  usdcPerAccount?: bigint;
  /** USDC the insurance fund holds at genesis. */
  insuranceFund?: bigint;
  /** How many blocks of trades the orderbook keeps (default 1000). */
  tradesKept?: number;
  /** false: mempool re-checks always run the ante (chain/runtime/anteReplay.ts). */
  replayRechecks?: boolean;
}

export async function createTradingFixture(options: TradingFixtureOptions = {}): Promise<TradingFixture> {
  const f = await createFixture({
    accounts: options.accounts ?? 4,
    ...(options.replayRechecks === undefined ? {} : { replayRechecks: options.replayRechecks }),
    appState: (accounts) => {
      const feeder = accounts[accounts.length - 1]!;
      const oracle = addOracleFeeder(defaultOracleGenesis(), feeder.address, 1n);
      // Staleness is in seconds of block time: the default outlasts the tests' jumps to an expiry months ahead.
      (oracle["params"] as Record<string, string>)["stale_after_seconds"] = String(
        options.staleAfterSeconds ?? 100_000_000,
      );
      const orderbook = defaultOrderbookGenesis(GENESIS_SECONDS);
      (orderbook["params"] as Record<string, unknown>)["authority"] = accounts[0]!.address;
      if (options.tradesKept !== undefined)
        (orderbook["params"] as Record<string, unknown>)["tradesKept"] = options.tradesKept;
      const bank = defaultBankGenesis();
      const usdc = options.usdcPerAccount ?? 10_000_000n;
      const balances = accounts.map((a) => ({
        address: a.address,
        coins: [
          { denom: "ustrike", amount: (1_000_000n * USDC).toString() },
          ...(usdc > 0n ? [{ denom: "uusdc", amount: (usdc * USDC).toString() }] : []),
        ],
      }));
      if (options.insuranceFund !== undefined)
        balances.push({
          address: INSURANCE_FUND_ADDRESS,
          coins: [{ denom: "uusdc", amount: (options.insuranceFund * USDC).toString() }],
        });
      bank.balances = balances;
      let staking: Record<string, unknown> | undefined;
      if (options.checkpoints === true) {
        staking = addGenesisValidator(defaultStakingGenesis(), {
          operator: feeder.address,
          consPubKey: createEd25519Signer(new Uint8Array(32).fill(9)).publicKey,
          moniker: "feeder",
          selfDelegation: 1_000n * USDC,
        });
        for (const p of stakingPoolBalances(staking))
          if (p.amount > 0n)
            balances.push({ address: p.address, coins: [{ denom: "ustrike", amount: p.amount.toString() }] });
      }
      return {
        bank,
        oracle,
        orderbook,
        ...(staking === undefined ? {} : { staking, checkpoint: { params: { interval: "1" } } }),
        ...(options.marginParams === undefined ? {} : { margin: { params: options.marginParams } }),
      };
    },
  });
  return {
    ...f,
    feeder: f.accounts[f.accounts.length - 1]!,
    authority: f.accounts[0]!,
    timeOffset: 0n,
    last: undefined,
    appHashes: [],
    checkpoints: options.checkpoints === true,
  };
}

/** The time the next block will run at unless the test skips ahead. */
export function nextBlockTime(f: TradingFixture): bigint {
  return GENESIS_SECONDS + f.height + 1n + f.timeOffset;
}

/** Executes and commits one block, at `atSeconds` if given (never earlier than the default). */
export async function runTradingBlock(
  f: TradingFixture,
  txs: Uint8Array[],
  atSeconds?: bigint,
): Promise<FinalizeBlockResponse> {
  if (atSeconds !== undefined && atSeconds > nextBlockTime(f)) f.timeOffset += atSeconds - nextBlockTime(f);
  const time = nextBlockTime(f);
  f.height += 1n;
  const res = f.app.finalizeBlock({
    txs,
    height: f.height,
    time: { seconds: time, nanos: 0 },
    hash: new Uint8Array(32),
    proposerAddress: new Uint8Array(20),
    ...(f.checkpoints ? { lastBlockHash: new Uint8Array(32).fill(1) } : {}),
    misbehavior: [],
  });
  const batch = f.db.batch();
  f.app.commit(batch);
  await batch.write();
  f.last = res;
  f.appHashes.push(res.appHash);
  return res;
}

export interface TxSpec {
  signer: TestAccount;
  msgs: EncodeObject[];
  gas?: number;
}

/** Signs each tx with the signer's next sequence (as the chain sees it) and runs them together in one block. */
export async function sendBlock(f: TradingFixture, txs: readonly TxSpec[], atSeconds?: bigint): Promise<TxResult[]> {
  const used = new Map<string, bigint>();
  const raw: Uint8Array[] = [];
  for (const { signer, msgs, gas } of txs) {
    const sequence = used.get(signer.address) ?? (await account(f, signer.address))?.sequence ?? 0n;
    used.set(signer.address, sequence + 1n);
    raw.push(
      await signTx(signer, {
        sequence,
        msgs,
        fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: gas ?? 4_000_000 },
      }),
    );
  }
  return (await runTradingBlock(f, raw, atSeconds)).txResults;
}

/** Signs `msgs` from `signer`, runs them alone in a block, and returns the tx's result. */
export async function send(
  f: TradingFixture,
  signer: TestAccount,
  msgs: EncodeObject[],
  gas?: number,
): Promise<TxResult> {
  return (await sendBlock(f, [{ signer, msgs, ...(gas === undefined ? {} : { gas }) }]))[0]!;
}

/** Runs an empty block (end-block work: triggers, liquidations, funding, expiry). */
export async function emptyBlock(f: TradingFixture, atSeconds?: bigint): Promise<FinalizeBlockResponse> {
  return runTradingBlock(f, [], atSeconds);
}

export async function emptyBlocks(f: TradingFixture, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await runTradingBlock(f, []);
}

export function deposit(owner: string, usdc: bigint, subaccount = 0): EncodeObject {
  return { typeUrl: "/strike.margin.v1.MsgDeposit", value: { owner, subaccount, amount: (usdc * USDC).toString() } };
}

export function withdraw(owner: string, uusdc: bigint, subaccount = 0): EncodeObject {
  return { typeUrl: "/strike.margin.v1.MsgWithdraw", value: { owner, subaccount, amount: uusdc.toString() } };
}

export function setMarginMode(owner: string, portfolioMargin: boolean, subaccount = 0): EncodeObject {
  return { typeUrl: "/strike.margin.v1.MsgSetMarginMode", value: { owner, subaccount, portfolioMargin } };
}

export function orderSpec(
  market: string,
  side: "buy" | "sell",
  size: string,
  price: string,
  extra: Partial<OrderSpec> = {},
): OrderSpec {
  return {
    market,
    side: side === "buy" ? Side.SIDE_BUY : Side.SIDE_SELL,
    price,
    size,
    timeInForce: TimeInForce.TIME_IN_FORCE_UNSPECIFIED,
    orderType: OrderType.ORDER_TYPE_UNSPECIFIED,
    reduceOnly: false,
    clientId: 0n,
    goodTilBlock: 0n,
    goodTilTime: 0n,
    triggerType: TriggerType.TRIGGER_TYPE_UNSPECIFIED,
    triggerPrice: "",
    selfTrade: SelfTradePrevention.SELF_TRADE_PREVENTION_UNSPECIFIED,
    selfTradeAllSubaccounts: false,
    ...extra,
  };
}

export function place(owner: string, spec: OrderSpec, subaccount = 0): EncodeObject {
  return { typeUrl: "/strike.orderbook.v1.MsgPlaceOrder", value: { owner, subaccount, order: spec } };
}

export function submitPrice(feeder: string, asset: string, price: string): EncodeObject {
  return { typeUrl: "/strike.oracle.v1.MsgSubmitPrices", value: { feeder, prices: [{ asset, price }] } };
}

/** Moves the oracle price: the feeder's vote is aggregated at the end of its block. */
export async function movePrice(f: TradingFixture, asset: string, price: string): Promise<TxResult> {
  return send(f, f.feeder, [submitPrice(f.feeder.address, asset, price)]);
}

export async function subaccounts(f: Fixture, owner: string): Promise<SubaccountView[]> {
  return (await queries(f).margin.Subaccounts({ owner })).subaccounts;
}

export async function subaccount(f: Fixture, owner: string, number = 0): Promise<SubaccountView | undefined> {
  return (await subaccounts(f, owner)).find((s) => s.subaccount?.number === number);
}

export async function book(f: Fixture, market: string): Promise<q.QueryBookResponse> {
  return queries(f).orderbook.Book({ market, levels: 20 });
}

export async function trades(f: Fixture, market: string): Promise<Trade[]> {
  return (await queries(f).orderbook.Trades({ market, limit: 100 })).trades;
}

export async function openOrders(f: Fixture, owner: string): Promise<q.QueryOrdersResponse["orders"]> {
  return (await queries(f).orderbook.Orders({ owner, market: "" })).orders;
}

export async function markets(f: Fixture): Promise<Market[]> {
  return (await queries(f).orderbook.Markets({})).markets;
}

export async function market(f: Fixture, id: string): Promise<Market> {
  const m = (await markets(f)).find((x) => x.id === id);
  if (m === undefined) throw new TypeError(`no market ${id}`);
  return m;
}

/** The insurance fund in uusdc, as the margin query reports it. */
export async function insuranceFund(f: Fixture): Promise<bigint> {
  return BigInt((await queries(f).margin.InsuranceFund({})).balance);
}

export async function uusdc(f: Fixture, address: string): Promise<bigint> {
  return balance(f, address, "uusdc");
}

/** Deposits `usdc` into subaccount 0 of each listed account, all in one block. */
export async function depositAll(f: TradingFixture, accounts: readonly TestAccount[], usdc: bigint): Promise<void> {
  const results = await sendBlock(
    f,
    accounts.map((a) => ({ signer: a, msgs: [deposit(a.address, usdc)] })),
  );
  for (const r of results) if (r.code !== 0) throw new TypeError(`deposit failed: ${r.log}`);
}
