/** What bank needs from auth: creating recipient accounts on first receipt and resolving module accounts. */
import type { StoreSource } from "../../chain/runtime/collection.js";

export interface BankAccountKeeper<A extends { address: string } = { address: string }> {
  hasAccount(src: StoreSource, address: string): boolean;
  newAccount(src: StoreSource, address: string): A;
  setAccount(src: StoreSource, account: A): void;
  moduleAddress(name: string): string;
  isModuleAddress(address: string): boolean;
  /** A module account's permissions ("minter", "burner"); mint and burn need them. */
  modulePermissions?(name: string): readonly string[];
}
