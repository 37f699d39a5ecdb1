/**
 * The staking reads every block makes for each member of the set (a validator, an operator by
 * consensus address, the params) and slashing's params are answered from memory: each gives
 * what the store gives (value and gas) in the block's state and in a tx's branch that has just
 * changed it, and a caller that edits what it was handed cannot edit the next answer.
 */
import test from "ava";
import type { Context } from "../../../../chain/runtime/types.js";
import { branchStore } from "../../../../chain/store/branch.js";
import { createMemoryDatabase } from "../../../../chain/store/memoryDb.js";
import { openStateStore } from "../../../../chain/store/stateStore.js";
import type { KVStore } from "../../../../chain/store/types.js";
import { addressToBech32 } from "../../../../chain/crypto/address.js";
import { toHex } from "../../../../chain/types/bytes.js";
import {
  consAddressOf,
  defaultStakingParams,
  getParams,
  getValidator,
  operatorByConsAddress,
  setParams,
  setValidator,
  type ValidatorRecord,
} from "../../../../modules/staking/state.js";
import {
  defaultSlashingParams,
  getParams as getSlashingParams,
  setParams as setSlashingParams,
} from "../../../../modules/slashing/state.js";
import { blockContextOn, readBothWays } from "../../../helpers/valueCacheBothWays.js";

const ctxOn = (store: KVStore): Context => blockContextOn(store);

function validator(n: number, tokens: bigint): ValidatorRecord {
  return {
    operator: addressToBech32(new Uint8Array(20).fill(n)),
    pubKey: new Uint8Array(32).fill(n + 100),
    moniker: `v${n}`,
    bonded: true,
    jailed: false,
    tokens,
    shares: tokens * 10n ** 18n,
    commission: { rate: 10n ** 17n, maxRate: 2n * 10n ** 17n, maxChangeRate: 10n ** 16n, updateTime: 5n },
  };
}

const show = (v: ValidatorRecord | undefined): string =>
  v === undefined
    ? "none"
    : `${v.operator}|${toHex(v.pubKey)}|${v.moniker}|${v.bonded}|${v.jailed}|${v.tokens}|${v.shares}|${v.commission.rate}|${v.commission.updateTime}`;

/** Everything the cached reads answer, with the gas paid: through the cache and through the store. */
function readsBothWays(store: KVStore, vals: ValidatorRecord[]): { cached: string; plain: string } {
  return readBothWays(() => {
    const ctx = ctxOn(store);
    const out = vals.map(
      (v) => `${show(getValidator(ctx, v.operator))} by cons ${operatorByConsAddress(ctx, consAddressOf(v.pubKey))}`,
    );
    out.push(`missing ${show(getValidator(ctx, validator(99, 1n).operator))}`);
    out.push(`params ${JSON.stringify(getParams(ctx), (_, x: unknown) => (typeof x === "bigint" ? String(x) : x))}`);
    const sp = getSlashingParams(ctx);
    out.push(`slashing ${sp.signedBlocksWindow} ${sp.minSignedPerWindow} ${sp.slashFractionDowntime}`);
    return `${out.join("\n")}\ngas ${ctx.gasMeter.consumed}`;
  });
}

test("validators, operators by consensus address and params read from memory equal the store's, gas included, in every branch", async (t) => {
  const state = await openStateStore({ db: createMemoryDatabase(), keepRecent: 0 });
  const vals = [validator(1, 1_000_000n), validator(2, 2_000_000n)];
  const block = ctxOn(state.working);
  setParams(block, defaultStakingParams());
  setSlashingParams(block, defaultSlashingParams());
  for (const v of vals) setValidator(block, v);

  const first = readsBothWays(state.working, vals);
  t.is(first.cached, first.plain);
  t.true(first.cached.includes("|v1|true|false|1000000|"));

  // A tx jails one, changes the params: its own reads see that, the block's do not until it is written.
  const tx = branchStore(state.working);
  const txCtx = ctxOn(tx);
  setValidator(txCtx, { ...vals[0]!, jailed: true, tokens: 5n }, vals[0]!);
  setParams(txCtx, { ...defaultStakingParams(), maxValidators: 7 });
  setSlashingParams(txCtx, { ...defaultSlashingParams(), signedBlocksWindow: 42n });
  const inTx = readsBothWays(tx, vals);
  t.is(inTx.cached, inTx.plain);
  t.true(inTx.cached.includes("|v1|true|true|5|"));
  t.true(inTx.cached.includes('"maxValidators":7'));
  t.true(inTx.cached.includes("slashing 42 "));
  t.is(readsBothWays(state.working, vals).cached, first.cached);

  tx.write();
  const after = readsBothWays(state.working, vals);
  t.is(after.cached, after.plain);
  t.is(after.cached, inTx.cached);
});

test("a caller editing the validator or params it was handed does not edit the next answer", async (t) => {
  const state = await openStateStore({ db: createMemoryDatabase(), keepRecent: 0 });
  const v = validator(3, 3_000_000n);
  const ctx = ctxOn(state.working);
  setParams(ctx, defaultStakingParams());
  setValidator(ctx, v);
  const handed = getValidator(ctx, v.operator)!;
  handed.pubKey.fill(0);
  handed.commission.rate = 0n;
  handed.jailed = true;
  getParams(ctx).maxValidators = 1;
  getSlashingParams(ctx).signedBlocksWindow = 1n;
  const again = getValidator(ctx, v.operator)!;
  t.is(show(again), show(v));
  t.is(getParams(ctx).maxValidators, defaultStakingParams().maxValidators);
  t.is(getSlashingParams(ctx).signedBlocksWindow, defaultSlashingParams().signedBlocksWindow);
});
