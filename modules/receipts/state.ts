/** receipts state: params, the window of header roots, and the (height, sequencer) pairs already punished. */
import { HeaderRoots, Params } from "../../chain/codec/generated/strike/receipts/v1/receipts.js";
import { Item, type Codec, type StoreSource } from "../../chain/runtime/collection.js";
import { concatBytes, prefixEnd, u64be } from "../../chain/types/bytes.js";
import { decFromString, decToString, type Dec } from "../../chain/types/fixed/index.js";
import { PARAMS_KEY, PUNISHED_PREFIX, ROOTS_PREFIX, STORE_KEY } from "./keys.js";

export { HeaderRoots };

export interface ReceiptsParams {
  /** Heights of roots kept; claims about older heights are refused. */
  window: bigint;
  slashFraction: Dec;
  jail: boolean;
  jailDurationSeconds: bigint;
  tombstone: boolean;
  /** Share of the slashed tokens paid to the reporter. */
  reporterShare: Dec;
}

export function defaultReceiptsParams(): ReceiptsParams {
  return {
    window: 1_000n,
    slashFraction: decFromString("0.05"),
    jail: true,
    jailDurationSeconds: 86_400n,
    tombstone: true,
    reporterShare: decFromString("0.1"),
  };
}

export function paramsToProto(p: ReceiptsParams): Params {
  return {
    window: p.window,
    slashFraction: decToString(p.slashFraction),
    jail: p.jail,
    jailDurationSeconds: p.jailDurationSeconds,
    tombstone: p.tombstone,
    reporterShare: decToString(p.reporterShare),
  };
}

const paramsCodec: Codec<ReceiptsParams> = {
  encode: (p) => Params.encode(paramsToProto(p)).finish(),
  decode(b) {
    const p = Params.decode(b);
    return {
      window: p.window,
      slashFraction: decFromString(p.slashFraction),
      jail: p.jail,
      jailDurationSeconds: p.jailDurationSeconds,
      tombstone: p.tombstone,
      reporterShare: decFromString(p.reporterShare),
    };
  },
};
const paramsItem = new Item(STORE_KEY, PARAMS_KEY, paramsCodec);

export function getParams(src: StoreSource): ReceiptsParams {
  return paramsItem.get(src) ?? defaultReceiptsParams();
}
export function setParams(src: StoreSource, p: ReceiptsParams): void {
  paramsItem.set(src, p);
}

const kv = (src: StoreSource) => src.kv(STORE_KEY);
const rootsKey = (height: bigint) => concatBytes(ROOTS_PREFIX, u64be(height));

export function getRoots(src: StoreSource, height: bigint): HeaderRoots | undefined {
  if (height < 0n) return undefined;
  const raw = kv(src).get(rootsKey(height));
  return raw === undefined ? undefined : HeaderRoots.decode(raw);
}
export function setRoots(src: StoreSource, r: HeaderRoots): void {
  kv(src).set(rootsKey(r.height), HeaderRoots.encode(r).finish());
}
export function deleteRoots(src: StoreSource, height: bigint): void {
  if (height >= 0n) kv(src).delete(rootsKey(height));
}
export function* allRoots(src: StoreSource): IterableIterator<HeaderRoots> {
  for (const [, v] of kv(src).iterator(ROOTS_PREFIX, prefixEnd(ROOTS_PREFIX))) yield HeaderRoots.decode(v);
}

const punishedKey = (height: bigint, consAddress: Uint8Array) =>
  concatBytes(PUNISHED_PREFIX, u64be(height), consAddress);

export function isPunished(src: StoreSource, height: bigint, consAddress: Uint8Array): boolean {
  return kv(src).has(punishedKey(height, consAddress));
}
export function markPunished(src: StoreSource, height: bigint, consAddress: Uint8Array): void {
  kv(src).set(punishedKey(height, consAddress), new Uint8Array(0));
}
/** Forgets the punishments at `height`: claims about it are refused as out of the window anyway. */
export function prunePunished(src: StoreSource, height: bigint): void {
  if (height < 0n) return;
  const start = concatBytes(PUNISHED_PREFIX, u64be(height));
  const store = kv(src);
  const keys = [...store.iterator(start, prefixEnd(start))].map(([k]) => k);
  for (const k of keys) store.delete(k);
}
