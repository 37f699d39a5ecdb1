/** What staking needs from bank and auth: balances, transfers, and module account addresses. */
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Coin } from "../../chain/runtime/coins.js";
import type { Context } from "../../chain/runtime/types.js";

export interface StakingBankKeeper {
  getBalance(src: StoreSource, address: string, denom: string): bigint;
  getAllBalances(src: StoreSource, address: string): Coin[];
  sendCoins(ctx: Context, from: string, to: string, coins: readonly Coin[]): void;
}

export interface StakingAccountKeeper {
  moduleAddress(name: string): string;
}
