/** The bank keeper: the only writer of balances and supply. Emits Cosmos' coin_spent/coin_received/transfer events. */
import type { Metadata } from "cosmjs-types/cosmos/bank/v1beta1/bank";
import type { StoreSource } from "../../chain/runtime/collection.js";
import { formatCoins, type Coin } from "../../chain/runtime/coins.js";
import type { Context } from "../../chain/runtime/types.js";
import { sdkErrors } from "../../chain/types/errors.js";
import { bankErrors } from "./errors.js";
import type { BankAccountKeeper } from "./expectedKeepers.js";
import {
  addressBalancePrefix,
  balances,
  denomMetadata,
  params,
  amountValue,
  sendEnabled,
  storedAmount,
  storedBalancePrefix,
  supply,
  type BankParams,
} from "./state.js";

export interface BankKeeper {
  getBalance(src: StoreSource, address: string, denom: string): bigint;
  getAllBalances(src: StoreSource, address: string): Coin[];
  /** Moves coins between accounts, creating the recipient's account if new. */
  sendCoins(ctx: Context, from: string, to: string, coins: readonly Coin[]): void;
  sendCoinsFromAccountToModule(ctx: Context, from: string, moduleName: string, coins: readonly Coin[]): void;
  /**
   * For a store key a tx wrote from `before` to `after`: the amount it added, when the key is
   * one of module account `moduleName`'s balances and the balance grew; undefined otherwise.
   */
  moduleCredit(
    moduleName: string,
    key: Uint8Array,
    before: Uint8Array | undefined,
    after: Uint8Array | undefined,
  ): bigint | undefined;
  /** A stored balance value (undefined: none) with `amount` added, as stored. */
  creditedBalance(held: Uint8Array | undefined, amount: bigint): Uint8Array;
  /** Creates coins in a module account with the "minter" permission (the bridge crediting L1 deposits). */
  mintCoins(ctx: Context, moduleName: string, coins: readonly Coin[]): void;
  /** Destroys coins held by a module account with the "burner" permission (bridge withdrawals). */
  burnCoins(ctx: Context, moduleName: string, coins: readonly Coin[]): void;
  /** One sender, many recipients (MsgMultiSend); the caller checked inputs = outputs. */
  inputOutputCoins(
    ctx: Context,
    input: { address: string; coins: readonly Coin[] },
    outputs: readonly { address: string; coins: readonly Coin[] }[],
  ): void;
  /** Genesis only: credits an account without touching supply. */
  setBalance(src: StoreSource, address: string, coin: Coin): void;
  getSupply(src: StoreSource, denom: string): bigint;
  setSupply(src: StoreSource, coin: Coin): void;
  iterateSupply(src: StoreSource): IterableIterator<[string, bigint]>;
  iterateBalances(src: StoreSource): IterableIterator<[[string, string], bigint]>;
  getDenomMetadata(src: StoreSource, denom: string): Metadata | undefined;
  setDenomMetadata(src: StoreSource, m: Metadata): void;
  iterateDenomMetadata(src: StoreSource): IterableIterator<[string, Metadata]>;
  isSendEnabled(src: StoreSource, denom: string): boolean;
  setSendEnabled(src: StoreSource, denom: string, enabled: boolean): void;
  iterateSendEnabled(src: StoreSource): IterableIterator<[string, boolean]>;
  params(src: StoreSource): BankParams;
  setParams(src: StoreSource, p: BankParams): void;
  /** Addresses that may not receive funds by MsgSend (module accounts), as Cosmos' blockedAddrs. */
  isBlockedAddress(address: string): boolean;
}

export interface BankHooks {
  /**
   * After every write of an account's balance of one denom (genesis included), in the same
   * store: the bridge marks the accounts whose exit claim may have changed.
   */
  balanceWritten?(src: StoreSource, address: string, denom: string): void;
}

export function createBankKeeper<A extends { address: string }>(
  accountKeeper: BankAccountKeeper<A>,
  hooks: BankHooks = {},
): BankKeeper {
  const { balanceWritten } = hooks;
  /** `amount` is formatCoins(coins), when the caller has it already (a transfer's three events name it). */
  function subtract(ctx: Context, address: string, coins: readonly Coin[], amount = formatCoins(coins)): void {
    for (const c of coins) {
      const have = keeper.getBalance(ctx, address, c.denom);
      if (have < c.amount) {
        throw sdkErrors.insufficientFunds(`spendable balance ${have}${c.denom} is smaller than ${c.amount}${c.denom}`);
      }
      writeBalance(ctx, address, c.denom, have - c.amount);
    }
    ctx.events.emit("coin_spent", [
      ["spender", address],
      ["amount", amount],
    ]);
  }

  /** `amount` as for subtract. */
  function add(ctx: Context, address: string, coins: readonly Coin[], amount = formatCoins(coins)): void {
    for (const c of coins) writeBalance(ctx, address, c.denom, keeper.getBalance(ctx, address, c.denom) + c.amount);
    ctx.events.emit("coin_received", [
      ["receiver", address],
      ["amount", amount],
    ]);
  }

  // Zero balances are deleted, as x/bank does, so that state holds only what exists.
  function writeBalance(src: StoreSource, address: string, denom: string, amount: bigint): void {
    if (amount === 0n) balances.delete(src, [address, denom]);
    else balances.set(src, [address, denom], amount);
    balanceWritten?.(src, address, denom);
  }

  function requirePermission(moduleName: string, permission: string): void {
    if (!(accountKeeper.modulePermissions?.(moduleName) ?? []).includes(permission))
      throw sdkErrors.unauthorized(`module account ${moduleName} lacks the ${permission} permission`);
  }

  function ensureAccount(ctx: Context, address: string): void {
    if (!accountKeeper.hasAccount(ctx, address)) accountKeeper.setAccount(ctx, accountKeeper.newAccount(ctx, address));
  }

  /** Store-key prefixes of module accounts' balances, by module name (the names are the app's, a handful). */
  const moduleBalancePrefixes = new Map<string, Uint8Array>();
  const keeper: BankKeeper = {
    getBalance: (src, address, denom) => balances.get(src, [address, denom]) ?? 0n,
    getAllBalances(src, address) {
      const out: Coin[] = [];
      for (const [[, denom], amount] of balances.iterate(src, addressBalancePrefix(address)))
        out.push({ denom, amount });
      return out;
    },
    sendCoins(ctx, from, to, coins) {
      const amount = formatCoins(coins);
      subtract(ctx, from, coins, amount);
      add(ctx, to, coins, amount);
      ensureAccount(ctx, to);
      ctx.events.emit("transfer", [
        ["recipient", to],
        ["sender", from],
        ["amount", amount],
      ]);
      ctx.events.emit("message", [["sender", from]]);
    },
    sendCoinsFromAccountToModule(ctx, from, moduleName, coins) {
      keeper.sendCoins(ctx, from, accountKeeper.moduleAddress(moduleName), coins);
    },
    moduleCredit(moduleName, key, before, after) {
      let prefix = moduleBalancePrefixes.get(moduleName);
      if (prefix === undefined) {
        prefix = storedBalancePrefix(accountKeeper.moduleAddress(moduleName));
        moduleBalancePrefixes.set(moduleName, prefix);
      }
      if (key.length <= prefix.length || after === undefined) return undefined;
      for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return undefined;
      const added = storedAmount(after) - storedAmount(before);
      return added > 0n ? added : undefined;
    },
    creditedBalance: (held, amount) => amountValue(storedAmount(held) + amount),
    mintCoins(ctx, moduleName, coins) {
      requirePermission(moduleName, "minter");
      const address = accountKeeper.moduleAddress(moduleName);
      add(ctx, address, coins);
      for (const c of coins)
        keeper.setSupply(ctx, { denom: c.denom, amount: keeper.getSupply(ctx, c.denom) + c.amount });
      ctx.events.emit("coinbase", [
        ["minter", address],
        ["amount", formatCoins(coins)],
      ]);
    },
    burnCoins(ctx, moduleName, coins) {
      requirePermission(moduleName, "burner");
      const address = accountKeeper.moduleAddress(moduleName);
      subtract(ctx, address, coins);
      for (const c of coins)
        keeper.setSupply(ctx, { denom: c.denom, amount: keeper.getSupply(ctx, c.denom) - c.amount });
      ctx.events.emit("burn", [
        ["burner", address],
        ["amount", formatCoins(coins)],
      ]);
    },
    inputOutputCoins(ctx, input, outputs) {
      subtract(ctx, input.address, input.coins);
      ctx.events.emit("message", [["sender", input.address]]);
      for (const out of outputs) {
        add(ctx, out.address, out.coins);
        ctx.events.emit("transfer", [
          ["recipient", out.address],
          ["sender", input.address],
          ["amount", formatCoins(out.coins)],
        ]);
        ensureAccount(ctx, out.address);
      }
    },
    setBalance: (src, address, coin) => writeBalance(src, address, coin.denom, coin.amount),
    getSupply: (src, denom) => supply.get(src, denom) ?? 0n,
    setSupply(src, coin) {
      if (coin.amount === 0n) supply.delete(src, coin.denom);
      else supply.set(src, coin.denom, coin.amount);
    },
    iterateSupply: (src) => supply.iterate(src),
    iterateBalances: (src) => balances.iterate(src),
    getDenomMetadata: (src, denom) => denomMetadata.get(src, denom),
    setDenomMetadata: (src, m) => denomMetadata.set(src, m.base, m),
    iterateDenomMetadata: (src) => denomMetadata.iterate(src),
    isSendEnabled: (src, denom) => sendEnabled.get(src, denom) ?? keeper.params(src).defaultSendEnabled,
    setSendEnabled: (src, denom, enabled) => sendEnabled.set(src, denom, enabled),
    iterateSendEnabled: (src) => sendEnabled.iterate(src),
    params: (src) => params.get(src) ?? { defaultSendEnabled: true },
    setParams: (src, p) => params.set(src, p),
    isBlockedAddress: (address) => accountKeeper.isModuleAddress(address),
  };
  return keeper;
}

export function assertSendEnabled(src: StoreSource, keeper: BankKeeper, coins: readonly Coin[]): void {
  for (const c of coins) {
    if (!keeper.isSendEnabled(src, c.denom))
      throw bankErrors.sendDisabled(`${c.denom} transfers are currently disabled`);
  }
}
