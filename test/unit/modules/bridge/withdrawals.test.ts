/**
 * Withdrawals burn only free, bridged uusdc and append leaves the settlement contract's
 * proof check accepts: the tree kept as a frontier in state has the root chain/l1/merkle.ts
 * (the contract's reference) computes, at every size.
 */
import test from "ava";
import fc from "fast-check";
import { merkleRoot, processProof, withdrawalLeaf } from "../../../../chain/l1/merkle.js";
import { fromHex, toHex } from "../../../../chain/types/bytes.js";
import { bridgeErrors, parseL1Address } from "../../../../modules/bridge/index.js";
import { assertProperty } from "../../../helpers/property.js";
import { addr, attestAll, createBridgeFixture, deposit, l1Addr } from "./fixture.js";

const ALICE = addr(1);
const hex = (b: Uint8Array) => `0x${toHex(b)}`;

function bridged(amount: bigint, to = ALICE, nonce = 1n) {
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(nonce, to, amount));
  return f;
}

test("a withdrawal burns the amount, lowers the bridged supply and gets the next id", (t) => {
  const f = bridged(1_000n);
  const id0 = f.tx((ctx) => f.keeper.withdraw(ctx, ALICE, 400n, parseL1Address(l1Addr(9))));
  const id1 = f.tx((ctx) => f.keeper.withdraw(ctx, ALICE, 100n, parseL1Address(l1Addr(9))));
  t.deepEqual([id0, id1], [0n, 1n]);
  t.is(f.balance(ALICE), 500n);
  t.is(f.supply(), 500n);
  t.is(f.keeper.counters(f.ctx()).bridgedSupply, 500n);
  const w = f.keeper.withdrawalProof(f.ctx(), 1n)!;
  t.is(w.withdrawal.amount, "100");
  t.is(w.withdrawal.l1Recipient, l1Addr(9));
});

test("a withdrawal above the free balance is refused and changes nothing", (t) => {
  const f = bridged(1_000n);
  const before = f.snapshot();
  const err = t.throws(() => f.tx((ctx) => f.keeper.withdraw(ctx, ALICE, 1_001n, parseL1Address(l1Addr(9)))));
  t.true(bridgeErrors.insufficientWithdrawable.is(err));
  t.is(f.snapshot(), before);
});

test("uusdc that never came from L1 cannot be withdrawn beyond the bridged supply", (t) => {
  const f = bridged(1_000n, addr(2));
  f.fund(ALICE, 1_000_000n); // a genesis balance: not in the L1 contract
  const before = f.snapshot();
  const err = t.throws(() => f.tx((ctx) => f.keeper.withdraw(ctx, ALICE, 1_001n, parseL1Address(l1Addr(9)))));
  t.true(bridgeErrors.exceedsBridgedSupply.is(err));
  t.is(f.snapshot(), before);
});

test("the zero address and malformed L1 addresses are refused", (t) => {
  t.true(bridgeErrors.invalidL1Address.is(t.throws(() => parseL1Address(`0x${"0".repeat(40)}`))));
  t.true(bridgeErrors.invalidL1Address.is(t.throws(() => parseL1Address("0x1234"))));
  t.true(bridgeErrors.invalidL1Address.is(t.throws(() => parseL1Address(`${"a".repeat(42)}`))));
});

test("the frontier root equals the contract reference's root, and every proof leads to it, at every size", (t) => {
  assertProperty(
    t,
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 255 }), fc.bigInt({ min: 1n, max: 10n ** 12n })), {
        minLength: 1,
        maxLength: 70,
      }),
      (ws) => {
        const total = ws.reduce((s, [, a]) => s + a, 0n);
        const f = bridged(total);
        const leaves: string[] = [];
        ws.forEach(([r, amount], i) => {
          f.tx((ctx) => f.keeper.withdraw(ctx, ALICE, amount, parseL1Address(l1Addr(r))));
          leaves.push(withdrawalLeaf({ id: BigInt(i), recipient: l1Addr(r), amount }));
        });
        const root = hex(f.keeper.withdrawalRoot(f.ctx()));
        if (root !== merkleRoot(leaves)) return false;
        for (let i = 0; i < ws.length; i++) {
          const p = f.keeper.withdrawalProof(f.ctx(), BigInt(i))!;
          if (hex(p.leaf) !== leaves[i]) return false;
          if (processProof(leaves[i]!, p.proof.map(hex)) !== root) return false;
        }
        return true;
      },
    ),
    { numRuns: 25 },
  );
});

test("the empty tree's root is zero", (t) => {
  const f = createBridgeFixture([1n]);
  t.deepEqual(f.keeper.withdrawalRoot(f.ctx()), new Uint8Array(32));
});

test("dust by the thousand: 1,000 one-uusdc deposits and withdrawals keep the books exact", (t) => {
  const f = createBridgeFixture([1n]);
  for (let n = 1n; n <= 1_000n; n++) attestAll(f, deposit(n, ALICE, 1n));
  t.is(f.balance(ALICE), 1_000n);
  const leaves: string[] = [];
  for (let i = 0; i < 1_000; i++) {
    f.tx((ctx) => f.keeper.withdraw(ctx, ALICE, 1n, parseL1Address(l1Addr(9))));
    leaves.push(withdrawalLeaf({ id: BigInt(i), recipient: l1Addr(9), amount: 1n }));
  }
  t.is(f.balance(ALICE), 0n);
  t.is(f.supply(), 0n);
  t.is(f.keeper.counters(f.ctx()).bridgedSupply, 0n);
  t.is(f.keeper.withdrawalCount(f.ctx()), 1_000n);
  t.is(hex(f.keeper.withdrawalRoot(f.ctx())), merkleRoot(leaves));
  t.true(
    bridgeErrors.insufficientWithdrawable.is(
      t.throws(() => f.tx((ctx) => f.keeper.withdraw(ctx, ALICE, 1n, fromHex("09".repeat(20))))),
    ),
  );
});
