/**
 * Strike's application: the base app with its modules wired in (the role of a Cosmos
 * chain's app.go). This is the one runtime file that names modules, and the place where
 * one module's keeper is adapted to another's expected-keeper interface.
 */
import { createAccountKeeper, createAuthModule, FEE_COLLECTOR, type Account } from "../modules/auth/index.js";
import { createBankKeeper, createBankModule } from "../modules/bank/index.js";
import { createCheckpointKeeper, createCheckpointModule } from "../modules/checkpoint/index.js";
import {
  INSURANCE_FUND,
  MARGIN_ACCOUNT,
  createMarginKeeper,
  createMarginModule,
  type OptionPricer,
  type PriceReader,
} from "../modules/margin/index.js";
import { createOracleFeederWeights, createOracleKeeper, createOracleModule } from "../modules/oracle/index.js";
import { createReceiptsKeeper, createReceiptsModule } from "../modules/receipts/index.js";
import { createSlashingKeeper, createSlashingModule } from "../modules/slashing/index.js";
import {
  BONDED_POOL,
  DISTRIBUTION_ACCOUNT,
  NOT_BONDED_POOL,
  createStakingKeeper,
  createStakingModule,
} from "../modules/staking/index.js";
import { createOptionsKeeper, createOptionsModule } from "../modules/options/index.js";
import { createOrderbookKeeper, createOrderbookModule } from "../modules/orderbook/index.js";
import { BRIDGE_ACCOUNT, BRIDGE_DENOM, createBridgeModule, markExitTouched } from "../modules/bridge/index.js";
import { createBridgeKeeperFor } from "./bridgeWiring.js";
import type { SignatureCache } from "../chain/crypto/sigCache.js";
import type { StateStore } from "../chain/store/types.js";
import type { AnteAccountKeeper, DigestVerifier } from "../chain/runtime/ante/index.js";
import { createBaseApp, type Logger, type StrikeApp } from "../chain/runtime/app.js";
import type { DecCoin } from "../chain/runtime/coins.js";
import type { StoreSource } from "../chain/runtime/collection.js";

export interface StrikeAppOptions {
  state: StateStore;
  /** The node's minimum gas prices, e.g. parseDecCoins("0.025ustrike"); checked at mempool admission only. */
  minGasPrices: DecCoin[];
  maxTxBytes?: number;
  /** The block's max gas (consensus params; -1: no limit). */
  maxBlockGas?: bigint;
  /** Blocks kept below the one committed (app/retention.ts); 0n or absent: every block. */
  retainBlocks?: bigint;
  logger?: Logger;
  sigCache?: SignatureCache;
  verify?: DigestVerifier;
  /** false: mempool re-checks always run the ante (chain/runtime/anteReplay.ts; tests compare the two). */
  replayRechecks?: boolean;
}

/** Module accounts and their permissions. */
export const MODULE_ACCOUNTS: Readonly<Record<string, readonly string[]>> = {
  [FEE_COLLECTOR]: [],
  [MARGIN_ACCOUNT]: [],
  [INSURANCE_FUND]: [],
  [BONDED_POOL]: [],
  [NOT_BONDED_POOL]: [],
  [DISTRIBUTION_ACCOUNT]: [],
  [BRIDGE_ACCOUNT]: ["minter", "burner"],
};

export function createStrikeApp(options: StrikeAppOptions): StrikeApp {
  const accountKeeper = createAccountKeeper({ moduleAccounts: MODULE_ACCOUNTS });
  // A change of an account's free uusdc can change its exit claim: the next checkpoint reads it again.
  const bankKeeper = createBankKeeper(accountKeeper, {
    balanceWritten: (src, address, denom) => {
      if (denom === BRIDGE_DENOM && !accountKeeper.isModuleAddress(address)) markExitTouched(src, address);
    },
  });
  const stakingKeeper = createStakingKeeper({ bank: bankKeeper, accounts: accountKeeper });
  const slashingKeeper = createSlashingKeeper(stakingKeeper);
  const receiptsKeeper = createReceiptsKeeper({
    staking: {
      validatorByConsAddress(src, consAddress) {
        const v = stakingKeeper.validatorByConsAddress(src, consAddress);
        if (v === undefined) return undefined;
        const power = v.tokens / stakingKeeper.params(src).powerReduction;
        return { operator: v.operator, pubKey: v.pubKey, jailed: v.jailed, power };
      },
      hasStakeIn: (src, account, operator) =>
        stakingKeeper.delegation(src, account, operator) > 0n ||
        stakingKeeper.unbondingsOf(src, account).some((e) => e.validatorAddress === operator),
      slash: (ctx, consAddress, height, power, fraction, reason) =>
        stakingKeeper.slash(ctx, consAddress, height, power, fraction, reason),
      jail: (ctx, consAddress) => stakingKeeper.jail(ctx, consAddress),
      payFromCommunityPool: (ctx, recipient, amount) => stakingKeeper.payFromCommunityPool(ctx, recipient, amount),
    },
    slashing: {
      isTombstoned: (src, consAddress) => slashingKeeper.isTombstoned(src, consAddress),
      jailUntil: (ctx, consAddress, until, tombstone) => slashingKeeper.jailUntil(ctx, consAddress, until, tombstone),
    },
  });
  const checkpointKeeper = createCheckpointKeeper({
    staking: stakingKeeper,
    // The bridge's roots as of the checkpoint height (read in begin block, before any write).
    bridge: {
      withdrawalRoot: (ctx) => bridgeKeeper.withdrawalRoot(ctx),
      creditedDepositNonce: (ctx) => bridgeKeeper.counters(ctx).highestNonceCredited,
      exitRoot: (ctx) => bridgeKeeper.updateExitTree(ctx, ctx.block.height - 1n),
    },
  });
  // The bonded validators are the oracle's feeders, weighted by their power (stake).
  const bondedValidators = {
    powerOf: (src: StoreSource, operator: string) => {
      const power = stakingKeeper.bondedPowerOf(src, operator);
      return power > 0n ? power : undefined;
    },
    totalPower: (src: StoreSource) => stakingKeeper.totalBondedPower(src),
  };
  const oracleKeeper = createOracleKeeper({
    weights: createOracleFeederWeights(bondedValidators),
    validators: bondedValidators,
  });
  const anteAccounts: AnteAccountKeeper = {
    getAccount: (ctx, address) => accountKeeper.getAccount(ctx, address),
    // The ante steps spread the account they read, so module-account fields survive.
    setAccount: (ctx, account) => accountKeeper.setAccount(ctx, account as Account),
    params: (ctx) => accountKeeper.params(ctx),
    // An account's first key gives its exit claim an L1 address.
    pubKeySet: (ctx, address) => markExitTouched(ctx, address),
  };

  // Queries have no block of their own: they judge staleness at the height margin last recorded.
  const prices: PriceReader = {
    price: (ctx, asset) =>
      oracleKeeper.priceAt(ctx, asset, { height: ctx.block.height, timeSeconds: ctx.block.time.seconds }),
  };
  // Options settle through the orderbook's and margin's intents, and price options for margin:
  // the closures reach keepers made below (called only once the app runs).
  const optionsKeeper = createOptionsKeeper({
    markets: {
      allMarkets: (src) => orderbookKeeper.allMarkets(src),
      closeMarket: (ctx, market, reason) => orderbookKeeper.closeMarket(ctx, market, reason),
      settleSeries: (ctx, market, price) => orderbookKeeper.settleSeries(ctx, market, price),
    },
    oracle: {
      price: (ctx, asset) => oracleKeeper.getPrice(ctx, asset),
      twap: (ctx, asset, window) => oracleKeeper.twap(ctx, asset, window),
    },
    margin: {
      params: (src) => marginKeeper.params(src),
      settleMarket: (ctx, market, payoff) => marginKeeper.settleMarket(ctx, market, payoff),
    },
  });
  const optionPricer: OptionPricer = {
    greeks: (ctx, market, spot) => optionsKeeper.greeks(ctx, market, spot),
    shortMargin: (ctx, market, spot, mark) => optionsKeeper.shortMargin(ctx, market, spot, mark),
    portfolioWorstLoss: (ctx, legs, spot) => optionsKeeper.portfolioWorstLoss(ctx, legs, spot),
  };
  const marketReader = {
    getMarket: (src: StoreSource, id: string) => orderbookKeeper.getMarket(src, id),
    allMarkets: (src: StoreSource) => orderbookKeeper.allMarkets(src),
  };
  const marginKeeper = createMarginKeeper({
    markets: marketReader,
    prices,
    options: optionPricer,
    bank: bankKeeper,
    accounts: accountKeeper,
    feeCollector: accountKeeper.moduleAddress(FEE_COLLECTOR),
    orders: { hasOpenOrders: (ctx, id) => orderbookKeeper.hasOpenOrders(ctx, id) },
    book: { impactPrices: (src, market, notional) => orderbookKeeper.impactPrices(src, market, notional) },
  });
  const bridgeKeeper = createBridgeKeeperFor({
    accounts: accountKeeper,
    bank: bankKeeper,
    staking: stakingKeeper,
    margin: marginKeeper,
  });
  const orderbookKeeper = createOrderbookKeeper({
    margin: {
      positionSize: (src, id, market) => marginKeeper.positionSize(src, id, market),
      meetsInitialMargin: (ctx, id, deltas) => marginKeeper.meetsInitialMargin(ctx, id, deltas),
      applyTrade: (ctx, id, delta) => marginKeeper.applyTrade(ctx, id, delta),
      liquidatableAccounts: (ctx) => marginKeeper.liquidatableAccounts(ctx),
      positions: (src, id) => marginKeeper.positions(src, id),
      planLiquidation: (ctx, id) => marginKeeper.planLiquidation(ctx, id),
      settleLiquidation: (ctx, id, notional) => marginKeeper.settleLiquidation(ctx, id, notional),
      hasSubaccount: (src, id) => marginKeeper.hasSubaccount(src, id),
      marketRepriced: (ctx, market) => marginKeeper.marketRepriced(ctx, market),
    },
    oracle: { price: (ctx, asset) => oracleKeeper.getPrice(ctx, asset) },
  });
  return createBaseApp({
    state: options.state,
    // Genesis order: accounts exist before bank credits them; markets before anything trades.
    // End-block order: the validator set first, then oracle prices, expiries, orders and
    // liquidations, and funding last.
    modules: [
      createAuthModule(accountKeeper, Object.keys(MODULE_ACCOUNTS)),
      createBankModule(bankKeeper),
      // Staking after bank (its genesis checks the pools' balances), slashing after staking.
      createStakingModule(stakingKeeper),
      createSlashingModule(slashingKeeper, {
        cometInfo: (ctx) => ctx.block.comet ?? { lastCommit: { votes: [] }, misbehavior: [] },
      }),
      // Checkpoints after staking (the set they sign with) and before anything that writes in begin block.
      createCheckpointModule(checkpointKeeper),
      // Receipt violations slash through staking and record jails in slashing's signing infos.
      createReceiptsModule(receiptsKeeper),
      createOracleModule(oracleKeeper),
      // Expired option series settle before the orderbook's end block fires triggers or
      // liquidates, so that no order fills on a series at or after its expiry.
      createOptionsModule(optionsKeeper),
      createOrderbookModule(orderbookKeeper),
      createMarginModule(marginKeeper),
      createBridgeModule(bridgeKeeper),
    ],
    accounts: anteAccounts,
    bank: bankKeeper,
    feeCollector: FEE_COLLECTOR,
    minGasPrices: options.minGasPrices,
    ...(options.maxTxBytes === undefined ? {} : { maxTxBytes: options.maxTxBytes }),
    ...(options.maxBlockGas === undefined ? {} : { maxBlockGas: options.maxBlockGas }),
    ...(options.retainBlocks === undefined ? {} : { retainBlocks: options.retainBlocks }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.sigCache === undefined ? {} : { sigCache: options.sigCache }),
    ...(options.verify === undefined ? {} : { verify: options.verify }),
    ...(options.replayRechecks === undefined ? {} : { replayRechecks: options.replayRechecks }),
  });
}
