/**
 * checkpoint genesis (`app_state.checkpoint`): params (integers and decimals as strings)
 * and the genesis validators' Ethereum addresses and BLS keys (with proofs of possession). The L1 domain (chain id and contract) may
 * be unset: checkpoints are then recorded but not signed, since a signature without a
 * domain could be replayed to any contract.
 */
import type { Context } from "../../chain/runtime/types.js";
import { fractionField, genesisFail, listField, parseGenesisSection } from "../../chain/runtime/genesisFields.js";
import { decToString } from "../../chain/types/fixed/index.js";
import { u64String } from "../../chain/types/schema.js";
import { z } from "zod";
import { checkpointErrors } from "./errors.js";
import type { CheckpointKeeper } from "./keeper.js";
import { parseEthAddress } from "./msgServer.js";
import { signingSet } from "./state.js";
import { DEFAULT_CHECKPOINT_PARAMS, type CheckpointParams, type CheckpointScheme } from "./state.js";
import { checkBlsKey, checkBlsProof } from "./blsSig.js";

type Json = Record<string, unknown>;
const ROOT = "app_state.checkpoint";

export interface CheckpointGenesis {
  params: CheckpointParams;
  ethKeys: { operator: string; ethAddress: Uint8Array }[];
  blsKeys: { operator: string; publicKey: Uint8Array; proofOfPossession: Uint8Array }[];
}

function fail(field: string, message: string): never {
  genesisFail(checkpointErrors.invalidGenesis, field, message);
}
function obj(v: unknown, field: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(field, "must be an object");
  return v as Json;
}

const d = DEFAULT_CHECKPOINT_PARAMS;
const checkpointGenesisSchema = z.strictObject({
  params: z
    .strictObject({
      interval: u64String(1n)
        .refine((v) => BigInt(v) <= 1_000_000n, { error: "must be between 1 and 1000000" })
        .default(d.interval.toString()),
      l1_chain_id: u64String().default(d.l1ChainId.toString()),
      settlement_address: z
        .string({ error: `must be "" or 0x and 40 hex digits` })
        .regex(/^(0x[0-9a-fA-F]{40})?$/, { error: `must be "" or 0x and 40 hex digits` })
        .default(d.settlementAddress),
      scheme: z.enum(["ecdsa", "bls"], { error: `must be "ecdsa" or "bls"` }).default(d.scheme),
      slash_fraction_equivocation: fractionField.optional(),
      keep_heights: u64String().default(d.keepHeights.toString()),
    })
    .optional(),
  eth_keys: listField(
    z.strictObject({
      operator: z.string({ error: "must be a bech32 operator address" }),
      eth_address: z.string({ error: "must be 0x and 40 hex digits" }),
    }),
  ),
  bls_keys: listField(
    z.strictObject({
      operator: z.string({ error: "must be a bech32 operator address" }),
      public_key: z.string({ error: "must be 0x and 256 hex digits" }).regex(/^0x[0-9a-fA-F]{256}$/, {
        error: "must be 0x and 256 hex digits (a 128-byte EIP-2537 G1 point)",
      }),
      proof_of_possession: z.string({ error: "must be 0x and 512 hex digits" }).regex(/^0x[0-9a-fA-F]{512}$/, {
        error: "must be 0x and 512 hex digits (a 256-byte EIP-2537 G2 point)",
      }),
    }),
  ),
});

/**
 * The params of `app_state.checkpoint`, without checking its keys: for a node reading a
 * genesis it has validated already (checking the BLS keys' proofs of possession again was a
 * round of pairing checks in every node start). Throws `checkpoint/100` naming the first bad field.
 */
export function checkpointGenesisParams(raw: unknown): CheckpointParams {
  return paramsOf(parseGenesisSection(checkpointGenesisSchema, raw, ROOT, checkpointErrors.invalidGenesis));
}

function paramsOf(g: z.infer<typeof checkpointGenesisSchema>): CheckpointParams {
  const p = g.params;
  const params: CheckpointParams =
    p === undefined
      ? { ...d }
      : {
          interval: BigInt(p.interval),
          l1ChainId: BigInt(p.l1_chain_id),
          settlementAddress: p.settlement_address,
          scheme: p.scheme,
          slashFractionEquivocation: p.slash_fraction_equivocation ?? d.slashFractionEquivocation,
          keepHeights: BigInt(p.keep_heights),
        };
  if ((params.l1ChainId === 0n) !== (params.settlementAddress === ""))
    fail(`${ROOT}.params.l1_chain_id`, "l1_chain_id and settlement_address are set together or not at all");
  return params;
}

/** Parses and checks `app_state.checkpoint`; throws `checkpoint/100` naming the first bad field. */
export function validateCheckpointGenesis(raw: unknown): CheckpointGenesis {
  const g = parseGenesisSection(checkpointGenesisSchema, raw, ROOT, checkpointErrors.invalidGenesis);
  const params = paramsOf(g);
  const operators = new Set<string>();
  const addresses = new Set<string>();
  const ethKeys = g.eth_keys.map((k, i) => {
    const f = `${ROOT}.eth_keys[${i}]`;
    let ethAddress: Uint8Array;
    try {
      ethAddress = parseEthAddress(k.eth_address);
    } catch {
      fail(`${f}.eth_address`, "must be 0x and 40 hex digits, not zero");
    }
    if (operators.has(k.operator)) fail(`${f}.operator`, "a validator registers one key");
    if (addresses.has(k.eth_address.toLowerCase())) fail(`${f}.eth_address`, "registered twice");
    operators.add(k.operator);
    addresses.add(k.eth_address.toLowerCase());
    return { operator: k.operator, ethAddress };
  });
  const blsOperators = new Set<string>();
  const blsKeySet = new Set<string>();
  const blsKeys = g.bls_keys.map((k, i) => {
    const f = `${ROOT}.bls_keys[${i}]`;
    if (blsOperators.has(k.operator)) fail(`${f}.operator`, "a validator registers one BLS key");
    if (blsKeySet.has(k.public_key.toLowerCase())) fail(`${f}.public_key`, "registered twice");
    blsOperators.add(k.operator);
    blsKeySet.add(k.public_key.toLowerCase());
    const publicKey = Uint8Array.from(Buffer.from(k.public_key.slice(2), "hex"));
    const proofOfPossession = Uint8Array.from(Buffer.from(k.proof_of_possession.slice(2), "hex"));
    try {
      checkBlsKey(publicKey);
    } catch (e) {
      fail(`${f}.public_key`, (e as Error).message);
    }
    try {
      checkBlsProof(publicKey, proofOfPossession);
    } catch {
      fail(`${f}.proof_of_possession`, "not the key's proof of possession");
    }
    return { operator: k.operator, publicKey, proofOfPossession };
  });
  return { params, ethKeys, blsKeys };
}

export function defaultCheckpointGenesis(): Json {
  const p = DEFAULT_CHECKPOINT_PARAMS;
  return {
    params: {
      interval: p.interval.toString(),
      l1_chain_id: p.l1ChainId.toString(),
      settlement_address: p.settlementAddress,
      scheme: p.scheme,
      slash_fraction_equivocation: decToString(p.slashFractionEquivocation),
      keep_heights: p.keepHeights.toString(),
    },
    eth_keys: [],
  };
}

/** `state` with `operator`'s Ethereum address added (strike init and testnet). */
export function addGenesisEthKey(state: unknown, operator: string, ethAddress: string): Json {
  const g = obj(state ?? defaultCheckpointGenesis(), ROOT);
  const keys = Array.isArray(g.eth_keys) ? g.eth_keys : [];
  return { ...g, eth_keys: [...keys, { operator, eth_address: ethAddress }] };
}

/** `state` with `operator`'s BLS key and proof of possession added (strike init and testnet). */
export function addGenesisBlsKey(state: unknown, operator: string, publicKey: string, proofOfPossession: string): Json {
  const g = obj(state ?? defaultCheckpointGenesis(), ROOT);
  const keys = Array.isArray(g.bls_keys) ? g.bls_keys : [];
  return { ...g, bls_keys: [...keys, { operator, public_key: publicKey, proof_of_possession: proofOfPossession }] };
}

/** `state` with the scheme checkpoints are signed with (strike testnet --checkpoint-scheme). */
export function setGenesisCheckpointScheme(state: unknown, scheme: CheckpointScheme): Json {
  const g = obj(state ?? defaultCheckpointGenesis(), ROOT);
  const params = obj(g.params ?? defaultCheckpointGenesis().params, `${ROOT}.params`);
  return { ...g, params: { ...params, scheme } };
}

/** `state` with its L1 domain set (make start writes it once the contract is deployed). */
export function setGenesisL1Domain(state: unknown, l1ChainId: bigint, settlementAddress: string): Json {
  const g = obj(state ?? defaultCheckpointGenesis(), ROOT);
  const params = obj(g.params ?? defaultCheckpointGenesis().params, `${ROOT}.params`);
  return { ...g, params: { ...params, l1_chain_id: l1ChainId.toString(), settlement_address: settlementAddress } };
}

export function initCheckpointGenesis(ctx: Context, keeper: CheckpointKeeper, raw: unknown): void {
  const g = validateCheckpointGenesis(raw ?? defaultCheckpointGenesis());
  keeper.setParams(ctx, g.params);
  for (const k of g.ethKeys) keeper.registerEthKey(ctx, k.operator, k.ethAddress);
  for (const k of g.blsKeys) keeper.registerBlsKey(ctx, k.operator, k.publicKey, k.proofOfPossession, undefined, true);
  // The genesis set is the one the contract is initialised with.
  signingSet.set(ctx, keeper.currentSet(ctx));
}
