/** The staking module's accounting invariants, checked against bank balances. */
import type { ExecutionContext } from "ava";
import { BONDED_POOL, DISTRIBUTION_ACCOUNT, NOT_BONDED_POOL } from "../../../../modules/staking/index.js";
import { addr as addrOf, balanceOf, moduleAddr, supplyCheck, type Chain } from "./fixture.js";

function sum(list: readonly { denom: string; amount: bigint }[], denom: string): bigint {
  return list.filter((c) => c.denom === denom).reduce((s, c) => s + c.amount, 0n);
}

/** Returns the first broken invariant's description, or true; with `t`, asserts it. */
export function checkInvariants(t: ExecutionContext | undefined, c: Chain): boolean {
  const problems: string[] = [];
  const ctx = c.ctx();
  const { balances, supply } = supplyCheck(c);
  for (const [denom, total] of supply)
    if (balances.get(denom) !== total) problems.push(`${denom}: balances ${balances.get(denom)} ≠ supply ${total}`);
  const validators = c.staking.validators(ctx);
  const bonded = validators.filter((v) => v.bonded).reduce((s, v) => s + v.tokens, 0n);
  const unbondedTokens = validators.filter((v) => !v.bonded).reduce((s, v) => s + v.tokens, 0n);
  let unbonding = 0n;
  const delegators = new Set<string>();
  for (let n = 0; n <= 10; n++) {
    for (const e of c.staking.unbondingsOf(ctx, addrOf(n))) unbonding += BigInt(e.balance);
    delegators.add(addrOf(n));
  }
  if (balanceOf(c, moduleAddr(BONDED_POOL)) !== bonded) problems.push(`bonded pool ≠ bonded tokens ${bonded}`);
  if (balanceOf(c, moduleAddr(NOT_BONDED_POOL)) !== unbondedTokens + unbonding)
    problems.push(`not-bonded pool ≠ unbonded tokens ${unbondedTokens} + unbonding ${unbonding}`);
  for (const denom of ["ustrike", "uusdc"]) {
    let owed = sum(c.staking.communityPool(ctx), denom);
    for (const v of validators) {
      const out = sum(c.staking.outstandingRewards(ctx, v.operator), denom);
      let pending = 0n;
      for (const d of delegators) pending += sum(c.staking.pendingRewards(ctx, d, v.operator), denom);
      if (pending > out) problems.push(`${v.operator}: pending ${pending}${denom} exceeds outstanding ${out}`);
      owed += out + sum(c.staking.pendingCommission(ctx, v.operator), denom);
    }
    const held = balanceOf(c, moduleAddr(DISTRIBUTION_ACCOUNT), denom);
    if (held !== owed) problems.push(`distribution holds ${held}${denom}, owes ${owed}`);
  }
  const shares = new Map<string, bigint>();
  for (const d of delegators)
    for (const [, v, s] of c.staking.delegationsOf(ctx, d)) shares.set(v, (shares.get(v) ?? 0n) + s);
  for (const v of validators)
    if ((shares.get(v.operator) ?? 0n) !== v.shares) problems.push(`${v.operator}: delegations ≠ validator shares`);
  t?.deepEqual(problems, []);
  return problems.length === 0;
}
