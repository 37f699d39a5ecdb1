/**
 * Fuzz target (c3): the receipts channel's messages (signed sequencer receipts relayed
 * between peers) through what a node does with one (`Sequencing.relayed`, chain/sequencer/
 * service.ts; app/node.ts penalises the sender exactly when its verdict is "invalid"). The
 * node already holds every seed receipt; inputs are mutations of them (of the signed envelope, and
 * of the receipt bytes inside a correct envelope), messages of other channels, oversized and
 * random bytes. Every other input arrives as the receipts read in one turn do
 * (`relayedBatch`), before a held receipt that names the first seed as its predecessor, so
 * that the hash chain vouches for whatever claims that seed's bytes (receiptChain.ts).
 *
 * Checked for every input: nothing throws; no input is kept (receipts must be canonical, so
 * the only echo of a seed is the seed's own bytes, which are skipped), an input is ignored (no
 * penalty) only when it is a canonical, well-signed receipt of a key outside the set, and every
 * other input is invalid, so its sender penalised; and the receipt store (and the finality
 * ladder it feeds) never changes.
 */
import fc from "fast-check";
import { createEd25519Signer } from "../../chain/crypto/ed25519.js";
import { sha256 } from "../../chain/crypto/hash.js";
import { addressFromPubKey } from "../../chain/consensus/encoding.js";
import { createMempool } from "../../chain/mempool/mempool.js";
import { FillSide, Liquidity } from "../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import {
  decodeSignedReceipt,
  Receipt,
  ReceiptStatus,
  SignedReceipt,
  signReceipt,
  verifyReceipt,
} from "../../chain/sequencer/receipt.js";
import { openSequencing, type RelayVerdict, type Sequencing } from "../../chain/sequencer/service.js";
import { createMemoryDatabase } from "../../chain/store/memoryDb.js";
import type { Validator } from "../../chain/types/block.js";
import { equalBytes, toHex, utf8 } from "../../chain/types/bytes.js";
import { openFakeApp } from "../unit/consensus/fakeApp.js";
import { p2pFuzzStats, type FuzzStats } from "./stats.js";
import { mutate, opArb } from "./txBytes.js";

const CHAIN_ID = "fuzz-receipts-1";

/** Receipts as a sequencer signs them: accepted with and without fills, rejected, a chain of two. */
function seedReceipts(): { valid: SignedReceipt[]; refused: SignedReceipt[]; validators: Validator[] } {
  const signers = [1, 2, 3, 4].map((i) => createEd25519Signer(new Uint8Array(32).fill(i)));
  const validators = signers.map((s) => ({
    address: addressFromPubKey(s.publicKey),
    pubKey: s.publicKey,
    votingPower: 10n,
    proposerPriority: 0n,
  }));
  const receipt = (i: number, tx: string, extra: Partial<Receipt> = {}) =>
    Receipt.fromPartial({
      chainId: CHAIN_ID,
      height: 7n,
      index: i,
      txHash: sha256(utf8(tx)),
      resultHash: sha256(utf8(`result ${tx}`)),
      sequencerAddress: validators[i % 4]!.address,
      epoch: 2n,
      status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
      ...extra,
    });
  const fill = {
    market: "BTC-USDC",
    side: FillSide.FILL_SIDE_BUY,
    price: 65_000_000_000n,
    size: 1_000n,
    fee: "12uusdc",
    liquidity: Liquidity.LIQUIDITY_TAKER,
    orderId: 11n,
    counterpartyOrderId: 10n,
    tradeSeq: 3n,
    account: "strike1taker",
    subaccount: 0,
    counterparty: "strike1maker",
    counterpartySubaccount: 2,
  };
  const first = signReceipt(receipt(0, "a"), signers[0]!);
  const valid = [
    first,
    signReceipt(
      receipt(4, "b", { fills: [fill, { ...fill, tradeSeq: 4n }], previousReceiptHash: sha256(first.receipt) }),
      signers[0]!,
    ),
    signReceipt(
      receipt(1, "c", {
        code: 5,
        codespace: "bank",
        status: ReceiptStatus.RECEIPT_STATUS_REJECTED,
        log: "insufficient funds",
      }),
      signers[1]!,
    ),
    signReceipt(receipt(2, "d"), signers[2]!),
  ];
  const outsider = createEd25519Signer(new Uint8Array(32).fill(99));
  const refused = [
    // Signed by a key that is not a validator, and for another chain.
    signReceipt(receipt(3, "e", { sequencerAddress: addressFromPubKey(outsider.publicKey) }), outsider),
    signReceipt(receipt(3, "f", { chainId: "other-chain" }), signers[3]!),
  ];
  return { valid, refused, validators };
}

/** The steps of `relayed`, run again to see what a refusal threw: a TypeError or the like is a bug. */
function programmingError(bytes: Uint8Array, validators: readonly Validator[]): string | undefined {
  try {
    const receipt = verifyReceipt(decodeSignedReceipt(bytes), { chainId: CHAIN_ID });
    void validators.some((v) => equalBytes(v.address, receipt.sequencerAddress));
  } catch (e) {
    if (e instanceof TypeError || e instanceof ReferenceError || e instanceof SyntaxError) return String(e);
  }
  return undefined;
}

/** The seed receipts as they travel on the channel. */
export function receiptSeedMessages(): Uint8Array[] {
  const { valid, refused } = seedReceipts();
  return [...valid, ...refused].map((s) => SignedReceipt.encode(s).finish());
}

/** A receipt that verifies, signed by a key outside the validator set (what may be ignored unpenalised). */
function signedByOutsider(bytes: Uint8Array, validators: readonly Validator[]): boolean {
  try {
    const receipt = verifyReceipt(decodeSignedReceipt(bytes), { chainId: CHAIN_ID });
    return !validators.some((v) => equalBytes(v.address, receipt.sequencerAddress));
  } catch {
    return false;
  }
}

export async function fuzzReceiptsChannel(options: {
  inputs: number;
  seed: number;
  /** Other channels' messages, sent on this one. */
  foreign?: readonly Uint8Array[];
  onProgress?: (stats: FuzzStats) => void;
}): Promise<FuzzStats> {
  const { valid, refused, validators } = seedReceipts();
  const db = createMemoryDatabase();
  const sequencing: Sequencing = await openSequencing({
    db,
    chainId: CHAIN_ID,
    initialHeight: 1n,
    epochLength: 16n,
    app: {
      openSpeculativeBlock: () => {
        throw new TypeError("a full node does not sequence");
      },
    },
    mempool: createMempool({ app: await openFakeApp(db), maxTxs: 100, maxBytes: 1 << 20, maxTxBytes: 1 << 16 }),
    validatorSeed: undefined,
    maxBlockBytes: 1 << 20,
    maxBlockGas: -1n,
    validators: () => validators,
  });
  for (const s of valid)
    if (sequencing.relayed(SignedReceipt.encode(s).finish()).verdict !== "new") throw new Error("seed refused");
  let changes = 0;
  sequencing.receipts.onChange(() => changes++);
  const stored = () =>
    valid
      .map((s) => {
        const r = sequencing.receipts.get(Receipt.decode(s.receipt).txHash);
        return `${r?.stage}:${r === undefined ? "" : toHex(r.signed.signature)}`;
      })
      .join(",") + `/${sequencing.receipts.size}`;
  const reference = stored();
  const seeds = [...valid, ...refused].map((s) => SignedReceipt.encode(s).finish());
  // Every other input arrives in one batch with this held receipt after it, which names the
  // first seed as its predecessor: whatever claims those bytes is vouched for (receiptChain.ts).
  const successor = seeds[1]!;
  const seedHex = new Set(seeds.map(toHex));
  const all = [...valid, ...refused];

  const { stats, sample } = p2pFuzzStats("p2p-receipts", { equivalentApplied: 0 });
  const ops = fc.array(opArb, { minLength: 1, maxLength: 4 });
  const signedArb = fc.nat({ max: all.length - 1 }).map((i) => all[i]!);
  const arb = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...seeds), ops).map(([s, o]) => mutate(s, o)) },
    // Inside a correct envelope: the receipt bytes (the signature no longer covers them), or the key.
    {
      weight: 3,
      arbitrary: fc
        .tuple(signedArb, ops)
        .map(([s, o]) => SignedReceipt.encode({ ...s, receipt: mutate(s.receipt, o) }).finish()),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(signedArb, ops, fc.boolean())
        .map(([s, o, key]) =>
          SignedReceipt.encode(
            key ? { ...s, pubKey: mutate(s.pubKey, o) } : { ...s, signature: mutate(s.signature, o) },
          ).finish(),
        ),
    },
    {
      weight: options.foreign === undefined || options.foreign.length === 0 ? 0 : 1,
      arbitrary: fc.constantFrom(...(options.foreign ?? [new Uint8Array()])),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
    // Up to the channel's 64 KiB limit: random, and a seed padded with a long unknown field.
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1024, maxLength: 64 * 1024 }) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.integer({ min: 1024, max: 60 * 1024 })).map(([s, n]) => {
        const out = new Uint8Array(s.length + 4 + n);
        out.set(s);
        // Field 15, length-delimited, n bytes of zeros.
        out.set([0x7a, 0x80 | (n & 0x7f), 0x80 | ((n >> 7) & 0x7f), n >> 14], s.length);
        return out;
      }),
    },
  );

  const started = performance.now();
  const chunk = Math.min(20_000, options.inputs);
  for (let done = 0, round = 0; done < options.inputs; done += chunk, round++) {
    fc.assert(
      fc.property(arb, (bytes) => {
        if (seedHex.has(toHex(bytes))) return;
        stats.inputs++;
        let verdict: RelayVerdict;
        try {
          if (stats.inputs % 2 === 0) {
            const [first, second] = sequencing.relayedBatch([bytes, successor]);
            if (second?.verdict !== "kept") {
              stats.crashes++;
              sample(`the held successor in the batch came to ${JSON.stringify(second)}`, bytes);
            }
            verdict = first!;
          } else verdict = sequencing.relayed(bytes);
        } catch (e) {
          stats.crashes++;
          sample(String(e), bytes);
          return;
        }
        if (verdict.verdict === "invalid") {
          stats.penalised!++;
          // relayed() calls any throw invalid: a programming error on the way is a crash all the same.
          const bug = programmingError(bytes, validators);
          if (bug !== undefined) {
            stats.crashes++;
            sample(bug, bytes);
          }
          return;
        }
        if (verdict.verdict === "ignored") {
          if (!signedByOutsider(bytes, validators)) {
            stats.unpenalised!++;
            sample("ignored, not penalised", bytes);
          }
          return;
        }
        stats.accepted++;
        sample("kept", bytes);
      }),
      { numRuns: Math.min(chunk, options.inputs - done), seed: options.seed + round },
    );
    stats.blocks++;
    if (changes > 0 || stored() !== reference) {
      stats.stateChanges++;
      sample(`the receipt store changed (${changes} changes)`, new Uint8Array());
      changes = 0;
    }
    stats.durationS = (performance.now() - started) / 1000;
    options.onProgress?.(stats);
  }
  stats.durationS = (performance.now() - started) / 1000;
  return stats;
}
