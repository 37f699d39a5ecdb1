/**
 * Turns the genesis document (JSON as CometBFT writes it) into the typed values that
 * consensus and the application start from.
 */
import type { ConsensusParams, InitChainRequest, Timestamp } from "../chain/types/abci.js";
import type { Validator } from "../chain/types/block.js";
import { ed25519Address } from "../chain/crypto/ed25519.js";
import { fromBase64 } from "../chain/types/bytes.js";
import type { ConsensusParamsJson, GenesisDoc } from "../genesis/index.js";
import { nodeErrors } from "../chain/node/errors.js";

/** Parses an RFC 3339 time with up to nanosecond precision, exactly (no float). */
export function parseRfc3339(text: string): Timestamp {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (m === null) throw nodeErrors.badGenesisTime(`"${text}" is not an RFC 3339 time`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw nodeErrors.badGenesisTime(`"${text}" is not a valid date`);
  return { seconds: BigInt(ms / 1000), nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

export function consensusParamsOf(json: ConsensusParamsJson): ConsensusParams {
  return {
    block: { maxBytes: BigInt(json.block.max_bytes), maxGas: BigInt(json.block.max_gas) },
    evidence: {
      maxAgeNumBlocks: BigInt(json.evidence.max_age_num_blocks),
      maxAgeDurationNs: BigInt(json.evidence.max_age_duration),
      maxBytes: BigInt(json.evidence.max_bytes),
    },
    validator: { pubKeyTypes: [...json.validator.pub_key_types] },
  };
}

export function genesisValidators(doc: GenesisDoc): Validator[] {
  return doc.validators.map((v) => {
    const pubKey = fromBase64(v.pub_key.value);
    return { address: ed25519Address(pubKey), pubKey, votingPower: BigInt(v.power), proposerPriority: 0n };
  });
}

export function initChainRequest(doc: GenesisDoc): InitChainRequest {
  return {
    chainId: doc.chain_id,
    time: parseRfc3339(doc.genesis_time),
    initialHeight: BigInt(doc.initial_height),
    consensusParams: consensusParamsOf(doc.consensus_params),
    validators: genesisValidators(doc).map((v) => ({ pubKey: v.pubKey, power: v.votingPower })),
    appState: doc.app_state,
  };
}
