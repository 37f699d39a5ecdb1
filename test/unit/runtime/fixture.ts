/** A Strike app on the memory store with funded accounts, and txs signed by real cosmjs wallets. */
import {
  DirectSecp256k1Wallet,
  encodePubkey,
  makeAuthInfoBytes,
  makeSignDoc,
  type EncodeObject,
} from "@cosmjs/proto-signing";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { fromBase64 } from "@cosmjs/encoding";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { chainQueries, type CosmosQueries, type StrikeQueries } from "../../../chain/client/queries.js";
import { appQuerier } from "../../../chain/client/comet.js";
import { createQueryRpc, refusal } from "../../../chain/client/queryRpc.js";
import { createStrikeRegistry } from "../../../chain/codec/registry.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { verifySecp256k1Digest } from "../../../chain/crypto/secp256k1.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { openStateStore, type OpenStateStore } from "../../../chain/store/stateStore.js";
import type { Database } from "../../../chain/store/types.js";
import { createStrikeApp } from "../../../app/strikeApp.js";
import type { StrikeApp } from "../../../chain/runtime/app.js";
import { parseDecCoins } from "../../../chain/runtime/coins.js";
import { defaultBankGenesis } from "../../../modules/bank/genesis.js";
import { defaultAuthGenesis, baseAccountJson } from "../../../modules/auth/genesis.js";
import type { FinalizeBlockResponse, InitChainRequest, QueryResponse } from "../../../chain/types/abci.js";

export const CHAIN_ID = "strike-test-1";
export const registry = createStrikeRegistry();

export interface TestAccount {
  wallet: DirectSecp256k1Wallet;
  address: string;
  pubkey: Uint8Array;
  accountNumber: bigint;
}

export interface Fixture {
  app: StrikeApp;
  state: OpenStateStore;
  db: Database;
  accounts: TestAccount[];
  /** Native secp256k1 verifications performed by the app so far. */
  verifications(): number;
  height: bigint;
}

export const INITIAL_BALANCE = 1_000_000_000n;

export async function testAccount(seed: number, accountNumber: bigint): Promise<TestAccount> {
  const wallet = await DirectSecp256k1Wallet.fromKey(
    sha256(new TextEncoder().encode(`strike test key ${seed}`)),
    "strike",
  );
  const [acc] = await wallet.getAccounts();
  return { wallet, address: acc!.address, pubkey: acc!.pubkey, accountNumber };
}

export function genesisAppState(
  accounts: readonly TestAccount[],
  funded = accounts.length,
  balance = INITIAL_BALANCE,
): Record<string, unknown> {
  const auth = defaultAuthGenesis();
  auth.accounts = accounts.map((a) => baseAccountJson(a.address, a.accountNumber));
  const bank = defaultBankGenesis();
  bank.balances = accounts.slice(0, funded).map((a) => ({
    address: a.address,
    coins: [
      { denom: "ustrike", amount: balance.toString() },
      { denom: "uusdc", amount: balance.toString() },
    ],
  }));
  return { auth, bank };
}

/** The test chain's InitChain: CHAIN_ID at height 1, no validators, `appState` as given. */
export function initChainRequest(appState: Record<string, unknown>): InitChainRequest {
  return {
    chainId: CHAIN_ID,
    time: { seconds: 1_700_000_000n, nanos: 0 },
    initialHeight: 1n,
    consensusParams: {
      block: { maxBytes: 4_000_000n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    validators: [],
    appState,
  };
}

export async function createFixture(
  options: {
    accounts?: number;
    funded?: number;
    minGasPrices?: string;
    maxTxBytes?: number;
    /** The block's max gas the app enforces (consensus params), -1 by default. */
    maxBlockGas?: bigint;
    /** Extra app_state sections (oracle, orderbook, margin), given the accounts. */
    appState?: (accounts: readonly TestAccount[]) => Record<string, unknown>;
    /** Initial ustrike and uusdc of each funded account (INITIAL_BALANCE). */
    balance?: bigint;
    /** false: mempool re-checks always run the ante (chain/runtime/anteReplay.ts). */
    replayRechecks?: boolean;
  } = {},
): Promise<Fixture> {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const accounts: TestAccount[] = [];
  for (let i = 0; i < (options.accounts ?? 3); i++) accounts.push(await testAccount(i, BigInt(i)));
  let count = 0;
  const app = createStrikeApp({
    state,
    minGasPrices: parseDecCoins(options.minGasPrices ?? "0.025ustrike"),
    ...(options.maxTxBytes === undefined ? {} : { maxTxBytes: options.maxTxBytes }),
    ...(options.maxBlockGas === undefined ? {} : { maxBlockGas: options.maxBlockGas }),
    ...(options.replayRechecks === undefined ? {} : { replayRechecks: options.replayRechecks }),
    verify: (pk, digest, sig) => {
      count++;
      return verifySecp256k1Digest(pk, digest, sig);
    },
  });
  app.initChain(
    initChainRequest({
      ...genesisAppState(accounts, options.funded, options.balance),
      ...(options.appState?.(accounts) ?? {}),
    }),
  );
  return { app, state, db, accounts, verifications: () => count, height: 0n };
}

export interface SignOptions {
  msgs: EncodeObject[];
  sequence?: bigint;
  accountNumber?: bigint;
  chainId?: string;
  fee?: { amount: { denom: string; amount: string }[]; gas: number };
  memo?: string;
  /** The body's timeout height (none by default). */
  timeoutHeight?: bigint;
  /** Put this key in the SignerInfo instead of the signer's. */
  pubkey?: Uint8Array;
  /** Sign with this account's wallet instead of the signer's. */
  signWith?: TestAccount;
  extensionOptions?: Any[];
  mutateSignature?: (sig: Uint8Array) => Uint8Array;
  /** Replace the body's messages with these raw Anys (for unknown types). */
  rawMessages?: Any[];
}

export const DEFAULT_FEE = { amount: [{ denom: "ustrike", amount: "5000" }], gas: 200_000 };

export async function signTx(signer: TestAccount, o: SignOptions): Promise<Uint8Array> {
  const bodyBytes =
    o.extensionOptions !== undefined || o.rawMessages !== undefined || o.timeoutHeight !== undefined
      ? TxBody.encode(
          TxBody.fromPartial({
            messages: o.rawMessages ?? o.msgs.map((m) => registry.encodeAsAny(m)),
            memo: o.memo ?? "",
            extensionOptions: o.extensionOptions ?? [],
            timeoutHeight: o.timeoutHeight ?? 0n,
          }),
        ).finish()
      : registry.encode({ typeUrl: "/cosmos.tx.v1beta1.TxBody", value: { messages: o.msgs, memo: o.memo ?? "" } });
  const fee = o.fee ?? DEFAULT_FEE;
  const pubkey = encodePubkey(encodeSecp256k1Pubkey(o.pubkey ?? signer.pubkey));
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey, sequence: o.sequence ?? 0n }],
    fee.amount,
    fee.gas,
    undefined,
    undefined,
  );
  const signDoc = makeSignDoc(bodyBytes, authInfoBytes, o.chainId ?? CHAIN_ID, o.accountNumber ?? signer.accountNumber);
  const by = o.signWith ?? signer;
  const { signature } = await by.wallet.signDirect(by.address, signDoc);
  let sig: Uint8Array = fromBase64(signature.signature);
  if (o.mutateSignature !== undefined) sig = o.mutateSignature(sig);
  return TxRaw.encode({ bodyBytes, authInfoBytes, signatures: [sig] }).finish();
}

export function sendMsg(from: string, to: string, amount: { denom: string; amount: string }[]): EncodeObject {
  return { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: from, toAddress: to, amount } };
}

/** Executes and commits one block. */
export async function runBlock(f: Fixture, txs: Uint8Array[]): Promise<FinalizeBlockResponse> {
  f.height += 1n;
  const res = f.app.finalizeBlock({
    txs,
    height: f.height,
    time: { seconds: 1_700_000_000n + f.height, nanos: 0 },
    hash: new Uint8Array(32),
    proposerAddress: new Uint8Array(20),
    misbehavior: [],
  });
  const batch = f.db.batch();
  f.app.commit(batch);
  await batch.write();
  return res;
}

export async function query(f: Fixture, path: string, data: Uint8Array, height = 0n): Promise<QueryResponse> {
  return f.app.query({ path, data, height, prove: false });
}

/** Every query service of the in-process app, typed (chain/client), at `height` (0: the latest). */
export function queries(f: Fixture, height = 0n): StrikeQueries & CosmosQueries {
  return chainQueries(
    createQueryRpc(
      appQuerier((req) => f.app.query(req)),
      { height },
    ),
  );
}

export async function balance(f: Fixture, address: string, denom = "ustrike", height = 0n): Promise<bigint> {
  return BigInt((await queries(f, height).bank.Balance({ address, denom })).balance!.amount);
}

export async function account(f: Fixture, address: string): Promise<BaseAccount | undefined> {
  try {
    return BaseAccount.decode((await queries(f).auth.Account({ address })).account!.value);
  } catch (e) {
    if (refusal(e) !== undefined) return undefined;
    throw e;
  }
}

/**
 * Every state entry except the receipts module's header roots (the block's data hash, tx
 * count, proposer and results hash), which every block adds by design: two blocks with
 * different txs differ there even when every tx was refused.
 */
export function stateWithoutHeaderRoots(f: Pick<Fixture, "state">): string[] {
  const window = new TextEncoder().encode("receipts/");
  const out: string[] = [];
  for (const [k, v] of f.state.working.iterator()) {
    if (k.length >= window.length && window.every((b, i) => k[i] === b)) continue;
    out.push(`${Buffer.from(k).toString("hex")}=${Buffer.from(v).toString("hex")}`);
  }
  return out;
}
