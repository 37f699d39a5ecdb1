/** Reading, writing and building genesis documents. */
import { defaultSequencerGenesis } from "./sequencer.js";
import { defaultMarginGenesis } from "../modules/margin/index.js";
import { defaultOracleGenesis } from "../modules/oracle/index.js";
import { defaultCheckpointGenesis } from "../modules/checkpoint/index.js";
import { defaultOrderbookGenesis } from "../modules/orderbook/index.js";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ed25519Address } from "../chain/crypto/ed25519.js";
import { toBase64, toHex } from "../chain/types/bytes.js";
import { addCoins, normalizeCoins } from "./coins.js";
import {
  BASE_ACCOUNT_TYPE_URL,
  BECH32_PREFIX,
  COLLATERAL_DENOM,
  DEFAULT_VALIDATOR_POWER,
  STAKE_DENOM,
} from "./constants.js";
import { genesisErrors } from "./errors.js";
import type { Coin, ConsensusParamsJson, DenomMetadata, GenesisDoc } from "./types.js";
import { checkBech32Address } from "./address.js";
import { genesisTimeIssue, validateGenesis } from "./validate.js";

export function loadGenesis(path: string): GenesisDoc {
  if (!existsSync(path))
    throw genesisErrors.unreadableGenesis(`${path} does not exist (run \`strike init\` first)`, { path });
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw genesisErrors.invalidGenesis(`${path}: not valid JSON (${(e as Error).message})`, { path });
  }
  try {
    validateGenesis(doc);
  } catch (e) {
    if (genesisErrors.invalidGenesis.is(e)) {
      const err = e as ReturnType<typeof genesisErrors.invalidGenesis>;
      throw genesisErrors.invalidGenesis(`${path}: ${err.message.replace(/: invalid genesis$/, "")}`, {
        ...err.details,
        path,
      });
    }
    throw e;
  }
  return doc;
}

/** Validates, then writes atomically (a crash never leaves half a genesis). */
export function writeGenesis(path: string, doc: GenesisDoc): void {
  validateGenesis(doc);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(doc, null, 2) + "\n");
  renameSync(tmp, path);
}

export function defaultConsensusParams(): ConsensusParamsJson {
  return {
    block: { max_bytes: "22020096", max_gas: "-1" },
    evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
    validator: { pub_key_types: ["ed25519"] },
    version: { app: "0" },
    abci: { vote_extensions_enable_height: "0" },
  };
}

export function defaultDenomMetadata(): DenomMetadata[] {
  const meta = (base: string, display: string, name: string, description: string): DenomMetadata => ({
    description,
    denom_units: [
      { denom: base, exponent: 0, aliases: [`micro${display}`] },
      { denom: display, exponent: 6, aliases: [] },
    ],
    base,
    display,
    name,
    symbol: display.toUpperCase(),
    uri: "",
    uri_hash: "",
  });
  return [
    meta(STAKE_DENOM, "strike", "Strike", "The staking and fee token of Strike"),
    meta(COLLATERAL_DENOM, "usdc", "USD Coin", "USDC collateral bridged from Ethereum"),
  ];
}

export interface GenesisValidatorInput {
  /** The 32-byte ed25519 consensus public key. */
  pubKey: Uint8Array;
  name: string;
  power?: bigint;
}

export interface DefaultGenesisOptions {
  chainId: string;
  validator: GenesisValidatorInput;
  /** RFC3339 string or Date; the caller chooses so that the result is reproducible. */
  genesisTime: string | Date;
}

export function defaultGenesis(options: DefaultGenesisOptions): GenesisDoc {
  const { chainId, validator, genesisTime } = options;
  const genesisTimeText = typeof genesisTime === "string" ? genesisTime : genesisTime.toISOString();
  // The orderbook's genesis reads it as a number below: refuse a bad one here, by name.
  const timeIssue = genesisTimeIssue(genesisTimeText);
  if (timeIssue !== undefined) throw genesisErrors.invalidGenesis(timeIssue);
  const doc: GenesisDoc = {
    genesis_time: genesisTimeText,
    chain_id: chainId,
    initial_height: "1",
    consensus_params: defaultConsensusParams(),
    validators: [
      {
        address: toHex(ed25519Address(validator.pubKey)).toUpperCase(),
        pub_key: { type: "tendermint/PubKeyEd25519", value: toBase64(validator.pubKey) },
        power: (validator.power ?? DEFAULT_VALIDATOR_POWER).toString(),
        name: validator.name,
      },
    ],
    app_hash: "",
    app_state: {
      auth: {
        params: {
          max_memo_characters: "256",
          tx_sig_limit: "7",
          tx_size_cost_per_byte: "10",
          sig_verify_cost_ed25519: "590",
          sig_verify_cost_secp256k1: "1000",
        },
        accounts: [],
      },
      bank: {
        params: { send_enabled: [], default_send_enabled: true },
        balances: [],
        supply: [],
        denom_metadata: defaultDenomMetadata(),
        send_enabled: [],
      },
      oracle: defaultOracleGenesis(),
      orderbook: defaultOrderbookGenesis(BigInt(Math.floor(Date.parse(genesisTimeText) / 1000))),
      margin: defaultMarginGenesis(),
      sequencer: defaultSequencerGenesis(),
      checkpoint: defaultCheckpointGenesis(),
    },
  };
  validateGenesis(doc);
  return doc;
}

const byAddress = (a: { address: string }, b: { address: string }): number =>
  a.address < b.address ? -1 : a.address > b.address ? 1 : 0;

/**
 * Returns a copy of `doc` where `address` holds `coins` more: a new BaseAccount and
 * balance if it had none, merged coins otherwise. Accounts and balances stay sorted by
 * address and the supply is the sum of all balances.
 */
export function addGenesisAccount(
  doc: GenesisDoc,
  address: string,
  coins: readonly Coin[],
  options: { prefix?: string } = {},
): GenesisDoc {
  const bad = checkBech32Address(address, options.prefix ?? BECH32_PREFIX);
  if (bad !== undefined) throw genesisErrors.invalidAddress(`${address}: ${bad}`, { address });
  const out = structuredClone(doc);
  const { auth, bank } = out.app_state;
  if (!auth.accounts.some((a) => a.address === address)) {
    auth.accounts.push({ "@type": BASE_ACCOUNT_TYPE_URL, address, pub_key: null, account_number: "0", sequence: "0" });
    auth.accounts.sort(byAddress);
  }
  const existing = bank.balances.find((b) => b.address === address);
  if (existing === undefined) bank.balances.push({ address, coins: normalizeCoins(coins) });
  else existing.coins = addCoins(existing.coins, coins);
  bank.balances.sort(byAddress);
  bank.supply = normalizeCoins(bank.balances.flatMap((b) => b.coins));
  return out;
}
