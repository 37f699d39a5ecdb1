/**
 * Helpers for `strike init` / `strike testnet`, which build genesis before any chain runs:
 * add a validator to `app_state.staking` (a gentx without the tx), and derive what the rest
 * of the genesis document must say so that it agrees with staking: the pools' bank balances
 * and the CometBFT `validators` list.
 */
import { addressToBech32, moduleAddressBytes } from "../../chain/crypto/address.js";
import { toBase64, toHex } from "../../chain/types/bytes.js";
import { decToString } from "../../chain/types/fixed/index.js";
import {
  ED25519_PUBKEY_TYPE_URL,
  defaultStakingGenesis,
  electGenesisValidators,
  genesisPoolAmounts,
  validateStakingGenesis,
} from "./genesis.js";
import { BONDED_POOL, NOT_BONDED_POOL } from "./keys.js";
import { consAddressOf } from "./state.js";

export interface GenesisValidatorInput {
  /** The operator account (it signs unjail and withdraws commission later). */
  operator: string;
  /** The 32-byte ed25519 consensus key (priv_validator_key.json's pub_key). */
  consPubKey: Uint8Array;
  moniker: string;
  /** ustrike bonded by the operator; not taken from any account balance. */
  selfDelegation: bigint;
  /** Decimals, default "0.1" / "0.2" / "0.01". */
  commission?: { rate: string; maxRate: string; maxChangeRate: string };
}

/**
 * Returns a copy of `staking` (or the default section) with the validator and its
 * self-delegation added (one share per token). Throws the genesis error of a duplicate
 * operator or key, or a bad moniker/commission.
 */
export function addGenesisValidator(staking: unknown, input: GenesisValidatorInput): Record<string, unknown> {
  const out = structuredClone((staking ?? defaultStakingGenesis()) as Record<string, unknown>);
  const c = input.commission ?? { rate: "0.1", maxRate: "0.2", maxChangeRate: "0.01" };
  const shares = decToString(input.selfDelegation * 10n ** 18n);
  out.validators = [
    ...((out.validators as unknown[] | undefined) ?? []),
    {
      operator_address: input.operator,
      consensus_pubkey: { "@type": ED25519_PUBKEY_TYPE_URL, key: toBase64(input.consPubKey) },
      moniker: input.moniker,
      jailed: false,
      tokens: input.selfDelegation.toString(),
      delegator_shares: shares,
      commission: { rate: c.rate, max_rate: c.maxRate, max_change_rate: c.maxChangeRate, update_time: "0" },
    },
  ];
  out.delegations = [
    ...((out.delegations as unknown[] | undefined) ?? []),
    { delegator_address: input.operator, validator_address: input.operator, shares },
  ];
  validateStakingGenesis(out);
  return out;
}

export interface GenesisPoolBalance {
  /** Module account name and its bech32 address. */
  module: string;
  address: string;
  /** ustrike (the bond denom) the account must hold in `app_state.bank.balances`. */
  amount: bigint;
}

/**
 * The bank balances the staking pools must have for `staking` (zero amounts included, so
 * that a builder can drop them). Add them to `app_state.bank.balances` (no auth account
 * needed: auth creates module accounts) and recompute the supply.
 */
export function stakingPoolBalances(staking: unknown): GenesisPoolBalance[] {
  const { bonded, notBonded } = genesisPoolAmounts(validateStakingGenesis(staking));
  return [
    { module: BONDED_POOL, address: addressToBech32(moduleAddressBytes(BONDED_POOL)), amount: bonded },
    { module: NOT_BONDED_POOL, address: addressToBech32(moduleAddressBytes(NOT_BONDED_POOL)), amount: notBonded },
  ];
}

export interface CometGenesisValidator {
  address: string;
  pub_key: { type: "tendermint/PubKeyEd25519"; value: string };
  power: string;
  name: string;
}

/** The genesis document's `validators`: exactly the set initGenesis bonds, strongest first. */
export function genesisConsensusValidators(staking: unknown): CometGenesisValidator[] {
  const g = validateStakingGenesis(staking);
  return electGenesisValidators(g).map((v) => ({
    address: toHex(consAddressOf(v.pubKey)).toUpperCase(),
    pub_key: { type: "tendermint/PubKeyEd25519", value: toBase64(v.pubKey) },
    power: (v.tokens / g.params.powerReduction).toString(),
    name: v.moniker,
  }));
}
