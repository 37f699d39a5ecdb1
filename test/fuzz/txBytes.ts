/**
 * Fuzz target (a): tx bytes through decode and CheckTx of a real app (memory store).
 * Inputs are mutations of valid signed txs — of the envelope, and of the body or
 * auth-info inside a re-encoded canonical envelope — plus random bytes and random
 * protobuf field soups. Every input must be answered without a throw and refused (none
 * is byte-identical to a signed tx, so none may be accepted), and refused inputs put in
 * blocks must leave the app hash exactly where an empty block leaves it.
 */
import fc from "fast-check";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { equalBytes } from "../../chain/types/bytes.js";
import {
  createFixture,
  runBlock,
  sendMsg,
  signTx,
  stateWithoutHeaderRoots,
  type Fixture,
} from "../unit/runtime/fixture.js";
import type { FuzzStats } from "./stats.js";

export type Op =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; byte: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; len: number }
  | { kind: "truncate"; at: number }
  | { kind: "field"; at: number; fieldNo: number; wire: number; payload: Uint8Array }
  | { kind: "padVarint"; at: number };

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("field" as const),
    at: fc.nat(),
    fieldNo: fc.oneof(
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 1000, max: 3000 }),
      fc.integer({ min: 0, max: 2 ** 29 - 1 }),
    ),
    wire: fc.integer({ min: 0, max: 7 }),
    payload: fc.uint8Array({ maxLength: 16 }),
  }),
  fc.record({ kind: fc.constant("padVarint" as const), at: fc.nat() }),
);

function applyOp(b: Uint8Array, op: Op): Uint8Array {
  const at = b.length === 0 ? 0 : op.at % (b.length + 1);
  const arr = [...b];
  switch (op.kind) {
    case "flip":
      if (arr.length > 0) arr[at % arr.length]! ^= 1 << op.bit;
      break;
    case "set":
      if (arr.length > 0) arr[at % arr.length] = op.byte;
      break;
    case "insert":
      arr.splice(at, 0, ...op.bytes);
      break;
    case "delete":
      arr.splice(at, op.len);
      break;
    case "truncate":
      arr.length = at;
      break;
    case "field": {
      const body = op.wire === 2 ? [...varint(op.payload.length), ...op.payload] : [...op.payload.slice(0, 8)];
      arr.splice(at, 0, ...varint(op.fieldNo * 8 + op.wire), ...body);
      break;
    }
    case "padVarint":
      // Lengthen the varint ending here by one byte: same value, non-minimal encoding.
      if (arr.length > 0) {
        const i = at % arr.length;
        if ((arr[i]! & 0x80) === 0) arr.splice(i, 1, arr[i]! | 0x80, 0x00);
      }
      break;
  }
  return Uint8Array.from(arr);
}

export const mutate = (b: Uint8Array, ops: Op[]) => ops.reduce(applyOp, b);

/**
 * A channel's inputs: its seed messages mutated (1 to 4 operations), random bytes, and other
 * channels' messages, weighted 6 : 1 : 1.
 */
export function channelInputs(seeds: readonly Uint8Array[], foreign?: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const ops = fc.array(opArb, { minLength: 1, maxLength: 4 });
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...seeds), ops).map(([s, o]) => mutate(s, o)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 300 }) },
    ...(foreign === undefined || foreign.length === 0 ? [] : [{ weight: 1, arbitrary: fc.constantFrom(...foreign) }]),
  );
}

function txInputArb(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const seed = fc.nat({ max: seeds.length - 1 }).map((i) => seeds[i]!);
  const ops = fc.array(opArb, { minLength: 1, maxLength: 4 });
  const envelope = fc.tuple(seed, ops).map(([s, o]) => mutate(s, o));
  // Mutate inside the signed parts, keeping a canonical envelope, to reach the body decoders.
  const inner = fc.tuple(seed, fc.constantFrom("bodyBytes", "authInfoBytes", "signatures"), ops).map(([s, part, o]) => {
    const raw = TxRaw.decode(s);
    if (part === "signatures") raw.signatures = raw.signatures.map((sig) => mutate(sig, o));
    else raw[part] = mutate(raw[part], o);
    return TxRaw.encode(raw).finish();
  });
  const soup = fc
    .array(
      fc.record({
        fieldNo: fc.integer({ min: 1, max: 5 }),
        wire: fc.integer({ min: 0, max: 5 }),
        payload: fc.uint8Array({ maxLength: 40 }),
      }),
      { maxLength: 6 },
    )
    .map((fields) =>
      fields.reduce<Uint8Array>((b, f) => applyOp(b, { kind: "field", at: b.length, ...f }), new Uint8Array()),
    );
  return fc.oneof(
    { weight: 4, arbitrary: envelope },
    { weight: 4, arbitrary: inner },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }) },
    { weight: 1, arbitrary: soup },
  );
}

export async function seedTxs(f: Fixture): Promise<Uint8Array[]> {
  const [a, b] = f.accounts;
  return [
    await signTx(a!, { msgs: [sendMsg(a!.address, b!.address, [{ denom: "ustrike", amount: "7" }])], memo: "fuzz" }),
    await signTx(a!, {
      msgs: [{ typeUrl: "/strike.margin.v1.MsgDeposit", value: { owner: a!.address, subaccount: 0, amount: "1000" } }],
    }),
    await signTx(b!, {
      msgs: [
        sendMsg(b!.address, a!.address, [{ denom: "uusdc", amount: "3" }]),
        sendMsg(b!.address, a!.address, [{ denom: "ustrike", amount: "4" }]),
      ],
    }),
  ];
}

/** Runs `inputs` inputs in chunks; after each chunk up to `blockSample` refused inputs go into a block. */
export async function fuzzTxBytes(options: {
  inputs: number;
  seed: number;
  blockSample?: number;
  /** Called after each chunk with the figures so far. */
  onProgress?: (stats: FuzzStats) => void;
}): Promise<FuzzStats> {
  const f = await createFixture();
  const reference = await createFixture();
  const seeds = await seedTxs(f);
  const arb = txInputArb(seeds);
  const stats: FuzzStats = {
    target: "tx-bytes",
    inputs: 0,
    crashes: 0,
    accepted: 0,
    stateChanges: 0,
    blocks: 0,
    samples: [],
  };
  const started = performance.now();
  const chunk = Math.min(20_000, options.inputs);
  for (let done = 0, round = 0; done < options.inputs; done += chunk, round++) {
    const runs = Math.min(chunk, options.inputs - done);
    const refused: Uint8Array[] = [];
    fc.assert(
      fc.property(arb, (bytes) => {
        if (seeds.some((s) => equalBytes(s, bytes))) return;
        stats.inputs++;
        try {
          const r = f.app.checkTx(bytes, "new");
          if (r.code === 0) {
            stats.accepted++;
            if (stats.samples.length < 5) stats.samples.push(`accepted: ${Buffer.from(bytes).toString("hex")}`);
          } else if (refused.length < (options.blockSample ?? 200)) refused.push(bytes);
        } catch (e) {
          stats.crashes++;
          if (stats.samples.length < 5) stats.samples.push(`${String(e)}: ${Buffer.from(bytes).toString("hex")}`);
        }
      }),
      { numRuns: runs, seed: options.seed + round },
    );
    // Refused input inside a block changes nothing: the same state as after an empty block,
    // but for the block's own header roots (its data hash and tx count differ by design).
    const withInputs = await runBlock(f, refused);
    await runBlock(reference, []);
    stats.blocks++;
    if (stateWithoutHeaderRoots(f).join("\n") !== stateWithoutHeaderRoots(reference).join("\n")) stats.stateChanges++;
    if (withInputs.txResults.some((r) => r.code === 0)) stats.stateChanges++;
    stats.durationS = (performance.now() - started) / 1000;
    options.onProgress?.(stats);
  }
  stats.durationS = (performance.now() - started) / 1000;
  return stats;
}
