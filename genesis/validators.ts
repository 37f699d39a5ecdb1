/**
 * Bonded genesis validators (what `gentx` does in a Cosmos chain): the staking section
 * gets the validator and its self-delegation, the bonded pool's bank balance holds the
 * bonded stake, and the consensus `validators` list is the set staking elects, so the two
 * can never disagree.
 */
import { addGenesisValidator, genesisConsensusValidators, stakingPoolBalances } from "../modules/staking/index.js";
import { defaultSlashingGenesis } from "../modules/slashing/index.js";
import { normalizeCoins } from "./coins.js";
import type { GenesisDoc } from "./types.js";

export interface BondedValidatorInput {
  /** Operator account (bech32); it should also be a funded genesis account to send txs. */
  operator: string;
  consPubKey: Uint8Array;
  moniker: string;
  /** ustrike bonded at genesis; power = stake / 10^6. */
  selfDelegation: bigint;
}

const byAddress = (a: { address: string }, b: { address: string }): number =>
  a.address < b.address ? -1 : a.address > b.address ? 1 : 0;

export function addBondedValidators(doc: GenesisDoc, inputs: readonly BondedValidatorInput[]): GenesisDoc {
  const out = structuredClone(doc);
  let staking: unknown = out.app_state["staking"];
  for (const v of inputs) staking = addGenesisValidator(staking, v);
  out.app_state["staking"] = staking;
  out.app_state["slashing"] ??= defaultSlashingGenesis();
  const bank = out.app_state.bank;
  for (const pool of stakingPoolBalances(staking)) {
    // Module accounts are created by auth itself: a balance, never a BaseAccount entry.
    bank.balances = bank.balances.filter((b) => b.address !== pool.address);
    if (pool.amount > 0n)
      bank.balances.push({ address: pool.address, coins: [{ denom: "ustrike", amount: pool.amount.toString() }] });
  }
  bank.balances.sort(byAddress);
  bank.supply = normalizeCoins(bank.balances.flatMap((b) => b.coins));
  out.validators = genesisConsensusValidators(staking).map((v) => ({ ...v }));
  return out;
}
