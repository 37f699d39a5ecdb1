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
import {
  BRIDGE_ACCOUNT,
  createBridgeKeeper,
  markExitTouched,
  type BridgeKeeper,
} from "../../../../modules/bridge/index.js";

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
  /**
   * Entries the equities keeper yields; principal defaults to the whole equity (free uusdc).
   * An account with a `holder` entry holds a position: its equity may change unmarked.
   */
  equities: { account: string; equity: bigint; principal?: bigint; holder?: boolean }[];
  pubKeys: Map<string, Uint8Array>;
  /** Accounts whose entries the keeper asked for one by one, in order (tests clear it). */
  reads: string[];
  /** Gives an account uusdc that never came from L1 (a genesis balance). */
  fund(address: string, amount: bigint): void;
  snapshot(): string;
  store: ReturnType<typeof createMemoryKV>;
}

/**
 * Validators: operator addr(100 + i) with the given powers. The equities keeper reports as
 * changed exactly the accounts whose entries differ from the last checkpoint's (a key set
 * in `pubKeys` marks its account as the ante does); or,
 * with `touched`, the accounts the caller put there (a benchmark that knows what it changed,
 * and should not time a comparison of every account).
 */
export function createBridgeFixture(
  powers: bigint[] = [1n, 1n, 1n],
  options: { touched?: Set<string> } = {},
): BridgeFixture {
  const { touched } = options;
  const store = createMemoryKV();
  const accounts = createAccountKeeper({ moduleAccounts: { [BRIDGE_ACCOUNT]: ["minter", "burner"] } });
  const bank = createBankKeeper(accounts);
  const powerMap = new Map(powers.map((p, i) => [addr(100 + i), p]));
  const equities: BridgeFixture["equities"] = [];
  // A key first stored marks its account, as the ante does in the app.
  const pubKeys = new (class extends Map<string, Uint8Array> {
    override set(account: string, key: Uint8Array): this {
      markExitTouched(ctxAt(height), account);
      return super.set(account, key);
    }
  })();
  let height = 1n;
  const ctxAt = (h: bigint) =>
    createContext({
      block: { chainId: "strike-test", height: h, time: { seconds: 1_700_000_000n + h, nanos: 0 } },
      mode: "finalize",
      store,
      gasMeter: createGasMeter(undefined),
    });
  const entries = () =>
    equities.map((e) => ({ account: e.account, equity: e.equity, principal: e.principal ?? e.equity }));
  /** Each account's entries, as text: a holder's equity moves with the marks, unmarked. */
  const seen = () => {
    const out = new Map<string, string>();
    for (const e of equities)
      out.set(
        e.account,
        `${out.get(e.account) ?? ""}${e.holder === true ? "holder" : `${e.equity}/${e.principal ?? e.equity}`};`,
      );
    return out;
  };
  let lastSeen = new Map<string, string>();
  const reads: string[] = [];
  // With `touched` (one entry per account, edited in place): entries by account, rebuilt when accounts are added.
  let index: Map<string, { account: string; equity: bigint; principal?: bigint }[]> | undefined;
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
      equities: () => entries(),
      equitiesOf: (_ctx, account) => {
        reads.push(account);
        if (touched === undefined) return entries().filter((e) => e.account === account);
        if (index === undefined || index.size !== equities.length) {
          index = new Map();
          for (const e of equities) index.set(e.account, [...(index.get(e.account) ?? []), e]);
        }
        return (index.get(account) ?? []).map((e) => ({ equity: e.equity, principal: e.principal ?? e.equity }));
      },
      // As margin marks its writes: exactly the accounts whose entries differ from what they
      // were at the last clear (not a holder's equity, which moves with the marks).
      changedAccounts: () => {
        if (touched !== undefined) return [...touched];
        const now = seen();
        return [...new Set([...now.keys(), ...lastSeen.keys()])].filter((a) => now.get(a) !== lastSeen.get(a));
      },
      clearChanged: () => {
        if (touched !== undefined) touched.clear();
        else lastSeen = seen();
      },
      holders: () => [...new Set(equities.filter((e) => e.holder === true).map((e) => e.account))],
      pubKey: (_src, a) => pubKeys.get(a),
    },
  });
  return {
    keeper,
    store,
    reads,
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
