/**
 * What the checkpoint module reads every block (its params, the signing set, each member's
 * Ethereum and BLS keys) is answered from memory: each gives what the store gives (value and
 * gas) in the block's state and in a tx's branch that has just changed it, and a caller that
 * edits what it was handed cannot edit the next answer.
 */
import test from "ava";
import type { Context } from "../../../../chain/runtime/types.js";
import { branchStore } from "../../../../chain/store/branch.js";
import { createMemoryDatabase } from "../../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../../chain/store/stateStore.js";
import type { KVStore } from "../../../../chain/store/types.js";
import { toHex } from "../../../../chain/types/bytes.js";
import {
  blsKeys,
  ethKeys,
  params,
  signingSet,
  type CheckpointParams,
  type SetMember,
} from "../../../../modules/checkpoint/state.js";
import { blockContextOn, readBothWays } from "../../../helpers/valueCacheBothWays.js";

const OPERATOR = "strike1qurswpc8qurswpc8qurswpc8qurswpc8c7uyqn";

const ctxOn = (store: KVStore): Context => blockContextOn(store);

const PARAMS: CheckpointParams = {
  interval: 10n,
  l1ChainId: 31337n,
  settlementAddress: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  scheme: "ecdsa",
  slashFractionEquivocation: 10n ** 16n,
  keepHeights: 100_000n,
};

function member(n: number, power: bigint): SetMember {
  return {
    operator: OPERATOR,
    ethAddress: new Uint8Array(20).fill(n),
    power,
    blsPublicKey: new Uint8Array(128).fill(n + 1),
  };
}

const showSet = (set: SetMember[] | undefined): string =>
  set === undefined ? "none" : set.map((m) => `${toHex(m.ethAddress)}:${m.power}:${toHex(m.blsPublicKey)}`).join(",");

function readsBothWays(store: KVStore): { cached: string; plain: string } {
  return readBothWays(() => {
    const ctx = ctxOn(store);
    const p = params.get(ctx);
    const bls = blsKeys.get(ctx, OPERATOR);
    return [
      `params ${p?.interval} ${p?.scheme} ${p?.keepHeights}`,
      `set ${showSet(signingSet.get(ctx))}`,
      `eth ${toHex(ethKeys.get(ctx, OPERATOR) ?? new Uint8Array())}`,
      `bls ${bls === undefined ? "none" : `${toHex(bls.publicKey)}/${toHex(bls.proofOfPossession)}`}`,
      `gas ${ctx.gasMeter.consumed}`,
    ].join("\n");
  });
}

test("the checkpoint params, signing set and keys read from memory equal the store's, gas included, in every branch", async (t) => {
  const state = await openStateStore({ db: createMemoryDatabase(), keepRecent: 0 });
  const block = ctxOn(state.working);
  const empty = readsBothWays(state.working);
  t.is(empty.cached, empty.plain);
  params.set(block, PARAMS);
  signingSet.set(block, [member(1, 10n), member(2, 20n)]);
  ethKeys.set(block, OPERATOR, new Uint8Array(20).fill(7));
  blsKeys.set(block, OPERATOR, {
    operator: OPERATOR,
    publicKey: new Uint8Array(128).fill(8),
    proofOfPossession: new Uint8Array(256).fill(9),
  });
  const first = readsBothWays(state.working);
  t.is(first.cached, first.plain);
  t.true(first.cached.includes(":20:"));

  const tx = branchStore(state.working);
  signingSet.set(ctxOn(tx), [member(3, 30n)]);
  params.set(ctxOn(tx), { ...PARAMS, interval: 50n });
  const inTx = readsBothWays(tx);
  t.is(inTx.cached, inTx.plain);
  t.true(inTx.cached.startsWith("params 50 ecdsa"));
  t.is(readsBothWays(state.working).cached, first.cached);
  tx.write();
  t.is(readsBothWays(state.working).cached, inTx.cached);
});

test("a caller editing the set or keys it was handed does not edit the next answer", async (t) => {
  const state = await openStateStore({ db: createMemoryDatabase(), keepRecent: 0 });
  const ctx = ctxOn(state.working);
  params.set(ctx, PARAMS);
  signingSet.set(ctx, [member(1, 10n)]);
  ethKeys.set(ctx, OPERATOR, new Uint8Array(20).fill(7));
  blsKeys.set(ctx, OPERATOR, {
    operator: OPERATOR,
    publicKey: new Uint8Array(128).fill(8),
    proofOfPossession: new Uint8Array(256).fill(9),
  });
  const before = readsBothWays(state.working).cached;
  const set = signingSet.get(ctx)!;
  set[0]!.ethAddress.fill(0);
  set[0]!.blsPublicKey.fill(0);
  set[0]!.power = 0n;
  set.push(member(5, 5n));
  ethKeys.get(ctx, OPERATOR)!.fill(0);
  const bls = blsKeys.get(ctx, OPERATOR)!;
  bls.publicKey.fill(0);
  bls.proofOfPossession.fill(0);
  params.get(ctx)!.interval = 1n;
  t.is(readsBothWays(state.working).cached, before);
});
