/**
 * auth genesis in the Cosmos SDK's JSON form (`app_state.auth`): params with uint64 as
 * strings, accounts as `{"@type": "/cosmos.auth.v1beta1.BaseAccount", …}` or ModuleAccount.
 */
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import { isCompressedSecp256k1PubKey } from "../../chain/crypto/secp256k1.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import type { Context } from "../../chain/runtime/types.js";
import { authErrors } from "./errors.js";
import type { AccountKeeper } from "./keeper.js";
import { BASE_ACCOUNT_TYPE_URL, MODULE_ACCOUNT_TYPE_URL, SECP256K1_PUBKEY_TYPE_URL } from "./keys.js";
import { DEFAULT_AUTH_PARAMS, type Account, type AuthParams } from "./state.js";

export interface AuthGenesis {
  params: AuthParams;
  accounts: Account[];
}

type Json = Record<string, unknown>;
const ROOT = "app_state.auth";
const U64_MAX = (1n << 64n) - 1n;

function fail(field: string, message: string): never {
  throw authErrors.invalidGenesis(`${field}: ${message}`, { field });
}

function obj(v: unknown, field: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(field, "must be an object");
  return v as Json;
}

function u64(v: unknown, field: string): bigint {
  if (typeof v !== "string" || !/^[0-9]+$/.test(v))
    fail(field, `must be an unsigned integer string, got ${JSON.stringify(v)}`);
  const n = BigInt(v);
  if (n > U64_MAX) fail(field, "overflows uint64");
  return n;
}

function parseParams(raw: unknown, field: string): AuthParams {
  const p = obj(raw, field);
  const params: AuthParams = {
    maxMemoCharacters: u64(p.max_memo_characters, `${field}.max_memo_characters`),
    txSigLimit: u64(p.tx_sig_limit, `${field}.tx_sig_limit`),
    txSizeCostPerByte: u64(p.tx_size_cost_per_byte, `${field}.tx_size_cost_per_byte`),
    sigVerifyCostEd25519: u64(p.sig_verify_cost_ed25519, `${field}.sig_verify_cost_ed25519`),
    sigVerifyCostSecp256k1: u64(p.sig_verify_cost_secp256k1, `${field}.sig_verify_cost_secp256k1`),
  };
  for (const [k, v] of Object.entries(params)) if (v === 0n) fail(`${field}.${k}`, "must be positive");
  return params;
}

function parseBase(raw: Json, field: string): Omit<Account, "module"> {
  const address = raw.address;
  if (typeof address !== "string" || !isValidAddress(address))
    fail(`${field}.address`, `invalid address ${JSON.stringify(address)}`);
  let pubKey: Uint8Array | undefined;
  if (raw.pub_key !== null && raw.pub_key !== undefined) {
    const pk = obj(raw.pub_key, `${field}.pub_key`);
    if (pk["@type"] !== SECP256K1_PUBKEY_TYPE_URL)
      fail(`${field}.pub_key.@type`, `unsupported key type ${JSON.stringify(pk["@type"])}`);
    if (typeof pk.key !== "string") fail(`${field}.pub_key.key`, "must be base64");
    pubKey = fromBase64(pk.key);
    if (!isCompressedSecp256k1PubKey(pubKey)) fail(`${field}.pub_key.key`, "not a compressed secp256k1 key");
  }
  return {
    address,
    pubKey,
    accountNumber: u64(raw.account_number ?? "0", `${field}.account_number`),
    sequence: u64(raw.sequence ?? "0", `${field}.sequence`),
  };
}

function parseAccount(raw: unknown, field: string): Account {
  const a = obj(raw, field);
  if (a["@type"] === BASE_ACCOUNT_TYPE_URL) return parseBase(a, field);
  if (a["@type"] === MODULE_ACCOUNT_TYPE_URL) {
    const base = parseBase(obj(a.base_account, `${field}.base_account`), `${field}.base_account`);
    if (typeof a.name !== "string" || a.name === "") fail(`${field}.name`, "module account needs a name");
    const perms = a.permissions ?? [];
    if (!Array.isArray(perms) || perms.some((p) => typeof p !== "string"))
      fail(`${field}.permissions`, "must be a list of strings");
    return { ...base, module: { name: a.name, permissions: perms as string[] } };
  }
  return fail(`${field}.@type`, `unknown account type ${JSON.stringify(a["@type"])}`);
}

/** Parses and checks `app_state.auth`; throws a StrikeError naming the first bad field. */
export function validateAuthGenesis(raw: unknown): AuthGenesis {
  const g = obj(raw, ROOT);
  const params = g.params === undefined ? DEFAULT_AUTH_PARAMS : parseParams(g.params, `${ROOT}.params`);
  const list = g.accounts ?? [];
  if (!Array.isArray(list)) fail(`${ROOT}.accounts`, "must be a list");
  const accounts = list.map((a, i) => parseAccount(a, `${ROOT}.accounts[${i}]`));
  const seenAddresses = new Set<string>();
  accounts.forEach((a, i) => {
    if (seenAddresses.has(a.address)) fail(`${ROOT}.accounts[${i}].address`, `duplicate account ${a.address}`);
    seenAddresses.add(a.address);
  });
  return { params, accounts: sanitizeAccountNumbers(accounts) };
}

/**
 * As the SDK's SanitizeGenesisAccounts: `genesis add-account` writes account number 0 for
 * every account, so a repeated number is replaced by the lowest unused one, in genesis
 * order; the result is sorted by account number.
 */
function sanitizeAccountNumbers<A extends { accountNumber: bigint }>(accounts: A[]): A[] {
  const used = new Set<bigint>();
  const duplicates: number[] = [];
  accounts.forEach((a, i) => {
    if (used.has(a.accountNumber)) duplicates.push(i);
    else used.add(a.accountNumber);
  });
  const out = [...accounts];
  let candidate = 0n;
  for (const i of duplicates) {
    while (used.has(candidate)) candidate++;
    used.add(candidate);
    out[i] = { ...out[i]!, accountNumber: candidate };
  }
  return out.sort((a, b) => (a.accountNumber < b.accountNumber ? -1 : a.accountNumber > b.accountNumber ? 1 : 0));
}

export function defaultAuthGenesis(): Json {
  return { params: authParamsToJson(DEFAULT_AUTH_PARAMS), accounts: [] };
}

function authParamsToJson(p: AuthParams): Json {
  return {
    max_memo_characters: p.maxMemoCharacters.toString(),
    tx_sig_limit: p.txSigLimit.toString(),
    tx_size_cost_per_byte: p.txSizeCostPerByte.toString(),
    sig_verify_cost_ed25519: p.sigVerifyCostEd25519.toString(),
    sig_verify_cost_secp256k1: p.sigVerifyCostSecp256k1.toString(),
  };
}

/** A genesis BaseAccount entry, for tools (`strike init`, testnet) that build genesis files. */
export function baseAccountJson(address: string, accountNumber: bigint = 0n): Json {
  return {
    "@type": BASE_ACCOUNT_TYPE_URL,
    address,
    pub_key: null,
    account_number: accountNumber.toString(),
    sequence: "0",
  };
}

/** Stores the accounts as given; the counter continues after the highest account number. */
export function initAuthGenesis(ctx: Context, keeper: AccountKeeper, raw: unknown): void {
  const genesis = validateAuthGenesis(raw ?? defaultAuthGenesis());
  keeper.setParams(ctx, genesis.params);
  let next = keeper.peekNextAccountNumber(ctx);
  for (const acc of genesis.accounts) {
    keeper.setAccount(ctx, acc);
    if (acc.accountNumber >= next) next = acc.accountNumber + 1n;
  }
  keeper.setNextAccountNumber(ctx, next);
}

export function exportAuthGenesis(ctx: Context, keeper: AccountKeeper): Json {
  const accounts: Json[] = [];
  for (const [, acc] of keeper.iterateAccounts(ctx)) {
    const base = {
      address: acc.address,
      pub_key: acc.pubKey === undefined ? null : { "@type": SECP256K1_PUBKEY_TYPE_URL, key: toBase64(acc.pubKey) },
      account_number: acc.accountNumber.toString(),
      sequence: acc.sequence.toString(),
    };
    accounts.push(
      acc.module === undefined
        ? { "@type": BASE_ACCOUNT_TYPE_URL, ...base }
        : {
            "@type": MODULE_ACCOUNT_TYPE_URL,
            base_account: base,
            name: acc.module.name,
            permissions: acc.module.permissions,
          },
    );
  }
  return { params: authParamsToJson(keeper.params(ctx)), accounts };
}
