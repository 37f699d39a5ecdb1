/**
 * A small chain of auth, bank, staking and slashing on the in-memory store, driven block
 * by block the way finalizeBlock will drive it once wired: begin block (fees, then the
 * last commit and evidence), messages (each atomic, as a tx), end block returning the
 * validator updates. Block h runs at GENESIS_TIME + h seconds plus any time skipped.
 */
import * as stx from "../../../../chain/codec/generated/strike/staking/v1/tx.js";
import { MsgUnjail } from "../../../../chain/codec/generated/strike/slashing/v1/tx.js";
import { addressToBech32, moduleAddressBytes } from "../../../../chain/crypto/address.js";
import { sha256 } from "../../../../chain/crypto/hash.js";
import { createEd25519Signer } from "../../../../chain/crypto/ed25519.js";
import { createContext, createQueryContext } from "../../../../chain/runtime/context.js";
import { createGasMeter } from "../../../../chain/runtime/gas.js";
import type { AppModule, Context, MsgRoute } from "../../../../chain/runtime/types.js";
import { createMemoryKV } from "../../../../chain/store/memoryKv.js";
import type { AbciEvent, ValidatorUpdate } from "../../../../chain/types/abci.js";
import { toHex, utf8 } from "../../../../chain/types/bytes.js";
import { createAccountKeeper, createAuthModule, type AccountKeeper } from "../../../../modules/auth/index.js";
import { defaultAuthGenesis } from "../../../../modules/auth/genesis.js";
import {
  createBankKeeper,
  createBankModule,
  defaultBankGenesis,
  type BankKeeper,
} from "../../../../modules/bank/index.js";
import {
  createSlashingKeeper,
  createSlashingModule,
  defaultSlashingGenesis,
  type CometInfo,
  type Misbehavior,
  type SlashingKeeper,
  type VoteInfo,
} from "../../../../modules/slashing/index.js";
import {
  BONDED_POOL,
  DISTRIBUTION_ACCOUNT,
  NOT_BONDED_POOL,
  addGenesisValidator,
  consAddressOf,
  createStakingKeeper,
  createStakingModule,
  defaultStakingGenesis,
  stakingPoolBalances,
  type StakingKeeper,
  type StakingModule,
} from "../../../../modules/staking/index.js";

export const GENESIS_TIME = 1_700_000_000n;
export const STRIKE = 1_000_000n;
export const MODULE_ACCOUNTS = ["fee_collector", BONDED_POOL, NOT_BONDED_POOL, DISTRIBUTION_ACCOUNT];
export const moduleAddr = (name: string): string => addressToBech32(moduleAddressBytes(name));
export const FEE_COLLECTOR = moduleAddr("fee_collector");

/** A deterministic account address: 20 bytes of `n`. */
export function addr(n: number): string {
  return addressToBech32(new Uint8Array(20).fill(n));
}

/** A deterministic 32-byte consensus key (staking never checks it is on the curve). */
const keys = new Map<number, Uint8Array>();

/** Validator n's consensus key: a real ed25519 public key (the staking module refuses anything else). */
export function pubKey(n: number): Uint8Array {
  let key = keys.get(n);
  if (key === undefined) {
    key = createEd25519Signer(sha256(utf8(`strike test consensus key ${n}`))).publicKey;
    keys.set(n, key);
  }
  return key;
}

export const consAddr = (n: number): Uint8Array => consAddressOf(pubKey(n));
export const hexConsAddr = (n: number): string => toHex(consAddr(n)).toUpperCase();

export interface GenesisValidatorSpec {
  /** Account index of the operator. */
  operator: number;
  strike: bigint;
  commission?: string;
}

export interface ChainOptions {
  /** Account indices funded with `balance` ustrike each (default 1..6). */
  funded?: number[];
  balance?: bigint;
  validators?: GenesisValidatorSpec[];
  staking?: Record<string, unknown>;
  slashing?: Record<string, unknown>;
  /** Extra ustrike in the bonded pool at genesis (to test the pool check). */
  bondedPoolSurplus?: bigint;
}

export interface MsgResult {
  ok: boolean;
  error?: unknown;
  events: AbciEvent[];
  response?: Uint8Array;
}

export interface BlockSpec {
  msgs?: { typeUrl: string; value: Uint8Array }[];
  /** Votes of the last commit; default: every validator of the last set signed. */
  votes?: VoteInfo[];
  misbehavior?: Misbehavior[];
  /** Seconds to skip ahead before this block. */
  skip?: bigint;
}

export interface BlockResult {
  updates: ValidatorUpdate[];
  results: MsgResult[];
  events: AbciEvent[];
}

export interface Chain {
  accounts: AccountKeeper;
  bank: BankKeeper;
  staking: StakingKeeper;
  slashing: SlashingKeeper;
  height: bigint;
  time: bigint;
  /** A context at the last block (reads, direct keeper calls in tests). */
  ctx(): Context;
  block(spec?: BlockSpec): BlockResult;
  blocks(n: number, spec?: Omit<BlockSpec, "msgs">): ValidatorUpdate[][];
  /** Runs one message in its own block. */
  send(msg: { typeUrl: string; value: Uint8Array }): MsgResult;
  /** Runs one message in the last block's context, without begin or end block (for "nothing changed" checks). */
  deliver(msg: { typeUrl: string; value: Uint8Array }): MsgResult;
  query(path: string, data: Uint8Array): Uint8Array;
  snapshot(): string;
}

export function stakingGenesisFor(
  specs: readonly GenesisValidatorSpec[],
  base?: Record<string, unknown>,
): Record<string, unknown> {
  let g: Record<string, unknown> = base ?? stakingTestGenesis();
  for (const s of specs)
    g = addGenesisValidator(g, {
      operator: addr(s.operator),
      consPubKey: pubKey(s.operator),
      moniker: `val-${s.operator}`,
      selfDelegation: s.strike * STRIKE,
      ...(s.commission === undefined
        ? {}
        : { commission: { rate: s.commission, maxRate: "0.5", maxChangeRate: "0.05" } }),
    });
  return g;
}

/** Short unbonding time and few validators, so tests can cross them. */
export function stakingTestGenesis(): Record<string, unknown> {
  const g = defaultStakingGenesis();
  return { ...g, params: { ...(g.params as object), unbonding_time_seconds: "100", max_validators: 3 } };
}

export function slashingTestGenesis(): Record<string, unknown> {
  const g = defaultSlashingGenesis();
  return {
    ...g,
    params: {
      ...(g.params as object),
      signed_blocks_window: "10",
      min_signed_per_window: "0.5",
      downtime_jail_duration_seconds: "60",
    },
  };
}

export function createChain(options: ChainOptions = {}): Chain {
  const store = createMemoryKV();
  const moduleAccounts = Object.fromEntries(MODULE_ACCOUNTS.map((n) => [n, [] as string[]]));
  const accounts = createAccountKeeper({ moduleAccounts });
  const bank = createBankKeeper(accounts);
  const staking = createStakingKeeper({ bank, accounts });
  const slashing = createSlashingKeeper(staking);
  let comet: CometInfo | undefined;
  const stakingModule: StakingModule = createStakingModule(staking);
  const modules: AppModule[] = [
    createAuthModule(accounts, MODULE_ACCOUNTS),
    createBankModule(bank),
    stakingModule,
    createSlashingModule(slashing, { cometInfo: () => comet }),
  ];
  const routes = new Map<string, MsgRoute<unknown>>();
  for (const m of modules) for (const r of m.msgs ?? []) routes.set(r.typeUrl, r);

  const stakingGenesis = stakingGenesisFor(options.validators ?? [], options.staking);
  const balances = (options.funded ?? [1, 2, 3, 4, 5, 6]).map((n) => ({
    address: addr(n),
    coins: [
      { denom: "ustrike", amount: (options.balance ?? 1_000_000n * STRIKE).toString() },
      { denom: "uusdc", amount: (1_000_000n * STRIKE).toString() },
    ],
  }));
  for (const p of stakingPoolBalances(stakingGenesis)) {
    if (p.module === BONDED_POOL) p.amount += options.bondedPoolSurplus ?? 0n;
    if (p.amount > 0n)
      balances.push({ address: p.address, coins: [{ denom: "ustrike", amount: p.amount.toString() }] });
  }
  const bankGenesis = { ...defaultBankGenesis(), balances };

  const chain: Chain = {
    accounts,
    bank,
    staking,
    slashing,
    height: 0n,
    time: GENESIS_TIME,
    ctx: () => makeCtx(chain.height, chain.time),
    block(spec = {}) {
      chain.height += 1n;
      chain.time += 1n + (spec.skip ?? 0n);
      const events: AbciEvent[] = [];
      const votes =
        spec.votes ??
        staking
          .bondedValidators(store2src())
          .map((v) => ({ validatorAddress: v.consAddress, power: v.power, signed: true }));
      comet = chain.height === 1n ? undefined : { lastCommit: { votes }, misbehavior: spec.misbehavior ?? [] };
      for (const m of modules) {
        const ctx = makeCtx(chain.height, chain.time);
        m.beginBlock?.(ctx);
        events.push(...ctx.events.events);
      }
      const results = (spec.msgs ?? []).map((m) => deliver(m));
      const endCtx = makeCtx(chain.height, chain.time);
      const updates = stakingModule.endBlock(endCtx);
      events.push(...endCtx.events.events);
      return { updates, results, events };
    },
    blocks(n, spec = {}) {
      const out: ValidatorUpdate[][] = [];
      for (let i = 0; i < n; i++) out.push(chain.block(spec).updates);
      return out;
    },
    send: (msg) => chain.block({ msgs: [msg] }).results[0]!,
    deliver: (msg) => deliver(msg),
    query(path, data) {
      for (const m of modules)
        for (const q of m.queries ?? [])
          if (q.path === path) return q.handle(createQueryContext(store, chain.height), data);
      throw new TypeError(`no query ${path}`);
    },
    snapshot: () => [...store.iterator()].map(([k, v]) => `${toHex(k)}=${toHex(v)}`).join("\n"),
  };

  function makeCtx(height: bigint, seconds: bigint, mode: "finalize" | "genesis" = "finalize"): Context {
    return createContext({
      block: { chainId: "strike-test-1", height, time: { seconds, nanos: 0 } },
      mode,
      store,
      gasMeter: createGasMeter(undefined),
    });
  }
  function store2src() {
    return createQueryContext(store, chain.height);
  }
  function deliver(m: { typeUrl: string; value: Uint8Array }): MsgResult {
    const route = routes.get(m.typeUrl);
    if (route === undefined) throw new TypeError(`no route ${m.typeUrl}`);
    const ctx = makeCtx(chain.height, chain.time);
    try {
      const msg = route.decode(m.value);
      route.validateBasic(msg);
      const res = ctx.atomic((inner) => route.handle(inner, msg));
      return { ok: true, events: [...ctx.events.events], response: res.value };
    } catch (error) {
      return { ok: false, error, events: [] };
    }
  }

  const genesisCtx = makeCtx(1n, GENESIS_TIME, "genesis");
  const appState: Record<string, unknown> = {
    auth: defaultAuthGenesis(),
    bank: bankGenesis,
    staking: stakingGenesis,
    slashing: options.slashing ?? slashingTestGenesis(),
  };
  for (const m of modules) m.initGenesis?.(genesisCtx, appState[m.name]);
  return chain;
}

const coin = (amount: bigint) => ({ denom: "ustrike", amount: amount.toString() });

export const msgs = {
  createValidator(
    operator: number,
    strike: bigint,
    o: { rate?: string; maxRate?: string; maxChange?: string; key?: number; moniker?: string; denom?: string } = {},
  ) {
    return {
      typeUrl: "/strike.staking.v1.MsgCreateValidator",
      value: stx.MsgCreateValidator.encode({
        operatorAddress: addr(operator),
        pubkey: pubKey(o.key ?? operator),
        moniker: o.moniker ?? `val-${operator}`,
        commissionRate: o.rate ?? "0.1",
        commissionMaxRate: o.maxRate ?? "0.2",
        commissionMaxChangeRate: o.maxChange ?? "0.01",
        selfDelegation: { ...coin(strike * STRIKE), denom: o.denom ?? "ustrike" },
      }).finish(),
    };
  },
  editValidator(operator: number, o: { moniker?: string; rate?: string }) {
    return {
      typeUrl: "/strike.staking.v1.MsgEditValidator",
      value: stx.MsgEditValidator.encode({
        operatorAddress: addr(operator),
        moniker: o.moniker ?? "",
        commissionRate: o.rate ?? "",
      }).finish(),
    };
  },
  delegate(delegator: number, validator: number, amount: bigint, denom = "ustrike") {
    return {
      typeUrl: "/strike.staking.v1.MsgDelegate",
      value: stx.MsgDelegate.encode({
        delegatorAddress: addr(delegator),
        validatorAddress: addr(validator),
        amount: { denom, amount: amount.toString() },
      }).finish(),
    };
  },
  undelegate(delegator: number, validator: number, amount: bigint) {
    return {
      typeUrl: "/strike.staking.v1.MsgUndelegate",
      value: stx.MsgUndelegate.encode({
        delegatorAddress: addr(delegator),
        validatorAddress: addr(validator),
        amount: coin(amount),
      }).finish(),
    };
  },
  withdrawRewards(delegator: number, validator: number) {
    return {
      typeUrl: "/strike.staking.v1.MsgWithdrawRewards",
      value: stx.MsgWithdrawRewards.encode({
        delegatorAddress: addr(delegator),
        validatorAddress: addr(validator),
      }).finish(),
    };
  },
  unjail(operator: number) {
    return {
      typeUrl: "/strike.slashing.v1.MsgUnjail",
      value: MsgUnjail.encode({ validatorAddress: addr(operator) }).finish(),
    };
  },
};

/** Updates as [key index, power] pairs (keys are pubKey(0..40)). */
export function describeUpdates(updates: readonly ValidatorUpdate[]): [number, bigint][] {
  return updates.map((u) => {
    for (let n = 0; n <= 40; n++) if (toHex(pubKey(n)) === toHex(u.pubKey)) return [n, u.power];
    throw new TypeError("update for an unknown key");
  });
}

/** Sum of every bank balance per denom, and the recorded supply. */
export function supplyCheck(chain: Chain): { balances: Map<string, bigint>; supply: Map<string, bigint> } {
  const ctx = chain.ctx();
  const balances = new Map<string, bigint>();
  for (const [[, denom], amount] of chain.bank.iterateBalances(ctx))
    balances.set(denom, (balances.get(denom) ?? 0n) + amount);
  return { balances, supply: new Map(chain.bank.iterateSupply(ctx)) };
}

export function balanceOf(chain: Chain, address: string, denom = "ustrike"): bigint {
  return chain.bank.getBalance(chain.ctx(), address, denom);
}

/** Moves fees into the fee collector, as the ante handler does for a tx. */
export function payFees(chain: Chain, from: number, amount: bigint, denom = "ustrike"): void {
  chain.bank.sendCoins(chain.ctx(), addr(from), FEE_COLLECTOR, [{ denom, amount }]);
}

/** Last-commit votes of the current set, with the validators of the given key indices not signing. */
export function votesMissing(chain: Chain, missing: readonly number[]): VoteInfo[] {
  const absent = new Set(missing.map((n) => toHex(consAddr(n))));
  return chain.staking
    .bondedValidators(chain.ctx())
    .map((v) => ({ validatorAddress: v.consAddress, power: v.power, signed: !absent.has(toHex(v.consAddress)) }));
}

export function doubleSign(n: number, power: bigint, height: bigint, seconds: bigint): Misbehavior {
  return {
    type: "duplicate_vote",
    validatorAddress: consAddr(n),
    power,
    height,
    time: { seconds, nanos: 0 },
    totalVotingPower: 0n,
  };
}
