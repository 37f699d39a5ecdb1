/**
 * The genesis.json document, field for field as CometBFT 0.38 and the Cosmos SDK write
 * it (snake_case, 64-bit integers as decimal strings), so that existing tooling reads it.
 */
export interface Coin {
  denom: string;
  amount: string;
}

export interface GenesisValidator {
  /** Upper-case hex of sha256(pub_key)[:20]. */
  address: string;
  pub_key: { type: string; value: string };
  power: string;
  name: string;
}

export interface ConsensusParamsJson {
  block: { max_bytes: string; max_gas: string };
  evidence: { max_age_num_blocks: string; max_age_duration: string; max_bytes: string };
  validator: { pub_key_types: string[] };
  version: { app: string };
  abci: { vote_extensions_enable_height: string };
}

export interface BaseAccountJson {
  "@type": string;
  address: string;
  pub_key: { "@type": string; key: string } | null;
  account_number: string;
  sequence: string;
}

export interface AuthGenesis {
  params: {
    max_memo_characters: string;
    tx_sig_limit: string;
    tx_size_cost_per_byte: string;
    sig_verify_cost_ed25519: string;
    sig_verify_cost_secp256k1: string;
  };
  accounts: BaseAccountJson[];
}

export interface DenomUnit {
  denom: string;
  exponent: number;
  aliases: string[];
}

export interface DenomMetadata {
  description: string;
  denom_units: DenomUnit[];
  base: string;
  display: string;
  name: string;
  symbol: string;
  uri: string;
  uri_hash: string;
}

export interface SendEnabled {
  denom: string;
  enabled: boolean;
}

export interface BankGenesis {
  params: { send_enabled: SendEnabled[]; default_send_enabled: boolean };
  balances: { address: string; coins: Coin[] }[];
  supply: Coin[];
  denom_metadata: DenomMetadata[];
  send_enabled: SendEnabled[];
}

export interface AppState {
  auth: AuthGenesis;
  bank: BankGenesis;
  /** Later modules add their sections; unknown ones pass through untouched. */
  [module: string]: unknown;
}

export interface GenesisDoc {
  genesis_time: string;
  chain_id: string;
  initial_height: string;
  consensus_params: ConsensusParamsJson;
  validators: GenesisValidator[];
  app_hash: string;
  app_state: AppState;
}
