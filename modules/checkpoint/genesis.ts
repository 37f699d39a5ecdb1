/**
 * checkpoint genesis (`app_state.checkpoint`): params (integers and decimals as strings)
 * and the genesis validators' Ethereum addresses. The L1 domain (chain id and contract) may
 * be unset: checkpoints are then recorded but not signed, since a signature without a
 * domain could be replayed to any contract.
 */
import type { Context } from "../../chain/runtime/types.js";
import { DEC_ONE, decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { checkpointErrors } from "./errors.js";
import type { CheckpointKeeper } from "./keeper.js";
import { parseEthAddress } from "./msgServer.js";
import { signingSet } from "./state.js";
import { DEFAULT_CHECKPOINT_PARAMS, type CheckpointParams } from "./state.js";

type Json = Record<string, unknown>;
const ROOT = "app_state.checkpoint";

export interface CheckpointGenesis {
  params: CheckpointParams;
  ethKeys: { operator: string; ethAddress: Uint8Array }[];
}

function fail(field: string, message: string): never {
  throw checkpointErrors.invalidGenesis(`${field}: ${message}`, { field });
}
function obj(v: unknown, field: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(field, "must be an object");
  return v as Json;
}
function int(v: unknown, field: string, fallback: bigint): bigint {
  if (v === undefined) return fallback;
  if (typeof v !== "string" || !/^(0|[1-9][0-9]{0,18})$/.test(v))
    fail(field, `must be a non-negative integer string, got ${JSON.stringify(v)}`);
  return BigInt(v);
}
function fraction(v: unknown, field: string, fallback: Dec): Dec {
  if (v === undefined) return fallback;
  let d: Dec | undefined;
  try {
    d = typeof v === "string" ? decFromString(v) : undefined;
  } catch (e) {
    if (!isStrikeError(e)) throw e;
  }
  if (d === undefined || d < 0n || d > DEC_ONE)
    fail(field, `must be a decimal between 0 and 1, got ${JSON.stringify(v)}`);
  return d;
}

function parseParams(raw: unknown): CheckpointParams {
  const d = DEFAULT_CHECKPOINT_PARAMS;
  if (raw === undefined) return { ...d };
  const p = obj(raw, `${ROOT}.params`);
  const f = (k: string) => `${ROOT}.params.${k}`;
  const settlementAddress = p.settlement_address ?? "";
  if (
    typeof settlementAddress !== "string" ||
    (settlementAddress !== "" && !/^0x[0-9a-fA-F]{40}$/.test(settlementAddress))
  )
    fail(f("settlement_address"), `must be "" or 0x and 40 hex digits`);
  const scheme = p.scheme ?? "ecdsa";
  if (scheme !== "ecdsa") fail(f("scheme"), `must be "ecdsa" (the scheme the chain signs with)`);
  const params: CheckpointParams = {
    interval: int(p.interval, f("interval"), d.interval),
    l1ChainId: int(p.l1_chain_id, f("l1_chain_id"), d.l1ChainId),
    settlementAddress,
    scheme,
    slashFractionEquivocation: fraction(
      p.slash_fraction_equivocation,
      f("slash_fraction_equivocation"),
      d.slashFractionEquivocation,
    ),
  };
  if (params.interval === 0n || params.interval > 1_000_000n) fail(f("interval"), "must be between 1 and 1000000");
  if ((params.l1ChainId === 0n) !== (params.settlementAddress === ""))
    fail(f("l1_chain_id"), "l1_chain_id and settlement_address are set together or not at all");
  return params;
}

/** Parses and checks `app_state.checkpoint`; throws a StrikeError naming the first bad field. */
export function validateCheckpointGenesis(raw: unknown): CheckpointGenesis {
  const g = obj(raw, ROOT);
  const params = parseParams(g.params);
  const list = g.eth_keys ?? [];
  if (!Array.isArray(list)) fail(`${ROOT}.eth_keys`, "must be a list");
  const operators = new Set<string>();
  const addresses = new Set<string>();
  const ethKeys = list.map((r: unknown, i) => {
    const f = `${ROOT}.eth_keys[${i}]`;
    const k = obj(r, f);
    if (typeof k.operator !== "string") fail(`${f}.operator`, "must be a bech32 operator address");
    if (typeof k.eth_address !== "string") fail(`${f}.eth_address`, "must be 0x and 40 hex digits");
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
  return { params, ethKeys };
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
  // The genesis set is the one the contract is initialised with.
  signingSet.set(ctx, keeper.currentSet(ctx));
}
