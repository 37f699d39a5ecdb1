/** What the bridge needs from other modules, as small interfaces wired in app/strikeApp.ts. */
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Coin } from "../../chain/runtime/coins.js";
import type { Context } from "../../chain/runtime/types.js";

export interface BridgeBankKeeper {
  getBalance(src: StoreSource, address: string, denom: string): bigint;
  sendCoins(ctx: Context, from: string, to: string, coins: readonly Coin[]): void;
  mintCoins(ctx: Context, moduleName: string, coins: readonly Coin[]): void;
  burnCoins(ctx: Context, moduleName: string, coins: readonly Coin[]): void;
  moduleAddress(name: string): string;
}

/** Staking (and the oracle's feeder registry): who attests for which validator, with what power. */
export interface AttesterPowers {
  /** The bonded validator this account attests for (its operator or registered feeder), with its power. */
  validatorOf(src: StoreSource, attester: string): { validator: string; power: bigint } | undefined;
  totalPower(src: StoreSource): bigint;
}

/** Bank, margin and auth: each account's equity for the exit tree. */
export interface AccountEquities {
  /**
   * Every non-module account holding uusdc or margin collateral, with its equity: free uusdc
   * plus each subaccount's collateral and unrealised PnL at the marks, each subaccount
   * floored at zero. `principal` (0 ≤ principal ≤ equity) is the part that is not
   * unrealised profit: free uusdc, and a subaccount's collateral up to its equity. Any
   * order; one entry per account or several (they are summed).
   */
  equities(ctx: Context): Iterable<{ account: string; equity: bigint; principal: bigint }>;
  /** One account's entries, as `equities` gives them for it. */
  equitiesOf(ctx: Context, account: string): Iterable<{ equity: bigint; principal: bigint }>;
  /**
   * Accounts whose entries may have changed since `clearChanged` for reasons the bridge's own
   * marks (free uusdc, exit address, key) do not see: margin's writes. Any order; repeats allowed.
   */
  changedAccounts(ctx: Context): Iterable<string>;
  clearChanged(ctx: Context): void;
  /** Every account holding a position now (its equity follows the marks), each once. */
  holders(ctx: Context): Iterable<string>;
  /** The account's secp256k1 public key (33 bytes compressed), when it has signed a tx. */
  pubKey(src: StoreSource, account: string): Uint8Array | undefined;
}
