/**
 * The bridge keeper over real auth and bank keepers on the in-memory store, with validator
 * powers and account equities given by the test. Each message runs atomically, as in a tx.
 */
import { addressToBech32, moduleAddressBytes } from "../../../../chain/crypto/address.js";
import type { DepositAttestation } from "../../../../chain/codec/generated/strike/bridge/v1/bridge.js";
import { createContext } from "../../../../chain/runtime/context.js";
import { createGasMeter } from "../../../../chain/runtime/gas.js";
import type { Context } from "../../../../chain/runtime/types.js";
import { createMemoryKV } from "../../../../chain/store/memoryKv.js";
import { toHex } from "../../../../chain/types/bytes.js";
import { createAccountKeeper } from "../../../../modules/auth/index.js";
import { createBankKeeper } from "../../../../modules/bank/index.js";
import { BRIDGE_ACCOUNT, createBridgeKeeper, type BridgeKeeper } from "../../../../modules/bridge/index.js";

export const addr = (n: number): string => addressToBech32(new Uint8Array(20).fill(n));
export const l1Addr = (n: number): string => `0x${toHex(new Uint8Array(20).fill(n))}`;
export const BRIDGE_ADDRESS = addressToBech32(moduleAddressBytes(BRIDGE_ACCOUNT));

export interface BridgeFixture {
  keeper: BridgeKeeper;
  ctx(): Context;
  /** Runs fn atomically in a new block; rethrows its error (its writes dropped). */
  tx<T>(fn: (ctx: Context) => T): T;
  balance(address: string): bigint;
  supply(): bigint;
  powers: Map<string, bigint>;
  /** Entries the equities keeper yields; principal defaults to the whole equity (free uusdc). */
  equities: { account: string; equity: bigint; principal?: bigint }[];
  pubKeys: Map<string, Uint8Array>;
  /** Gives an account uusdc that never came from L1 (a genesis balance). */
  fund(address: string, amount: bigint): void;
  snapshot(): string;
  store: ReturnType<typeof createMemoryKV>;
}

/** Validators: operator addr(100 + i) with the given powers. */
export function createBridgeFixture(powers: bigint[] = [1n, 1n, 1n]): BridgeFixture {
  const store = createMemoryKV();
  const accounts = createAccountKeeper({ moduleAccounts: { [BRIDGE_ACCOUNT]: ["minter", "burner"] } });
  const bank = createBankKeeper(accounts);
  const powerMap = new Map(powers.map((p, i) => [addr(100 + i), p]));
  const equities: { account: string; equity: bigint; principal?: bigint }[] = [];
  const pubKeys = new Map<string, Uint8Array>();
  let height = 1n;
  const ctxAt = (h: bigint) =>
    createContext({
      block: { chainId: "strike-test", height: h, time: { seconds: 1_700_000_000n + h, nanos: 0 } },
      mode: "finalize",
      store,
      gasMeter: createGasMeter(undefined),
    });
  const keeper = createBridgeKeeper({
    bank: {
      getBalance: (src, a, d) => bank.getBalance(src, a, d),
      sendCoins: (ctx, f, t, c) => bank.sendCoins(ctx, f, t, c),
      mintCoins: (ctx, m, c) => bank.mintCoins(ctx, m, c),
      burnCoins: (ctx, m, c) => bank.burnCoins(ctx, m, c),
      moduleAddress: (n) => accounts.moduleAddress(n),
    },
    attesters: {
      validatorOf: (_src, a) => {
        const power = powerMap.get(a);
        return power === undefined ? undefined : { validator: a, power };
      },
      totalPower: () => [...powerMap.values()].reduce((s, p) => s + p, 0n),
    },
    equities: {
      equities: () =>
        equities.map((e) => ({ account: e.account, equity: e.equity, principal: e.principal ?? e.equity })),
      pubKey: (_src, a) => pubKeys.get(a),
    },
  });
  return {
    keeper,
    store,
    powers: powerMap,
    equities,
    pubKeys,
    ctx: () => ctxAt(height),
    tx(fn) {
      height++;
      return ctxAt(height).atomic(fn);
    },
    balance: (a) => bank.getBalance(ctxAt(height), a, "uusdc"),
    supply: () => bank.getSupply(ctxAt(height), "uusdc"),
    fund(a, amount) {
      const c = ctxAt(height);
      bank.setBalance(c, a, { denom: "uusdc", amount: bank.getBalance(c, a, "uusdc") + amount });
      bank.setSupply(c, { denom: "uusdc", amount: bank.getSupply(c, "uusdc") + amount });
    },
    snapshot: () =>
      JSON.stringify([...store.iterator(new Uint8Array(0), undefined)].map(([k, v]) => [toHex(k), toHex(v)])),
  };
}

export function deposit(
  nonce: bigint,
  recipient: string,
  amount: bigint,
  over: Partial<DepositAttestation> = {},
): DepositAttestation {
  return {
    nonce,
    l1Sender: l1Addr(7),
    recipient,
    amount: amount.toString(),
    l1TxHash: `0x${nonce.toString(16).padStart(64, "0")}`,
    l1Block: 10n + nonce,
    ...over,
  };
}

/** Every validator attests; returns whether the last vote credited it. */
export function attestAll(f: BridgeFixture, d: DepositAttestation): boolean {
  let credited = false;
  for (const v of f.powers.keys()) {
    if (credited) break;
    credited = f.tx((ctx) => f.keeper.attestDeposit(ctx, v, d)).credited;
  }
  return credited;
}
