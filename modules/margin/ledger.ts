/**
 * The margin keeper's ledger (keeper.ts adds the intents and the end block on top): the
 * only writer of subaccounts and positions. Collateral sits in the
 * margin module account; a subaccount's quote balance is its claim on it. Every change
 * of quote balances is zero-sum or matched by a bank transfer (fees out, penalties to the
 * insurance fund, shortfalls from it), so the module account always covers the claims.
 */
import type { Position, Subaccount } from "../../chain/codec/generated/strike/margin/v1/margin.js";
import type { Market } from "../../chain/codec/generated/strike/orderbook/v1/market.js";
import type { Context } from "../../chain/runtime/types.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import { abs } from "../../chain/types/fixed/index.js";
import { marginErrors } from "./errors.js";
import type { MarginAccountKeeper, MarginBankKeeper, RiskContext } from "./expectedKeepers.js";
import { COLLATERAL_DENOM, INSURANCE_FUND, MARGIN_ACCOUNT } from "./keys.js";
import { computeRisk, type AccountRisk, type RiskDeps } from "./risk.js";
import type { OpenOrdersReader } from "./expectedKeepers.js";
import {
  accountPositions,
  allSubaccounts,
  getPosition,
  getSubaccount,
  setPosition,
  setSubaccount,
  type AccountId,
} from "./state.js";

/** One account's side of a trade: size bought (+) or sold (-), uusdc paid (+) or received (-), fee paid. */
export interface TradeDelta {
  market: Market;
  sizeDelta: bigint;
  cost: bigint;
  fee: bigint;
}

export interface MarginLedgerConfig extends RiskDeps {
  bank: MarginBankKeeper;
  accounts: MarginAccountKeeper;
  feeCollector: string;
  /** Whether an account has open orders: an empty subaccount is pruned only without them. */
  orders?: OpenOrdersReader;
}

function emptyPosition(id: AccountId, market: string): Position {
  return { owner: id.owner, subaccount: id.number, market, size: 0n, entryCost: "0" };
}

/** Applies a size change to a position; entry cost moves pro rata when the position shrinks. */
export function applyDelta(p: Position, sizeDelta: bigint, cost: bigint): Position {
  const size = p.size + sizeDelta;
  const entry = BigInt(p.entryCost);
  let entryCost: bigint;
  if (p.size === 0n || p.size > 0n === sizeDelta > 0n) entryCost = entry + cost;
  else if (abs(sizeDelta) <= abs(p.size)) entryCost = (entry * size) / p.size;
  else entryCost = (cost * size) / sizeDelta; // flipped: the new side's share of this trade
  return { ...p, size, entryCost: size === 0n ? "0" : entryCost.toString() };
}

function reducesOnly(before: bigint, delta: bigint): boolean {
  const after = before + delta;
  return before !== 0n && abs(after) < abs(before) && (after === 0n || after > 0n === before > 0n);
}

/**
 * equityAfter / imAfter ≥ equityBefore / imBefore, cross-multiplied (im ≥ 0). dYdX's rule for
 * an undercollateralised subaccount (x/subaccounts), on initial rather than maintenance margin.
 */
function notLessCollateralised(before: AccountRisk, after: AccountRisk): boolean {
  if (after.im === 0n) return after.equity >= 0n;
  if (before.im === 0n) return false;
  return after.equity * before.im >= before.equity * after.im;
}

export function createMarginLedger(config: MarginLedgerConfig) {
  const { bank, accounts } = config;
  const marginAddress = () => accounts.moduleAddress(MARGIN_ACCOUNT);
  const insuranceAddress = () => accounts.moduleAddress(INSURANCE_FUND);
  const coin = (amount: bigint) => [{ denom: COLLATERAL_DENOM, amount }];

  function requireSubaccount(src: StoreSource, id: AccountId): Subaccount {
    const s = getSubaccount(src, id);
    if (s === undefined) throw marginErrors.noSubaccount(`${id.owner}/${id.number}`);
    return s;
  }

  function addQuote(src: StoreSource, s: Subaccount, amount: bigint): Subaccount {
    const next = { ...s, quoteBalance: (BigInt(s.quoteBalance) + amount).toString() };
    setSubaccount(src, next);
    return next;
  }

  const keeper = {
    deps: config as RiskDeps,
    orders: config.orders,

    getSubaccount: (src: StoreSource, id: AccountId) => getSubaccount(src, id),
    subaccounts: (src: StoreSource, owner?: string) => [...allSubaccounts(src, owner)],
    positions: (src: StoreSource, id: AccountId) => accountPositions(src, id),
    /** One position, by a point read (queries at past heights can serve it). */
    position: (src: StoreSource, id: AccountId, market: string) => getPosition(src, id, market),

    deposit(ctx: Context, id: AccountId, amount: bigint): void {
      if (amount <= 0n) throw marginErrors.invalidAmount("deposit must be positive");
      bank.sendCoins(ctx, id.owner, marginAddress(), coin(amount));
      const s = getSubaccount(ctx, id) ?? {
        owner: id.owner,
        number: id.number,
        quoteBalance: "0",
        portfolioMargin: false,
      };
      addQuote(ctx, s, amount);
      ctx.events.emit("deposit", [
        ["owner", id.owner],
        ["subaccount", String(id.number)],
        ["amount", `${amount}${COLLATERAL_DENOM}`],
      ]);
    },

    /**
     * Withdraws free collateral. Another account's debt never stops it (ADL socialises what the
     * insurance fund cannot cover); a stale price of one of this account's own underlyings does.
     */
    withdraw(ctx: Context, id: AccountId, amount: bigint): void {
      if (amount <= 0n) throw marginErrors.invalidAmount("withdrawal must be positive");
      const s = requireSubaccount(ctx, id);
      const after = { ...s, quoteBalance: (BigInt(s.quoteBalance) - amount).toString() };
      const risk = computeRisk(ctx, config, after, accountPositions(ctx, id));
      const stale = risk.positions.find((p) => p.stale);
      if (stale !== undefined)
        throw marginErrors.stalePrice(`${stale.market.underlying}: withdraw once the oracle price is fresh`);
      if (BigInt(after.quoteBalance) < 0n && risk.positions.length === 0)
        throw marginErrors.withdrawalBelowMargin(`only ${s.quoteBalance}${COLLATERAL_DENOM} is deposited`);
      if (risk.equity < risk.im)
        throw marginErrors.withdrawalBelowMargin(
          `equity after it would be ${risk.equity}${COLLATERAL_DENOM}, initial margin ${risk.im}${COLLATERAL_DENOM}`,
        );
      setSubaccount(ctx, after);
      bank.sendCoins(ctx, marginAddress(), id.owner, coin(amount));
      ctx.events.emit("withdraw", [
        ["owner", id.owner],
        ["subaccount", String(id.number)],
        ["amount", `${amount}${COLLATERAL_DENOM}`],
      ]);
    },

    setMarginMode(ctx: Context, id: AccountId, portfolio: boolean): void {
      const s = requireSubaccount(ctx, id);
      const next = { ...s, portfolioMargin: portfolio };
      const risk = computeRisk(ctx, config, next, accountPositions(ctx, id));
      if (risk.equity < risk.im)
        throw marginErrors.insufficientMargin(
          `the new mode needs ${risk.im}${COLLATERAL_DENOM} of margin, equity is ${risk.equity}`,
        );
      setSubaccount(ctx, next);
    },

    hasSubaccount: (src: StoreSource, id: AccountId) => getSubaccount(src, id) !== undefined,

    positionSize(src: StoreSource, id: AccountId, market: string): bigint {
      return getPosition(src, id, market)?.size ?? 0n;
    },

    accountRisk(ctx: RiskContext, id: AccountId): AccountRisk | undefined {
      const s = getSubaccount(ctx, id);
      return s === undefined ? undefined : computeRisk(ctx, config, s, accountPositions(ctx, id));
    },

    /**
     * Whether the account may make these trades. It must meet initial margin afterwards, or,
     * when every trade only shrinks a position, its collateralisation (equity / initial
     * margin) must not get worse. Either way no trade may leave it below zero equity: a fill
     * beyond its bankruptcy price would hand its loss to the insurance fund.
     */
    meetsInitialMargin(ctx: RiskContext, id: AccountId, deltas: readonly TradeDelta[]): boolean {
      const s = getSubaccount(ctx, id);
      if (s === undefined) return false;
      const stored = accountPositions(ctx, id);
      const positions = new Map(stored.map((p) => [p.market, p]));
      let quote = BigInt(s.quoteBalance);
      let onlyReducing = true;
      for (const d of deltas) {
        const p = positions.get(d.market.id) ?? emptyPosition(id, d.market.id);
        if (!reducesOnly(p.size, d.sizeDelta)) onlyReducing = false;
        positions.set(d.market.id, applyDelta(p, d.sizeDelta, d.cost));
        quote -= d.cost + d.fee;
      }
      const after = computeRisk(ctx, config, { ...s, quoteBalance: quote.toString() }, [...positions.values()]);
      let before: AccountRisk | undefined;
      // A stale mark cannot back value leaving the account (withdrawals wait for a fresh one):
      // while it still holds a stale-priced position, no trade may lower its equity beyond the fees.
      if (after.positions.some((p) => p.stale)) {
        before = computeRisk(ctx, config, s, stored);
        const fees = deltas.reduce((sum, d) => sum + d.fee, 0n);
        if (after.equity + fees < before.equity) return false;
      }
      if (after.equity >= after.im) return true;
      if (!onlyReducing || after.equity < 0n) return false;
      return notLessCollateralised(before ?? computeRisk(ctx, config, s, stored), after);
    },

    /** Books one side of a fill: position, quote balance, and the fee to the fee collector. */
    applyTrade(ctx: Context, id: AccountId, d: TradeDelta): void {
      const s = requireSubaccount(ctx, id);
      const p = getPosition(ctx, id, d.market.id) ?? emptyPosition(id, d.market.id);
      setPosition(ctx, applyDelta(p, d.sizeDelta, d.cost));
      addQuote(ctx, s, -(d.cost + d.fee));
      if (d.fee > 0n) bank.sendCoins(ctx, marginAddress(), config.feeCollector, coin(d.fee));
    },

    /** Moves quote between a subaccount and the insurance fund (+ into the account). */
    transferWithInsurance(ctx: Context, id: AccountId, amount: bigint): void {
      if (amount === 0n) return;
      const s = requireSubaccount(ctx, id);
      if (amount > 0n) bank.sendCoins(ctx, insuranceAddress(), marginAddress(), coin(amount));
      else bank.sendCoins(ctx, marginAddress(), insuranceAddress(), coin(-amount));
      addQuote(ctx, s, amount);
    },

    insuranceBalance(src: StoreSource): bigint {
      return bank.getBalance(src, insuranceAddress(), COLLATERAL_DENOM);
    },

    /**
     * An account left in debt without positions (a liquidation whose deficit the insurance fund
     * could not cover in full and no counterparty could absorb) is covered by the fund as soon as
     * it can. Nobody else waits for it: withdrawals are never halted chain-wide.
     */
    coverDebt(ctx: Context, id: AccountId): void {
      const s = getSubaccount(ctx, id);
      const debt = s === undefined ? 0n : -BigInt(s.quoteBalance);
      if (debt <= 0n || accountPositions(ctx, id).length > 0) return;
      const fund = keeper.insuranceBalance(ctx);
      const cover = fund < debt ? fund : debt;
      if (cover <= 0n) return;
      keeper.transferWithInsurance(ctx, id, cover);
      ctx.events.emit("shortfall_covered", [
        ["owner", id.owner],
        ["subaccount", String(id.number)],
        ["amount", cover.toString()],
      ]);
    },

    /** Rounding surplus (quote taken from accounts beyond what others received) goes to the insurance fund. */
    sweepToInsurance(ctx: Context, amount: bigint): void {
      if (amount > 0n) bank.sendCoins(ctx, marginAddress(), insuranceAddress(), coin(amount));
    },

    /** Adds to an account's quote balance without moving coins: one leg of a zero-sum transfer. */
    adjustQuote(src: StoreSource, id: AccountId, amount: bigint): void {
      if (amount >= 0n) {
        // Credited: its risk is unchanged or better, and the risk index's band for it still holds.
        const s = requireSubaccount(src, id);
        setSubaccount(src, { ...s, quoteBalance: (BigInt(s.quoteBalance) + amount).toString() }, "unchanged or better");
        return;
      }
      addQuote(src, requireSubaccount(src, id), amount);
    },

    setPosition: (src: StoreSource, p: Position) => setPosition(src, p),
    getPosition: (src: StoreSource, id: AccountId, market: string) => getPosition(src, id, market),
  };
  return keeper;
}

export type MarginLedger = ReturnType<typeof createMarginLedger>;
