/** The account keeper: the only writer of auth state. */
import { addressToBech32, moduleAddressBytes } from "../../chain/crypto/address.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import { sdkErrors } from "../../chain/types/errors.js";
import { DEFAULT_AUTH_PARAMS, accounts, nextAccountNumber, params, type Account, type AuthParams } from "./state.js";

export interface AccountKeeperConfig {
  /** Module accounts and their permissions (e.g. fee_collector: []). */
  moduleAccounts: Readonly<Record<string, readonly string[]>>;
}

export interface AccountKeeper {
  getAccount(src: StoreSource, address: string): Account | undefined;
  hasAccount(src: StoreSource, address: string): boolean;
  setAccount(src: StoreSource, account: Account): void;
  /** A fresh account with the next account number (not stored until setAccount). */
  newAccount(src: StoreSource, address: string): Account;
  /** The module's account, created on first use as Cosmos' GetModuleAccount does. */
  getModuleAccount(src: StoreSource, name: string): Account;
  moduleAddress(name: string): string;
  isModuleAddress(address: string): boolean;
  modulePermissions(name: string): readonly string[];
  params(src: StoreSource): AuthParams;
  setParams(src: StoreSource, p: AuthParams): void;
  iterateAccounts(src: StoreSource): IterableIterator<[string, Account]>;
  peekNextAccountNumber(src: StoreSource): bigint;
  setNextAccountNumber(src: StoreSource, n: bigint): void;
}

export function createAccountKeeper(config: AccountKeeperConfig): AccountKeeper {
  const moduleAddresses = new Map<string, string>();
  for (const name of Object.keys(config.moduleAccounts).sort())
    moduleAddresses.set(name, addressToBech32(moduleAddressBytes(name)));
  const moduleNamesByAddress = new Map([...moduleAddresses].map(([name, addr]) => [addr, name]));

  const keeper: AccountKeeper = {
    getAccount: (src, address) => accounts.get(src, address),
    hasAccount: (src, address) => accounts.has(src, address),
    setAccount: (src, account) => accounts.set(src, account.address, account),
    newAccount(src, address) {
      const accountNumber = keeper.peekNextAccountNumber(src);
      nextAccountNumber.set(src, accountNumber + 1n);
      return { address, pubKey: undefined, accountNumber, sequence: 0n };
    },
    getModuleAccount(src, name) {
      const address = keeper.moduleAddress(name);
      const existing = accounts.get(src, address);
      if (existing !== undefined) return existing;
      const acc: Account = {
        ...keeper.newAccount(src, address),
        module: { name, permissions: [...(config.moduleAccounts[name] ?? [])] },
      };
      keeper.setAccount(src, acc);
      return acc;
    },
    moduleAddress(name) {
      const address = moduleAddresses.get(name);
      if (address === undefined) throw sdkErrors.unknownAddress(`module account ${name} is not registered`);
      return address;
    },
    isModuleAddress: (address) => moduleNamesByAddress.has(address),
    modulePermissions: (name) => config.moduleAccounts[name] ?? [],
    params: (src) => params.get(src) ?? DEFAULT_AUTH_PARAMS,
    setParams: (src, p) => params.set(src, p),
    iterateAccounts: (src) => accounts.iterate(src),
    peekNextAccountNumber: (src) => nextAccountNumber.get(src) ?? 0n,
    setNextAccountNumber: (src, n) => nextAccountNumber.set(src, n),
  };
  return keeper;
}
