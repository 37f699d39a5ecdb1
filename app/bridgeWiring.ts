/**
 * The bridge's expected keepers, adapted from auth, bank, staking, the oracle's feeder
 * registry and margin. Kept out of strikeApp.ts so that file only names the module.
 */
import type { Context } from "../chain/runtime/types.js";
import type { StoreSource } from "../chain/runtime/collection.js";
import type { AccountKeeper } from "../modules/auth/index.js";
import type { BankKeeper } from "../modules/bank/index.js";
import {
  BRIDGE_DENOM,
  createBridgeKeeper,
  type AccountEquities,
  type AttesterPowers,
  type BridgeKeeper,
} from "../modules/bridge/index.js";
import type { MarginKeeper } from "../modules/margin/index.js";
import { validatorOfFeeder } from "../modules/oracle/index.js";

interface StakingPowers {
  bondedPowerOf(src: StoreSource, operator: string): bigint;
  totalBondedPower(src: StoreSource): bigint;
}

export function createBridgeKeeperFor(deps: {
  accounts: AccountKeeper;
  bank: BankKeeper;
  staking: StakingPowers;
  margin: MarginKeeper;
}): BridgeKeeper {
  const { accounts, bank, staking, margin } = deps;
  // A validator attests from its operator account or from the feeder (hot) key its node holds.
  const attesters: AttesterPowers = {
    validatorOf(src, attester) {
      const operator = validatorOfFeeder(src, attester) ?? attester;
      const power = staking.bondedPowerOf(src, operator);
      return power > 0n ? { validator: operator, power } : undefined;
    },
    totalPower: (src) => staking.totalBondedPower(src),
  };
  // A subaccount's entry: its equity at the marks, of which the collateral (up to the equity) is
  // principal and what the marks add on top is profit; none when floored at zero.
  const subaccountEquity = (ctx: Context, s: { owner: string; number: number }) => {
    const risk = margin.accountRisk(ctx, { owner: s.owner, number: s.number });
    if (risk === undefined || risk.equity <= 0n) return undefined;
    const collateral = risk.quoteBalance > 0n ? risk.quoteBalance : 0n;
    return { equity: risk.equity, principal: collateral < risk.equity ? collateral : risk.equity };
  };
  const equities: AccountEquities = {
    *equities(ctx: Context) {
      for (const [[address, denom], amount] of bank.iterateBalances(ctx)) {
        if (denom === BRIDGE_DENOM && !accounts.isModuleAddress(address))
          yield { account: address, equity: amount, principal: amount };
      }
      for (const s of margin.subaccounts(ctx)) {
        const e = subaccountEquity(ctx, s);
        if (e !== undefined) yield { account: s.owner, ...e };
      }
    },
    *equitiesOf(ctx: Context, account: string) {
      if (!accounts.isModuleAddress(account)) {
        const free = bank.getBalance(ctx, account, BRIDGE_DENOM);
        if (free > 0n) yield { equity: free, principal: free };
      }
      for (const s of margin.subaccounts(ctx, account)) {
        const e = subaccountEquity(ctx, s);
        if (e !== undefined) yield e;
      }
    },
    changedAccounts: (ctx) => margin.equityTouchedOwners(ctx),
    clearChanged: (ctx) => margin.clearEquityTouched(ctx),
    holders: (ctx) => margin.positionOwners(ctx),
    pubKey: (src, account) => accounts.getAccount(src, account)?.pubKey,
  };
  return createBridgeKeeper({
    bank: {
      getBalance: (src, address, denom) => bank.getBalance(src, address, denom),
      sendCoins: (ctx, from, to, coins) => bank.sendCoins(ctx, from, to, coins),
      mintCoins: (ctx, name, coins) => bank.mintCoins(ctx, name, coins),
      burnCoins: (ctx, name, coins) => bank.burnCoins(ctx, name, coins),
      moduleAddress: (name) => accounts.moduleAddress(name),
    },
    attesters,
    equities,
  });
}
