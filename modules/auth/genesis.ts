/**
 * auth genesis in the Cosmos SDK's JSON form (`app_state.auth`): params with uint64 as
 * strings, accounts as `{"@type": "/cosmos.auth.v1beta1.BaseAccount", …}` or ModuleAccount.
 */
import { fromBase64, toBase64 } from "@cosmjs/encoding";
import { isCompressedSecp256k1PubKey } from "../../chain/crypto/secp256k1.js";
import { addressField, genesisFail, listField, parseGenesisSection } from "../../chain/runtime/genesisFields.js";
import { u64String } from "../../chain/types/schema.js";
import { z } from "zod";
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

function fail(field: string, message: string): never {
  genesisFail(authErrors.invalidGenesis, field, message);
}

const d = DEFAULT_AUTH_PARAMS;
const positiveU64 = (fallback: bigint) => u64String(1n).default(fallback.toString());

const pubKeyField = z
  .strictObject({
    "@type": z.literal(SECP256K1_PUBKEY_TYPE_URL, { error: `must be "${SECP256K1_PUBKEY_TYPE_URL}"` }),
    key: z.string({ error: "must be base64" }),
  })
  .nullish();

const baseAccountFields = {
  address: addressField,
  pub_key: pubKeyField,
  // "0" everywhere is fine: `genesis add-account` writes it and InitGenesis assigns numbers.
  account_number: u64String().default("0"),
  sequence: u64String().default("0"),
};

const accountField = z.discriminatedUnion(
  "@type",
  [
    z.strictObject({ "@type": z.literal(BASE_ACCOUNT_TYPE_URL), ...baseAccountFields }),
    z.strictObject({
      "@type": z.literal(MODULE_ACCOUNT_TYPE_URL),
      base_account: z.strictObject({ ...baseAccountFields, "@type": z.literal(BASE_ACCOUNT_TYPE_URL).optional() }),
      name: z.string({ error: "must be a string" }).min(1, { error: "a module account needs a name" }),
      permissions: listField(z.string({ error: "must be a string" })),
    }),
  ],
  { error: `must be "${BASE_ACCOUNT_TYPE_URL}" or "${MODULE_ACCOUNT_TYPE_URL}"` },
);

const authGenesisSchema = z.strictObject({
  params: z
    .strictObject({
      max_memo_characters: positiveU64(d.maxMemoCharacters),
      tx_sig_limit: positiveU64(d.txSigLimit),
      tx_size_cost_per_byte: positiveU64(d.txSizeCostPerByte),
      sig_verify_cost_ed25519: positiveU64(d.sigVerifyCostEd25519),
      sig_verify_cost_secp256k1: positiveU64(d.sigVerifyCostSecp256k1),
    })
    .optional(),
  accounts: listField(accountField),
});

type BaseJson = z.output<typeof authGenesisSchema>["accounts"][number] extends infer A
  ? A extends { base_account: infer B }
    ? B
    : A
  : never;

function baseAccount(raw: BaseJson, field: string): Omit<Account, "module"> {
  let pubKey: Uint8Array | undefined;
  if (raw.pub_key !== null && raw.pub_key !== undefined) {
    try {
      pubKey = fromBase64(raw.pub_key.key);
    } catch {
      fail(`${field}.pub_key.key`, "must be base64");
    }
    if (!isCompressedSecp256k1PubKey(pubKey)) fail(`${field}.pub_key.key`, "not a compressed secp256k1 key");
  }
  return {
    address: raw.address,
    pubKey,
    accountNumber: BigInt(raw.account_number),
    sequence: BigInt(raw.sequence),
  };
}

/**
 * Parses and checks `app_state.auth`; throws `auth/2` naming the first bad field. This is
 * the only validation of auth genesis: `strike genesis validate` runs it too.
 */
export function validateAuthGenesis(raw: unknown): AuthGenesis {
  const g = parseGenesisSection(authGenesisSchema, raw, ROOT, authErrors.invalidGenesis);
  const p = g.params;
  const params: AuthParams =
    p === undefined
      ? DEFAULT_AUTH_PARAMS
      : {
          maxMemoCharacters: BigInt(p.max_memo_characters),
          txSigLimit: BigInt(p.tx_sig_limit),
          txSizeCostPerByte: BigInt(p.tx_size_cost_per_byte),
          sigVerifyCostEd25519: BigInt(p.sig_verify_cost_ed25519),
          sigVerifyCostSecp256k1: BigInt(p.sig_verify_cost_secp256k1),
        };
  const accounts: Account[] = g.accounts.map((a, i) => {
    const field = `${ROOT}.accounts[${i}]`;
    if (a["@type"] === BASE_ACCOUNT_TYPE_URL) return baseAccount(a, field);
    return {
      ...baseAccount(a.base_account, `${field}.base_account`),
      module: { name: a.name, permissions: a.permissions },
    };
  });
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
