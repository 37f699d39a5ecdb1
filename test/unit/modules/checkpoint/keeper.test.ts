import test from "ava";
import { hexlify, keccak256 } from "ethers";
import {
  MsgCheckpointEquivocation,
  MsgForgedCheckpoint,
  MsgRegisterEthKey,
  MsgSignCheckpoint,
} from "../../../../chain/codec/generated/strike/checkpoint/v1/tx.js";
import { checkpointDigest } from "../../../../chain/l1/digest.js";
import { ed25519Address } from "../../../../chain/crypto/ed25519.js";
import { signCheckpointDigest } from "../../../../app/checkpointSigner.js";
import {
  checkpointErrors,
  encodeL1Set,
  registrationDigest,
  validateCheckpointGenesis,
} from "../../../../modules/checkpoint/index.js";
import { checkpoints } from "../../../../modules/checkpoint/state.js";
import { pruneCheckpoints } from "../../../../modules/checkpoint/keeper.js";
import type { Context } from "../../../../chain/runtime/types.js";
import { msgs as stakingMsgs, pubKey } from "../staking/fixture.js";
import {
  CHAIN_ID,
  L1_CHAIN_ID,
  SETTLEMENT,
  STRIKE,
  addr,
  appHashAt,
  blockHashAt,
  createCheckpointChain,
  ethWallet,
  type CheckpointChain,
} from "./fixture.js";

const three = (keys?: number[]) =>
  createCheckpointChain({
    validators: [
      { operator: 1, strike: 100n },
      { operator: 2, strike: 100n },
      { operator: 3, strike: 100n },
    ],
    ...(keys === undefined ? {} : { withKeys: keys }),
  });

function signMsg(
  c: CheckpointChain,
  height: bigint,
  validator: number,
  keyOf = validator,
  mutate?: (s: Uint8Array) => Uint8Array,
) {
  const cp = c.checkpoint.checkpoint(c.ctx(), height)!;
  let signature = signCheckpointDigest(cp.digest, ethWallet(keyOf).privateKey);
  if (mutate !== undefined) signature = mutate(signature);
  return {
    typeUrl: "/strike.checkpoint.v1.MsgSignCheckpoint",
    value: MsgSignCheckpoint.encode({ submitter: addr(7), height, validator: addr(validator), signature }).finish(),
  };
}

test("a checkpoint of height h is recorded at h+1 with the header's app hash and block h's hash, signed over Settlement.sol's digest", (t) => {
  const c = three();
  c.blocks(6);
  t.is(c.checkpoint.latestHeight(c.ctx()), 5n);
  t.is(c.checkpoint.checkpoint(c.ctx(), 4n), undefined, "no checkpoint off the interval");
  const cp = c.checkpoint.checkpoint(c.ctx(), 5n)!;
  t.deepEqual(cp.appHash, appHashAt(5n));
  t.deepEqual(cp.blockHash, blockHashAt(5n));
  t.is(cp.totalPower, 300n);
  const expected = checkpointDigest(
    { l1ChainId: L1_CHAIN_ID, settlement: SETTLEMENT, strikeChainId: CHAIN_ID },
    {
      height: 5n,
      appHash: hexlify(appHashAt(5n)),
      blockHash: hexlify(blockHashAt(5n)),
      withdrawalRoot: hexlify(new Uint8Array(32)),
      exitRoot: hexlify(new Uint8Array(32)),
      creditedDepositNonce: 0n,
    },
  );
  t.is(hexlify(cp.digest), expected);
});

test("exactly 2/3 of the power does not complete a checkpoint; one more signer does", (t) => {
  const c = three();
  c.blocks(6);
  t.true(c.deliver(signMsg(c, 5n, 1)).ok);
  t.true(c.deliver(signMsg(c, 5n, 2)).ok);
  let cp = c.checkpoint.checkpoint(c.ctx(), 5n)!;
  t.is(cp.signedPower, 200n);
  t.is(cp.completedAt, 0n, "200 of 300 is exactly 2/3: not enough");
  t.true(c.deliver(signMsg(c, 5n, 3)).ok);
  cp = c.checkpoint.checkpoint(c.ctx(), 5n)!;
  t.is(cp.completedAt, c.height);
  t.is(c.checkpoint.signaturesOf(c.ctx(), 5n).length, 3);
});

test("just over 2/3 of the power completes a checkpoint", (t) => {
  const c = createCheckpointChain({
    validators: [
      { operator: 1, strike: 34n },
      { operator: 2, strike: 33n },
      { operator: 3, strike: 33n },
    ],
  });
  c.blocks(6);
  t.true(c.deliver(signMsg(c, 5n, 2)).ok);
  t.is(c.checkpoint.checkpoint(c.ctx(), 5n)!.completedAt, 0n);
  t.true(c.deliver(signMsg(c, 5n, 1)).ok);
  t.is(c.checkpoint.checkpoint(c.ctx(), 5n)!.signedPower, 67n);
  t.not(c.checkpoint.checkpoint(c.ctx(), 5n)!.completedAt, 0n, "67 of 100 is more than 2/3");
});

test("a bad, high-s, wrong-signer or duplicate signature is refused and changes nothing", (t) => {
  const c = three();
  c.blocks(6);
  t.true(c.deliver(signMsg(c, 5n, 1)).ok);
  const before = c.snapshot();
  const cases: [string, ReturnType<typeof signMsg>, { is(e: unknown): boolean }][] = [
    ["duplicate", signMsg(c, 5n, 1), checkpointErrors.duplicateSignature],
    ["someone else's key", signMsg(c, 5n, 2, 3), checkpointErrors.wrongSigner],
    [
      "high s (the malleable twin)",
      signMsg(c, 5n, 2, 2, (sig) => {
        const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
        const s = BigInt(hexlify(sig.subarray(32, 64)));
        const out = Uint8Array.from(sig);
        out.set(Buffer.from((n - s).toString(16).padStart(64, "0"), "hex"), 32);
        out[64] = sig[64] === 27 ? 28 : 27;
        return out;
      }),
      checkpointErrors.badSignature,
    ],
    [
      "v outside 27/28",
      signMsg(c, 5n, 2, 2, (sig) => Uint8Array.from([...sig.subarray(0, 64), 0])),
      checkpointErrors.badSignature,
    ],
    ["garbage", signMsg(c, 5n, 2, 2, (sig) => sig.map((b) => b ^ 0x5a)), checkpointErrors.badSignature],
    ["no checkpoint at that height", signMsg(c, 5n, 2), checkpointErrors.unknownCheckpoint],
  ];
  // The last case asks for height 4, where nothing was recorded.
  const last = cases[cases.length - 1]!;
  last[1] = {
    typeUrl: last[1].typeUrl,
    value: MsgSignCheckpoint.encode({ ...MsgSignCheckpoint.decode(last[1].value), height: 4n }).finish(),
  };
  for (const [name, msg, error] of cases) {
    const r = c.deliver(msg);
    t.false(r.ok, name);
    t.true(
      error.is(r.error) || (name === "garbage" && checkpointErrors.wrongSigner.is(r.error)),
      `${name}: ${String(r.error)}`,
    );
  }
  t.is(c.snapshot(), before);
});

test("a validator without a registered key cannot sign, and its power still counts against the 2/3", (t) => {
  const c = three([1, 2]);
  c.blocks(6);
  const r = c.deliver(signMsg(c, 5n, 3));
  t.true(checkpointErrors.noEthKey.is(r.error), String(r.error));
  t.true(c.deliver(signMsg(c, 5n, 1)).ok);
  t.true(c.deliver(signMsg(c, 5n, 2)).ok);
  const cp = c.checkpoint.checkpoint(c.ctx(), 5n)!;
  t.is(cp.totalPower, 300n);
  t.is(cp.completedAt, 0n, "every registered key signed, but 200 of 300 is not more than 2/3");
});

test("without an L1 domain checkpoints are recorded but not signable", (t) => {
  const c = createCheckpointChain({ validators: [{ operator: 1, strike: 100n }], domain: false });
  c.blocks(6);
  const cp = c.checkpoint.checkpoint(c.ctx(), 5n)!;
  t.is(cp.digest.length, 0);
  const signature = signCheckpointDigest(new Uint8Array(32), ethWallet(1).privateKey);
  const r = c.deliver({
    typeUrl: "/strike.checkpoint.v1.MsgSignCheckpoint",
    value: MsgSignCheckpoint.encode({ submitter: addr(7), height: 5n, validator: addr(1), signature }).finish(),
  });
  t.true(checkpointErrors.noDomain.is(r.error), String(r.error));
});

function registerMsg(operator: number, key: number, proofKey = key) {
  const proof = ethWallet(proofKey).signingKey.sign(registrationDigest(CHAIN_ID, addr(operator))).serialized;
  return {
    typeUrl: "/strike.checkpoint.v1.MsgRegisterEthKey",
    value: MsgRegisterEthKey.encode({
      operator: addr(operator),
      ethAddress: ethWallet(key).address,
      proof: Buffer.from(proof.slice(2), "hex"),
    }).finish(),
  };
}

test("an Ethereum key is registered once: a taken address, a second key, a bad proof or a non-validator are refused", (t) => {
  const c = three([1, 2]);
  const before = c.snapshot();
  for (const [name, msg, error] of [
    ["address of validator 1", registerMsg(3, 1), checkpointErrors.keyTaken],
    ["validator 1 again", registerMsg(1, 5), checkpointErrors.keyAlreadySet],
    ["proof by another key", registerMsg(3, 3, 4), checkpointErrors.badProof],
    ["not a validator", registerMsg(6, 6), checkpointErrors.notValidator],
  ] as const) {
    const r = c.deliver(msg);
    t.true(error.is(r.error), `${name}: ${String(r.error)}`);
  }
  t.is(c.snapshot(), before);
  t.true(c.deliver(registerMsg(3, 3)).ok);
  t.is(hexlify(c.checkpoint.ethKey(c.ctx(), addr(3))!), ethWallet(3).address.toLowerCase());
  t.throws(
    () =>
      validateCheckpointGenesis({
        eth_keys: [
          { operator: addr(1), eth_address: ethWallet(1).address },
          { operator: addr(2), eth_address: ethWallet(1).address.toLowerCase() },
        ],
      }),
    { message: /registered twice/ },
  );
});

test("a key registered later changes the signing set: a checkpoint at once, signed by the old set, carrying the new set's hash", (t) => {
  const c = three([1, 2]);
  c.blocks(6);
  c.block([registerMsg(3, 3)]); // height 7; its state shows at the begin block of 8
  c.block();
  const cp = c.checkpoint.checkpoint(c.ctx(), 7n)!;
  t.truthy(cp, "a checkpoint off the interval, for the set change");
  t.is(cp.signersSet.find((m) => m.operator === addr(3))!.ethAddress.length, 0, "signed by the set before the change");
  const next = c.checkpoint.signingSet(c.ctx());
  t.is(hexlify(cp.nextValidatorSetHash), keccak256(encodeL1Set(next)));
  t.is(next.filter((m) => m.ethAddress.length === 20).length, 3);
  c.blocks(3);
  t.is(c.checkpoint.checkpoint(c.ctx(), 10n)!.nextValidatorSetHash.length, 0, "no change, no next set");
});

test("a power change in the bonded set triggers a checkpoint signed by the old powers", (t) => {
  const c = three();
  c.blocks(2);
  c.block([stakingMsgs.delegate(5, 2, 50n * STRIKE)]); // height 3
  c.block();
  const cp = c.checkpoint.checkpoint(c.ctx(), 3n);
  t.truthy(cp, "a checkpoint off the interval");
  t.is(cp!.totalPower, 300n, "the old set signs it");
  t.is(hexlify(cp!.nextValidatorSetHash), keccak256(encodeL1Set(c.checkpoint.signingSet(c.ctx()))));
  t.is(
    c.checkpoint.signingSet(c.ctx()).reduce((s, m) => s + m.power, 0n),
    350n,
    "the next checkpoint is signed by the new powers",
  );
});

/** Validator n's signed checkpoint fields for `height` with this app hash (block hash and roots as recorded at 5). */
function signedFields(c: CheckpointChain, n: number, appHash: Uint8Array, height = 5n) {
  const cp = c.checkpoint.checkpoint(c.ctx(), 5n) ?? {
    blockHash: blockHashAt(5n),
    withdrawalRoot: new Uint8Array(32),
    exitRoot: new Uint8Array(32),
    creditedDepositNonce: 0n,
  };
  const digest = checkpointDigest(
    { l1ChainId: L1_CHAIN_ID, settlement: SETTLEMENT, strikeChainId: CHAIN_ID },
    {
      height,
      appHash: hexlify(appHash),
      blockHash: hexlify(cp.blockHash),
      withdrawalRoot: hexlify(cp.withdrawalRoot),
      exitRoot: hexlify(cp.exitRoot),
      creditedDepositNonce: cp.creditedDepositNonce,
    },
  );
  return {
    height,
    appHash,
    blockHash: cp.blockHash,
    withdrawalRoot: cp.withdrawalRoot,
    exitRoot: cp.exitRoot,
    creditedDepositNonce: cp.creditedDepositNonce,
    nextValidatorSetHash: new Uint8Array(),
    signature: signCheckpointDigest(Buffer.from(digest.slice(2), "hex"), ethWallet(n).privateKey),
  };
}

const equivocation = (
  validator: number,
  first: ReturnType<typeof signedFields>,
  second: ReturnType<typeof signedFields>,
) => ({
  typeUrl: "/strike.checkpoint.v1.MsgCheckpointEquivocation",
  value: MsgCheckpointEquivocation.encode({ submitter: addr(7), validator: addr(validator), first, second }).finish(),
});

test("a validator whose key signed two different digests for one height is slashed and jailed, once", (t) => {
  const c = three();
  c.blocks(6);
  const honest = signedFields(c, 2, appHashAt(5n));
  const forged = signedFields(c, 2, new Uint8Array(32).fill(7));
  const tokensBefore = c.staking.validator(c.ctx(), addr(2))!.tokens;
  const r = c.deliver(equivocation(2, honest, forged));
  t.true(r.ok, String(r.error));
  const v = c.staking.validator(c.ctx(), addr(2))!;
  t.is(v.tokens, tokensBefore - (tokensBefore * 5n) / 100n, "5% slashed");
  t.true(v.jailed);
  t.deepEqual(ed25519Address(v.pubKey), ed25519Address(pubKey(2)));
  const again = c.deliver(equivocation(2, honest, forged));
  t.true(checkpointErrors.alreadyPunished.is(again.error), String(again.error));
  t.is(c.staking.validator(c.ctx(), addr(2))!.tokens, v.tokens);
});

test("evidence that is not an equivocation punishes nobody", (t) => {
  const c = three();
  c.blocks(6);
  const before = c.snapshot();
  const a = signedFields(c, 2, appHashAt(5n));
  const b = signedFields(c, 2, new Uint8Array(32).fill(7));
  const byOther = signedFields(c, 3, new Uint8Array(32).fill(7));
  const cases = [
    ["the same digest twice", equivocation(2, a, a), checkpointErrors.notEquivocation],
    ["the second signed by another key", equivocation(2, a, byOther), checkpointErrors.wrongSigner],
    ["against the wrong validator", equivocation(1, a, b), checkpointErrors.wrongSigner],
    ["different heights", equivocation(2, a, { ...b, height: 6n }), checkpointErrors.notEquivocation],
  ] as const;
  for (const [name, msg, error] of cases) {
    const r = c.deliver(msg);
    t.true(error.is(r.error), `${name}: ${String(r.error)}`);
  }
  t.is(c.snapshot(), before);
  t.is(c.staking.validator(c.ctx(), addr(2))!.tokens, 100n * STRIKE);
});

test("an equivocation is slashed by the power the validator had in the set in force at its height, not today's", (t) => {
  const c = three();
  c.blocks(6); // the checkpoint of 5 is recorded at 6
  c.block([stakingMsgs.delegate(5, 2, 100n * STRIKE)]); // height 7: validator 2 goes from 100 to 200
  c.block(); // the set change is checkpointed at 7, signed by the old powers
  t.is(c.checkpoint.checkpoint(c.ctx(), 7n)!.signersSet.find((m) => m.operator === addr(2))!.power, 100n);
  c.blocks(2);
  const tokensBefore = c.staking.validator(c.ctx(), addr(2))!.tokens;
  t.is(tokensBefore, 200n * STRIKE);
  // Height 6 has no checkpoint of its own: the set in force there is the one that signs 7.
  const r = c.deliver(
    equivocation(2, signedFields(c, 2, appHashAt(6n), 6n), signedFields(c, 2, new Uint8Array(32).fill(9), 6n)),
  );
  t.true(r.ok, String(r.error));
  const v = c.staking.validator(c.ctx(), addr(2))!;
  t.is(tokensBefore - v.tokens, 5n * STRIKE, "5% of the 100 it signed with, not of today's 200");
  t.true(v.jailed);
  // Past the newest checkpoint the set in force is today's signing set (200 now).
  const later = c.checkpoint.latestHeight(c.ctx())! + 3n;
  const r2 = c.deliver(
    equivocation(3, signedFields(c, 3, appHashAt(later), later), signedFields(c, 3, new Uint8Array(32).fill(4), later)),
  );
  t.true(r2.ok, String(r2.error));
  t.is(c.staking.validator(c.ctx(), addr(3))!.tokens, 95n * STRIKE);
});

test("equivocation evidence below keep_heights under the newest checkpoint is refused as expired and changes nothing", (t) => {
  const c = createCheckpointChain({
    validators: [
      { operator: 1, strike: 100n },
      { operator: 2, strike: 100n },
      { operator: 3, strike: 100n },
    ],
    keepHeights: 20n,
  });
  c.blocks(66);
  t.is(c.checkpoint.latestHeight(c.ctx()), 65n);
  const evidenceAt = (h: bigint) =>
    equivocation(2, signedFields(c, 2, appHashAt(h), h), signedFields(c, 2, new Uint8Array(32).fill(7), h));
  const before = c.snapshot();
  const old = c.deliver(evidenceAt(44n));
  t.true(checkpointErrors.expiredEvidence.is(old.error), String(old.error));
  t.regex(String(old.error), /height 44 is below 45/);
  t.is(c.snapshot(), before);
  t.is(c.staking.validator(c.ctx(), addr(2))!.tokens, 100n * STRIKE);
  const atHorizon = c.deliver(evidenceAt(45n));
  t.true(atHorizon.ok, String(atHorizon.error));
  t.is(c.staking.validator(c.ctx(), addr(2))!.tokens, 95n * STRIKE);
});

test("checkpoints more than keep_heights below the newest are pruned with their signatures, in height order, except set changes", (t) => {
  const run = (keepHeights: bigint) => {
    const c = createCheckpointChain({
      validators: [
        { operator: 1, strike: 100n },
        { operator: 2, strike: 100n },
        { operator: 3, strike: 100n },
      ],
      withKeys: [1, 2],
      keepHeights,
    });
    c.blocks(6);
    c.block([signMsg(c, 5n, 1), signMsg(c, 5n, 2)]);
    c.block([registerMsg(3, 3)]); // height 8: a set change, recorded at height 8
    c.blocks(60);
    return c;
  };
  const c = run(20n);
  const latest = c.checkpoint.latestHeight(c.ctx())!;
  t.is(latest, 65n);
  const kept = c.checkpoint.checkpointsAfter(c.ctx(), 0n, 100).map((cp) => cp.height);
  t.deepEqual(kept, [8n, 45n, 50n, 55n, 60n, 65n], "the set change and the last 20 heights");
  t.true(c.checkpoint.checkpoint(c.ctx(), 8n)!.nextValidatorSet.length > 0, "the kept old one is the set change");
  t.is(c.checkpoint.checkpoint(c.ctx(), 5n), undefined);
  t.deepEqual(c.checkpoint.signaturesOf(c.ctx(), 5n), []);
  const late = c.block([signMsg(c, 60n, 1)])[0]!;
  t.true(late.ok, String(late.error));
  // keep_heights 0 keeps everything; the same blocks give the same state (pruning reads no clock).
  const all = run(0n);
  t.is(all.checkpoint.checkpointsAfter(all.ctx(), 0n, 100).length, 14);
  t.is(all.checkpoint.signaturesOf(all.ctx(), 5n).length, 2);
  t.is(run(20n).snapshot(), run(20n).snapshot());
  t.not(run(20n).snapshot(), run(0n).snapshot());
});

/** Two validators with Ethereum keys; checkpoints are never pruned by height. */
const twoSignersKeepingAll = () =>
  createCheckpointChain({
    validators: [
      { operator: 1, strike: 100n },
      { operator: 2, strike: 100n },
    ],
    withKeys: [1, 2],
    keepHeights: 0n,
  });

/** `ctx` with every entry its stores' iterators yield counted in `reads`. */
function countingReads(ctx: Context): { ctx: Context; reads: number } {
  const counter = { ctx, reads: 0 };
  counter.ctx = {
    ...ctx,
    kv(storeKey: string) {
      const store = ctx.kv(storeKey);
      return {
        get: (k: Uint8Array) => store.get(k),
        has: (k: Uint8Array) => store.has(k),
        set: (k: Uint8Array, v: Uint8Array) => store.set(k, v),
        delete: (k: Uint8Array) => store.delete(k),
        *iterator(start?: Uint8Array, end?: Uint8Array, reverse?: boolean) {
          for (const e of store.iterator(start, end, reverse)) {
            counter.reads++;
            yield e;
          }
        },
      };
    },
  } as unknown as Context;
  return counter;
}

test("a page of checkpoints after a cursor starts at the cursor: the same pages as a filter of all of them, reading only the page", (t) => {
  const c = twoSignersKeepingAll();
  c.blocks(120);
  const all = [...checkpoints.iterate(c.ctx())].map(([h]) => h);
  t.true(all.length >= 20, `${all.length} checkpoints`);
  const counting = countingReads(c.ctx());
  for (const after of [0n, 1n, all[0]! - 1n, all[0]!, all[5]!, all[5]! + 1n, all.at(-2)!, all.at(-1)!, 10_000n]) {
    for (const limit of [1, 3, 50]) {
      counting.reads = 0;
      const page = c.checkpoint.checkpointsAfter(counting.ctx, after, limit).map((cp) => cp.height);
      t.deepEqual(page, all.filter((h) => h > after).slice(0, limit), `after ${after}, limit ${limit}`);
      t.true(
        counting.reads <= page.length + 1,
        `after ${after}, limit ${limit}: read ${counting.reads} entries for a page of ${page.length}`,
      );
    }
  }
  t.deepEqual(c.checkpoint.checkpointsAfter(c.ctx(), (1n << 64n) - 1n, 50), []);
  t.deepEqual(c.checkpoint.checkpointsAfter(c.ctx(), 0n, 0), []);
});

test("pruning resumes where it stopped: the set changes it keeps below are not read again", (t) => {
  const c = twoSignersKeepingAll();
  c.blocks(12);
  const ctx = c.ctx();
  const [, proto] = [...checkpoints.iterate(ctx)][0]!;
  const setChange = { ...proto, nextValidatorSet: Uint8Array.of(1, 2, 3) };
  // 500 set changes (kept forever), then plain checkpoints every 10 heights.
  for (let h = 1_000n; h < 1_500n; h++) checkpoints.set(ctx, h, { ...setChange, height: h });
  for (let h = 1_500n; h < 2_000n; h += 10n) checkpoints.set(ctx, h, { ...proto, height: h });
  const plainBelow = (h: bigint) =>
    [...checkpoints.iterate(ctx)].filter(([at, cp]) => at < h && cp.nextValidatorSet.length === 0).length;
  const due = plainBelow(1_700n);
  t.true(due >= 20, "plain 1,500 … 1,690 and the chain's own");
  t.is(pruneCheckpoints(ctx, 1_700n), due);
  const counting = countingReads(ctx);
  t.is(pruneCheckpoints(counting.ctx, 1_800n), 10, "plain 1,700 … 1,790");
  t.true(counting.reads <= 12, `read ${counting.reads} entries to prune 10`);
  t.is(pruneCheckpoints(counting.ctx, 1_750n), 0, "a lower bound (keep_heights raised) prunes nothing more");
  const left = [...checkpoints.iterate(ctx)].map(([h, cp]) => [h, cp.nextValidatorSet.length > 0] as const);
  t.is(left.filter(([, change]) => change).length, 500 + left.filter(([h, change]) => change && h < 1_000n).length);
  t.deepEqual(
    left.filter(([h, change]) => !change && h < 1_800n),
    [],
    "no plain checkpoint below the bound",
  );
  t.is(left.filter(([h, change]) => !change && h >= 1_800n).length, 20);
});

const forgedReport = (validator: number, signed: ReturnType<typeof signedFields>) => ({
  typeUrl: "/strike.checkpoint.v1.MsgForgedCheckpoint",
  value: MsgForgedCheckpoint.encode({ submitter: addr(7), validator: addr(validator), signed }).finish(),
});

const FORGED_ROOT = new Uint8Array(32).fill(7);

test("a signature over the chain's own checkpoint is not forged: refused, and nothing changes", (t) => {
  const c = three();
  c.blocks(6);
  const before = c.snapshot();
  const r = c.deliver(forgedReport(2, signedFields(c, 2, appHashAt(5n))));
  t.true(checkpointErrors.notForged.is(r.error), String(r.error));
  t.is(c.snapshot(), before);
  t.false(c.staking.validator(c.ctx(), addr(2))!.jailed);
});

test("one signature over a digest that is not the chain's checkpoint at a recorded height is slashed and jailed, once", (t) => {
  const c = three();
  c.blocks(6);
  const forged = signedFields(c, 2, FORGED_ROOT);
  const r = c.deliver(forgedReport(2, forged));
  t.true(r.ok, String(r.error));
  const v = c.staking.validator(c.ctx(), addr(2))!;
  t.is(v.tokens, 95n * STRIKE, "5% of the 100 it had in the set that signs height 5");
  t.true(v.jailed);
  const event = r.events.find((e) => e.type === "checkpoint_forged")!;
  t.deepEqual(
    event.attributes.map((a) => [a.key, a.value]),
    [
      ["validator", addr(2)],
      ["height", "5"],
      ["slashed", (5n * STRIKE).toString()],
    ],
  );
  const after = c.snapshot();
  const again = c.deliver(forgedReport(2, forged));
  t.true(checkpointErrors.alreadyPunished.is(again.error), String(again.error));
  const other = c.deliver(forgedReport(2, signedFields(c, 2, new Uint8Array(32).fill(8))));
  t.true(checkpointErrors.alreadyPunished.is(other.error), "another forged digest for the same height");
  t.is(c.snapshot(), after);
});

test("a checkpoint carries the bridge's credited deposit nonce under its signatures; a signature over another nonce is a forgery", (t) => {
  const c = three();
  c.creditedDepositNonce = 41n;
  c.blocks(6);
  const cp = c.checkpoint.checkpoint(c.ctx(), 5n)!;
  t.is(cp.creditedDepositNonce, 41n);
  const digestWith = (nonce: bigint) =>
    checkpointDigest(
      { l1ChainId: L1_CHAIN_ID, settlement: SETTLEMENT, strikeChainId: CHAIN_ID },
      {
        height: 5n,
        appHash: hexlify(appHashAt(5n)),
        blockHash: hexlify(blockHashAt(5n)),
        withdrawalRoot: hexlify(cp.withdrawalRoot),
        exitRoot: hexlify(cp.exitRoot),
        creditedDepositNonce: nonce,
      },
    );
  t.is(hexlify(cp.digest), digestWith(41n));
  // The chain's state root with fewer deposits credited: on L1 it would let the deposits
  // above pay back in exit mode although their uusdc is in accounts' equity.
  const honest = signedFields(c, 2, appHashAt(5n));
  const lie = {
    ...honest,
    creditedDepositNonce: 40n,
    signature: signCheckpointDigest(Buffer.from(digestWith(40n).slice(2), "hex"), ethWallet(2).privateKey),
  };
  t.true(checkpointErrors.notForged.is(c.deliver(forgedReport(2, honest)).error));
  const r = c.deliver(forgedReport(2, lie));
  t.true(r.ok, String(r.error));
  t.true(c.staking.validator(c.ctx(), addr(2))!.jailed);
});

test("a signature for a height the chain never checkpointed, at or below the newest checkpoint, is slashed by the set in force there", (t) => {
  const c = three();
  c.blocks(11); // checkpoints at 5 and 10
  t.is(c.checkpoint.checkpoint(c.ctx(), 7n), undefined);
  // The chain's own fields for 7 are as good as any: nothing honest signs a height never checkpointed.
  const r = c.deliver(forgedReport(3, signedFields(c, 3, appHashAt(7n), 7n)));
  t.true(r.ok, String(r.error));
  const v = c.staking.validator(c.ctx(), addr(3))!;
  t.is(v.tokens, 95n * STRIKE);
  t.true(v.jailed);
});

test("forged-checkpoint evidence that cannot be judged or is not the validator's is refused and changes nothing", (t) => {
  const c = createCheckpointChain({
    validators: [
      { operator: 1, strike: 100n },
      { operator: 2, strike: 100n },
      { operator: 3, strike: 100n },
    ],
    keepHeights: 20n,
  });
  const none = c.deliver(forgedReport(2, signedFields(c, 2, FORGED_ROOT, 1n)));
  t.true(checkpointErrors.notCheckpointedYet.is(none.error), `before any checkpoint: ${String(none.error)}`);
  c.blocks(66);
  t.is(c.checkpoint.latestHeight(c.ctx()), 65n);
  const before = c.snapshot();
  const malformed = signedFields(c, 2, FORGED_ROOT, 60n);
  const highS = signedFields(c, 2, FORGED_ROOT, 60n);
  {
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(hexlify(highS.signature.subarray(32, 64)));
    highS.signature.set(Buffer.from((n - s).toString(16).padStart(64, "0"), "hex"), 32);
    highS.signature[64] = highS.signature[64] === 27 ? 28 : 27;
  }
  const cases = [
    [
      "the next height, above the newest checkpoint",
      forgedReport(2, signedFields(c, 2, FORGED_ROOT, 66n)),
      checkpointErrors.notCheckpointedYet,
    ],
    [
      "a future interval height",
      forgedReport(2, signedFields(c, 2, FORGED_ROOT, 70n)),
      checkpointErrors.notCheckpointedYet,
    ],
    ["below the horizon (45)", forgedReport(2, signedFields(c, 2, FORGED_ROOT, 44n)), checkpointErrors.expiredEvidence],
    [
      "signed by another validator's key",
      forgedReport(2, signedFields(c, 3, FORGED_ROOT, 60n)),
      checkpointErrors.wrongSigner,
    ],
    [
      "named against a validator that did not sign",
      forgedReport(1, signedFields(c, 2, FORGED_ROOT, 60n)),
      checkpointErrors.wrongSigner,
    ],
    ["against a non-validator", forgedReport(6, signedFields(c, 6, FORGED_ROOT, 60n)), checkpointErrors.notValidator],
    ["the malleable high-s twin", forgedReport(2, highS), checkpointErrors.badSignature],
    [
      "a 31-byte app hash",
      forgedReport(2, { ...malformed, appHash: malformed.appHash.subarray(1) }),
      checkpointErrors.badSignedCheckpoint,
    ],
  ] as const;
  for (const [name, msg, error] of cases) {
    const r = c.deliver(msg);
    t.false(r.ok, name);
    t.true(error.is(r.error), `${name}: ${String(r.error)}`);
  }
  t.is(c.snapshot(), before);
  for (const n of [1, 2, 3]) t.is(c.staking.validator(c.ctx(), addr(n))!.tokens, 100n * STRIKE);
  const atHorizon = c.deliver(forgedReport(2, signedFields(c, 2, FORGED_ROOT, 45n)));
  t.true(atHorizon.ok, `at the horizon: ${String(atHorizon.error)}`);
  t.is(c.staking.validator(c.ctx(), addr(2))!.tokens, 95n * STRIKE);
});

test("without an L1 domain there is no forged checkpoint to judge", (t) => {
  const c = createCheckpointChain({ validators: [{ operator: 1, strike: 100n }], domain: false });
  c.blocks(6);
  const r = c.deliver(forgedReport(1, signedFields(c, 1, FORGED_ROOT)));
  t.true(checkpointErrors.noDomain.is(r.error), String(r.error));
});

test("a validator is punished once per height across equivocation and forged-checkpoint evidence", (t) => {
  const c = three();
  c.blocks(11);
  // Equivocation first, then the forged digest alone for the same height.
  const forged5 = signedFields(c, 2, FORGED_ROOT);
  t.true(c.deliver(equivocation(2, signedFields(c, 2, appHashAt(5n)), forged5)).ok);
  const tokens = c.staking.validator(c.ctx(), addr(2))!.tokens;
  let after = c.snapshot();
  const r1 = c.deliver(forgedReport(2, forged5));
  t.true(checkpointErrors.alreadyPunished.is(r1.error), String(r1.error));
  t.is(c.snapshot(), after);
  // The forged digest first, then an equivocation for the same height.
  const forged10 = signedFields(c, 3, FORGED_ROOT, 10n);
  t.true(c.deliver(forgedReport(3, forged10)).ok);
  after = c.snapshot();
  const r2 = c.deliver(equivocation(3, forged10, signedFields(c, 3, new Uint8Array(32).fill(8), 10n)));
  t.true(checkpointErrors.alreadyPunished.is(r2.error), String(r2.error));
  t.is(c.snapshot(), after);
  t.is(c.staking.validator(c.ctx(), addr(2))!.tokens, tokens);
  t.is(c.staking.validator(c.ctx(), addr(3))!.tokens, 95n * STRIKE);
});
