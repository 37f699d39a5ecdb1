/**
 * The ante pipeline: checks and charges that run before a tx's messages (Cosmos'
 * AnteHandler). Its state changes (fee, sequence, pubkey) are kept even when a message
 * then fails. It reaches auth and bank only through these small interfaces.
 */
import type { SignatureCache } from "../../crypto/sigCache.js";
import type { Coin, DecCoin } from "../coins.js";
import type { DecodedTx } from "../txDecode.js";
import type { Context } from "../types.js";

export interface AnteAccount {
  address: string;
  pubKey: Uint8Array | undefined;
  accountNumber: bigint;
  sequence: bigint;
}

export interface AnteParams {
  maxMemoCharacters: bigint;
  txSigLimit: bigint;
  txSizeCostPerByte: bigint;
  sigVerifyCostSecp256k1: bigint;
}

export interface AnteAccountKeeper {
  getAccount(ctx: Context, address: string): AnteAccount | undefined;
  setAccount(ctx: Context, account: AnteAccount): void;
  params(ctx: Context): AnteParams;
  /** After an account's public key was first stored (its first signed tx): the bridge's exit address follows from it. */
  pubKeySet?(ctx: Context, address: string): void;
}

export interface AnteBankKeeper {
  sendCoinsFromAccountToModule(ctx: Context, from: string, moduleName: string, coins: readonly Coin[]): void;
  /**
   * The amount a tx's write of `key` (from `before` to `after`) added to a balance of module
   * account `moduleName`; undefined for any other key, or a balance that did not grow. The
   * sequencer's admission uses it for the fee collector (app.ts, `anteMatchesCheckState`).
   */
  moduleCredit?(
    moduleName: string,
    key: Uint8Array,
    before: Uint8Array | undefined,
    after: Uint8Array | undefined,
  ): bigint | undefined;
  /** A stored balance value (undefined: none) with `amount` added, as stored. */
  creditedBalance?(held: Uint8Array | undefined, amount: bigint): Uint8Array;
}

/** secp256k1 verification of a 32-byte digest; injectable so that tests can count calls. */
export type DigestVerifier = (pubkey: Uint8Array, digest: Uint8Array, signature: Uint8Array) => boolean;

export interface AnteEnv {
  accounts: AnteAccountKeeper;
  bank: AnteBankKeeper;
  feeCollector: string;
  minGasPrices: readonly DecCoin[];
  sigCache: SignatureCache;
  verify: DigestVerifier;
}

export type AnteStep = (ctx: Context, tx: DecodedTx, env: AnteEnv) => void;
