/** slashing state: params, signing info and the missed-blocks bitmap per validator, handled evidence. */
import { Params, ValidatorSigningInfo } from "../../chain/codec/generated/strike/slashing/v1/slashing.js";
import { Item, type Codec, type StoreSource } from "../../chain/runtime/collection.js";
import { concatBytes, fromHex, prefixEnd, u64be } from "../../chain/types/bytes.js";
import { decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import { HANDLED_EVIDENCE_PREFIX, MISSED_BITMAP_PREFIX, PARAMS_KEY, SIGNING_INFO_PREFIX, STORE_KEY } from "./keys.js";
import { encodeMessage } from "../../chain/codec/encode.js";

export interface SlashingParams {
  signedBlocksWindow: bigint;
  minSignedPerWindow: Dec;
  downtimeJailDurationSeconds: bigint;
  slashFractionDoubleSign: Dec;
  slashFractionDowntime: Dec;
  maxEvidenceAgeBlocks: bigint;
  maxEvidenceAgeSeconds: bigint;
}

export function defaultSlashingParams(): SlashingParams {
  return {
    // Counted in blocks, and Strike's blocks are sub-second: the SDK's 100 jailed a validator
    // after ~15 s down at 300 ms blocks (a restart or an upgrade). 10,000 with half signed
    // allows about 25 minutes down at 300 ms blocks (dYdX v4: 8,192 blocks, 20% signed).
    signedBlocksWindow: 10_000n,
    minSignedPerWindow: decFromString("0.5"),
    downtimeJailDurationSeconds: 600n,
    slashFractionDoubleSign: decFromString("0.05"),
    slashFractionDowntime: decFromString("0.0001"),
    maxEvidenceAgeBlocks: 100_000n,
    maxEvidenceAgeSeconds: 172_800n,
  };
}

export function paramsToProto(p: SlashingParams): Params {
  return {
    signedBlocksWindow: p.signedBlocksWindow,
    minSignedPerWindow: decToString(p.minSignedPerWindow),
    downtimeJailDurationSeconds: p.downtimeJailDurationSeconds,
    slashFractionDoubleSign: decToString(p.slashFractionDoubleSign),
    slashFractionDowntime: decToString(p.slashFractionDowntime),
    maxEvidenceAgeBlocks: p.maxEvidenceAgeBlocks,
    maxEvidenceAgeSeconds: p.maxEvidenceAgeSeconds,
  };
}

const paramsCodec: Codec<SlashingParams> = {
  encode: (p) => encodeMessage(Params, paramsToProto(p)),
  decode: (b) => {
    const p = Params.decode(b);
    return {
      signedBlocksWindow: p.signedBlocksWindow,
      minSignedPerWindow: decFromString(p.minSignedPerWindow),
      downtimeJailDurationSeconds: p.downtimeJailDurationSeconds,
      slashFractionDoubleSign: decFromString(p.slashFractionDoubleSign),
      slashFractionDowntime: decFromString(p.slashFractionDowntime),
      maxEvidenceAgeBlocks: p.maxEvidenceAgeBlocks,
      maxEvidenceAgeSeconds: p.maxEvidenceAgeSeconds,
    };
  },
};
const paramsItem = new Item<SlashingParams>(STORE_KEY, PARAMS_KEY, paramsCodec, { copy: (p) => ({ ...p }) });

export function getParams(src: StoreSource): SlashingParams {
  return paramsItem.get(src) ?? defaultSlashingParams();
}
export function setParams(src: StoreSource, p: SlashingParams): void {
  paramsItem.set(src, p);
}

const kv = (src: StoreSource) => src.kv(STORE_KEY);

export function getSigningInfo(src: StoreSource, consAddress: Uint8Array): ValidatorSigningInfo | undefined {
  const raw = kv(src).get(concatBytes(SIGNING_INFO_PREFIX, consAddress));
  return raw === undefined ? undefined : ValidatorSigningInfo.decode(raw);
}
export function setSigningInfo(src: StoreSource, info: ValidatorSigningInfo): void {
  kv(src).set(
    concatBytes(SIGNING_INFO_PREFIX, fromHex(info.address.toLowerCase())),
    encodeMessage(ValidatorSigningInfo, info),
  );
}
export function* allSigningInfos(src: StoreSource): IterableIterator<ValidatorSigningInfo> {
  for (const [, v] of kv(src).iterator(SIGNING_INFO_PREFIX, prefixEnd(SIGNING_INFO_PREFIX)))
    yield ValidatorSigningInfo.decode(v);
}

/** Whether the vote at `index` of the window was missed. */
export function getMissedBit(src: StoreSource, consAddress: Uint8Array, index: bigint): boolean {
  const bitmap = kv(src).get(concatBytes(MISSED_BITMAP_PREFIX, consAddress));
  const byte = bitmap?.[Number(index / 8n)];
  return byte !== undefined && (byte & (1 << Number(index % 8n))) !== 0;
}

export function setMissedBit(
  src: StoreSource,
  consAddress: Uint8Array,
  index: bigint,
  missed: boolean,
  window: bigint,
): void {
  const key = concatBytes(MISSED_BITMAP_PREFIX, consAddress);
  const size = Number((window + 7n) / 8n);
  const old = kv(src).get(key);
  const bitmap = new Uint8Array(Math.max(size, old?.length ?? 0));
  if (old !== undefined) bitmap.set(old);
  const at = Number(index / 8n);
  const mask = 1 << Number(index % 8n);
  bitmap[at] = missed ? bitmap[at]! | mask : bitmap[at]! & ~mask;
  kv(src).set(key, bitmap);
}

export function clearMissedBitmap(src: StoreSource, consAddress: Uint8Array): void {
  kv(src).delete(concatBytes(MISSED_BITMAP_PREFIX, consAddress));
}

export function isEvidenceHandled(src: StoreSource, consAddress: Uint8Array, height: bigint): boolean {
  return kv(src).has(concatBytes(HANDLED_EVIDENCE_PREFIX, consAddress, u64be(height)));
}
export function markEvidenceHandled(src: StoreSource, consAddress: Uint8Array, height: bigint): void {
  kv(src).set(concatBytes(HANDLED_EVIDENCE_PREFIX, consAddress, u64be(height)), new Uint8Array(0));
}
