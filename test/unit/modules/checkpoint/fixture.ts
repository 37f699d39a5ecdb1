/**
 * A small chain of auth, bank, staking, slashing and checkpoint on the in-memory store,
 * driven block by block as finalizeBlock drives it: each begin block sees the header's
 * app hash (here a hash of the height, not a real root) and the previous block's hash.
 */
import { Wallet, getBytes } from "ethers";
import { createContext } from "../../../../chain/runtime/context.js";
import { sha256 } from "../../../../chain/crypto/hash.js";
import { createGasMeter } from "../../../../chain/runtime/gas.js";
import type { AppModule, Context, MsgRoute } from "../../../../chain/runtime/types.js";
import { createMemoryKV } from "../../../../chain/store/memoryKv.js";
import type { AbciEvent } from "../../../../chain/types/abci.js";
import { utf8 } from "../../../../chain/types/bytes.js";
import { createAccountKeeper, createAuthModule } from "../../../../modules/auth/index.js";
import { defaultAuthGenesis } from "../../../../modules/auth/genesis.js";
import { createBankKeeper, createBankModule, defaultBankGenesis } from "../../../../modules/bank/index.js";
import { blsProofOfPossession, blsPublicKey, blsSecretKeyFromSeed } from "../../../../chain/l1/bls.js";
import {
  addGenesisBlsKey,
  addGenesisEthKey,
  setGenesisCheckpointScheme,
  createCheckpointKeeper,
  createCheckpointModule,
  defaultCheckpointGenesis,
  setGenesisL1Domain,
  type CheckpointKeeper,
} from "../../../../modules/checkpoint/index.js";
import { createSlashingKeeper, createSlashingModule } from "../../../../modules/slashing/index.js";
import {
  createStakingKeeper,
  createStakingModule,
  stakingPoolBalances,
  type StakingKeeper,
} from "../../../../modules/staking/index.js";
import {
  GENESIS_TIME,
  MODULE_ACCOUNTS,
  STRIKE,
  addr,
  slashingTestGenesis,
  stakingGenesisFor,
  type GenesisValidatorSpec,
} from "../staking/fixture.js";

export { STRIKE, addr };
export const CHAIN_ID = "strike-test-1";
export const L1_CHAIN_ID = 31337n;
export const SETTLEMENT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

/** A deterministic Ethereum key per validator index. */
export function ethWallet(n: number): Wallet {
  return new Wallet(
    `0x${sha256(utf8(`strike test eth key ${n}`)).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "")}`,
  );
}

/** A deterministic BLS secret key per validator index. */
const blsSecrets = new Map<number, Uint8Array>();
export function blsSecret(n: number): Uint8Array {
  let k = blsSecrets.get(n);
  if (k === undefined) {
    const seed = new Uint8Array(48);
    seed.set(sha256(utf8(`strike test bls key ${n}`)));
    k = blsSecretKeyFromSeed(seed);
    blsSecrets.set(n, k);
  }
  return k;
}

export const appHashAt = (h: bigint): Uint8Array => sha256(utf8(`app hash after ${h}`));
export const blockHashAt = (h: bigint): Uint8Array => sha256(utf8(`block ${h}`));

export interface CheckpointChainOptions {
  validators: GenesisValidatorSpec[];
  /** Validator indices whose Ethereum key is in genesis (default: all). */
  withKeys?: number[];
  interval?: bigint;
  /** The checkpoint params' keep_heights (default: the module's). */
  keepHeights?: bigint;
  /** Without it the genesis names no L1 domain. */
  domain?: boolean;
  /** "bls": the genesis signs with BLS keys, registered for `withBlsKeys` (default: all). */
  scheme?: "ecdsa" | "bls";
  withBlsKeys?: number[];
}

export interface MsgResult {
  ok: boolean;
  error?: unknown;
  response?: Uint8Array;
  events: AbciEvent[];
  /** Gas the message consumed, refused or not. */
  gasUsed: bigint;
}

export interface CheckpointChain {
  staking: StakingKeeper;
  checkpoint: CheckpointKeeper;
  height: bigint;
  /** What the bridge stub says is credited (every L1 deposit up to it); 0 unless a test sets it. */
  creditedDepositNonce: bigint;
  ctx(): Context;
  /** One block: begin block (records a checkpoint when due), the messages, end block. */
  block(msgs?: { typeUrl: string; value: Uint8Array }[]): MsgResult[];
  blocks(n: number): void;
  /** Runs a message in the last block's context, without begin or end block. */
  deliver(msg: { typeUrl: string; value: Uint8Array }): MsgResult;
  snapshot(): string;
}

export function createCheckpointChain(o: CheckpointChainOptions): CheckpointChain {
  const store = createMemoryKV();
  const moduleAccounts = Object.fromEntries(MODULE_ACCOUNTS.map((n) => [n, [] as string[]]));
  const accounts = createAccountKeeper({ moduleAccounts });
  const bank = createBankKeeper(accounts);
  const staking = createStakingKeeper({ bank, accounts });
  const slashing = createSlashingKeeper(staking);
  const zero = new Uint8Array(32);
  const checkpoint = createCheckpointKeeper({
    staking,
    bridge: {
      withdrawalRoot: () => zero,
      exitRoot: () => zero,
      creditedDepositNonce: () => chain.creditedDepositNonce,
    },
  });
  const stakingModule = createStakingModule(staking);
  const modules: AppModule[] = [
    createAuthModule(accounts, MODULE_ACCOUNTS),
    createBankModule(bank),
    stakingModule,
    createSlashingModule(slashing, { cometInfo: () => undefined }),
    createCheckpointModule(checkpoint),
  ];
  const routes = new Map<string, MsgRoute<unknown>>();
  for (const m of modules) for (const r of m.msgs ?? []) routes.set(r.typeUrl, r);

  const stakingGenesis = stakingGenesisFor(o.validators);
  const balances = [1, 2, 3, 4, 5, 6, 7].map((n) => ({
    address: addr(n),
    coins: [{ denom: "ustrike", amount: (1_000_000n * STRIKE).toString() }],
  }));
  for (const p of stakingPoolBalances(stakingGenesis))
    if (p.amount > 0n)
      balances.push({ address: p.address, coins: [{ denom: "ustrike", amount: p.amount.toString() }] });
  let cp: unknown = defaultCheckpointGenesis();
  cp = {
    ...(cp as object),
    params: {
      ...(cp as { params: object }).params,
      interval: String(o.interval ?? 5n),
      ...(o.keepHeights === undefined ? {} : { keep_heights: String(o.keepHeights) }),
    },
  };
  if (o.domain !== false) cp = setGenesisL1Domain(cp, L1_CHAIN_ID, SETTLEMENT);
  for (const n of o.withKeys ?? o.validators.map((v) => v.operator))
    cp = addGenesisEthKey(cp, addr(n), ethWallet(n).address);
  if (o.scheme === "bls") {
    cp = setGenesisCheckpointScheme(cp, "bls");
    for (const n of o.withBlsKeys ?? o.validators.map((v) => v.operator))
      cp = addGenesisBlsKey(cp, addr(n), blsPublicKey(blsSecret(n)), blsProofOfPossession(blsSecret(n)));
  }

  const makeCtx = (height: bigint, mode: "finalize" | "genesis" = "finalize"): Context =>
    createContext({
      block: {
        chainId: CHAIN_ID,
        height,
        time: { seconds: GENESIS_TIME + height, nanos: 0 },
        lastAppHash: appHashAt(height - 1n),
        lastBlockHash: blockHashAt(height - 1n),
      },
      mode,
      store,
      gasMeter: createGasMeter(undefined),
    });
  const deliver = (m: { typeUrl: string; value: Uint8Array }): MsgResult => {
    const route = routes.get(m.typeUrl);
    if (route === undefined) throw new TypeError(`no route ${m.typeUrl}`);
    const ctx = makeCtx(chain.height);
    try {
      const msg = route.decode(m.value);
      route.validateBasic(msg);
      const res = ctx.atomic((inner) => route.handle(inner, msg));
      return { ok: true, response: res.value, events: [...ctx.events.events], gasUsed: ctx.gasMeter.consumed };
    } catch (error) {
      return { ok: false, error, events: [], gasUsed: ctx.gasMeter.consumed };
    }
  };
  const chain: CheckpointChain = {
    staking,
    checkpoint,
    height: 0n,
    creditedDepositNonce: 0n,
    ctx: () => makeCtx(chain.height),
    block(msgs = []) {
      chain.height += 1n;
      for (const m of modules) m.beginBlock?.(makeCtx(chain.height));
      const results = msgs.map(deliver);
      stakingModule.endBlock(makeCtx(chain.height));
      return results;
    },
    blocks(n) {
      for (let i = 0; i < n; i++) chain.block();
    },
    deliver,
    snapshot: () =>
      [...store.iterator()]
        .map(([k, v]) => `${Buffer.from(k).toString("hex")}=${Buffer.from(v).toString("hex")}`)
        .join("\n"),
  };
  const genesisCtx = makeCtx(1n, "genesis");
  const appState: Record<string, unknown> = {
    auth: defaultAuthGenesis(),
    bank: { ...defaultBankGenesis(), balances },
    staking: stakingGenesis,
    slashing: slashingTestGenesis(),
    checkpoint: cp,
  };
  for (const m of modules) m.initGenesis?.(genesisCtx, appState[m.name]);
  return chain;
}

export const bytesOf = (hex: string): Uint8Array => getBytes(hex);
