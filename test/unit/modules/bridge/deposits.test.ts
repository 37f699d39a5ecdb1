/**
 * Deposits are credited exactly once, when validators holding strictly more than 2/3 of
 * the bonded power attested the same content; everything else is refused and changes nothing.
 */
import test from "ava";
import { bridgeErrors } from "../../../../modules/bridge/index.js";
import { addr, attestAll, createBridgeFixture, deposit } from "./fixture.js";

const V = (i: number) => addr(100 + i);
const ALICE = addr(1);

test("exactly 2/3 of the power does not credit a deposit; one more vote does", (t) => {
  const f = createBridgeFixture([1n, 1n, 1n]);
  const d = deposit(1n, ALICE, 5_000_000n);
  t.false(f.tx((ctx) => f.keeper.attestDeposit(ctx, V(0), d)).credited);
  t.false(f.tx((ctx) => f.keeper.attestDeposit(ctx, V(1), d)).credited);
  t.is(f.balance(ALICE), 0n);
  t.true(f.tx((ctx) => f.keeper.attestDeposit(ctx, V(2), d)).credited);
  t.is(f.balance(ALICE), 5_000_000n);
  t.is(f.supply(), 5_000_000n);
  t.is(f.keeper.counters(f.ctx()).bridgedSupply, 5_000_000n);
});

test("just over 2/3 of the power credits (34 + 33 of 100)", (t) => {
  const f = createBridgeFixture([34n, 33n, 33n]);
  const d = deposit(1n, ALICE, 7n);
  t.false(f.tx((ctx) => f.keeper.attestDeposit(ctx, V(0), d)).credited);
  t.true(f.tx((ctx) => f.keeper.attestDeposit(ctx, V(1), d)).credited);
  t.is(f.balance(ALICE), 7n);
});

test("a credited deposit cannot be credited again: late and replayed votes are refused", (t) => {
  const f = createBridgeFixture([1n, 1n, 1n, 1n]);
  const d = deposit(1n, ALICE, 100n);
  t.true(attestAll(f, d));
  const before = f.snapshot();
  for (let i = 0; i < 4; i++) {
    const err = t.throws(() => f.tx((ctx) => f.keeper.attestDeposit(ctx, V(i), d)));
    t.true(bridgeErrors.alreadyCredited.is(err));
  }
  // The same nonce with another recipient or amount is refused too: a nonce credits once.
  const other = deposit(1n, addr(2), 999n);
  t.true(bridgeErrors.alreadyCredited.is(t.throws(() => f.tx((ctx) => f.keeper.attestDeposit(ctx, V(3), other)))));
  t.is(f.snapshot(), before);
  t.is(f.balance(ALICE), 100n);
  t.is(f.balance(addr(2)), 0n);
});

test("a validator's second vote for a pending deposit is refused and counts nothing", (t) => {
  const f = createBridgeFixture([1n, 1n, 1n]);
  const d = deposit(1n, ALICE, 100n);
  f.tx((ctx) => f.keeper.attestDeposit(ctx, V(0), d));
  const before = f.snapshot();
  t.true(bridgeErrors.alreadyAttested.is(t.throws(() => f.tx((ctx) => f.keeper.attestDeposit(ctx, V(0), d)))));
  t.true(bridgeErrors.alreadyAttested.is(t.throws(() => f.tx((ctx) => f.keeper.attestDeposit(ctx, V(0), d)))));
  t.is(f.snapshot(), before);
  t.false(f.tx((ctx) => f.keeper.attestDeposit(ctx, V(1), d)).credited);
});

test("conflicting attestations are refused and contents are tallied apart: a lie needs 2/3 on its own", (t) => {
  const f = createBridgeFixture([1n, 1n, 1n, 1n]);
  const honest = deposit(1n, ALICE, 100n);
  const forged = deposit(1n, addr(66), 1_000_000n);
  f.tx((ctx) => f.keeper.attestDeposit(ctx, V(0), forged));
  f.tx((ctx) => f.keeper.attestDeposit(ctx, V(1), forged));
  const before = f.snapshot();
  t.true(
    bridgeErrors.conflictingAttestation.is(t.throws(() => f.tx((ctx) => f.keeper.attestDeposit(ctx, V(0), honest)))),
  );
  t.is(f.snapshot(), before);
  // Two for the forgery, two for the truth: neither passes 2/3 of 4.
  t.false(f.tx((ctx) => f.keeper.attestDeposit(ctx, V(2), honest)).credited);
  t.false(f.tx((ctx) => f.keeper.attestDeposit(ctx, V(3), honest)).credited);
  t.is(f.balance(addr(66)), 0n);
  t.is(f.balance(ALICE), 0n);
  t.is(f.supply(), 0n);
});

test("an account that is not a bonded validator cannot attest", (t) => {
  const f = createBridgeFixture([1n, 1n, 1n]);
  const before = f.snapshot();
  t.true(
    bridgeErrors.notValidator.is(
      t.throws(() => f.tx((ctx) => f.keeper.attestDeposit(ctx, ALICE, deposit(1n, ALICE, 1n)))),
    ),
  );
  f.powers.set(addr(50), 0n); // unbonded: power zero
  t.true(
    bridgeErrors.notValidator.is(
      t.throws(() => f.tx((ctx) => f.keeper.attestDeposit(ctx, addr(50), deposit(1n, ALICE, 1n)))),
    ),
  );
  t.is(f.snapshot(), before);
});

test("deposits are credited in nonce order: one past 2/3 early waits for the nonces before it, then all credit at once", (t) => {
  const f = createBridgeFixture([1n]);
  t.false(attestAll(f, deposit(3n, ALICE, 3n)), "nonce 3 passes 2/3 but waits for 1 and 2");
  t.is(f.balance(ALICE), 0n);
  t.is(f.supply(), 0n);
  t.is(f.keeper.counters(f.ctx()).highestNonceCredited, 0n);
  t.true(attestAll(f, deposit(1n, ALICE, 1n)));
  t.is(f.balance(ALICE), 1n);
  t.is(f.keeper.counters(f.ctx()).highestNonceCredited, 1n, "3 still waits for 2");
  const events = f.tx((ctx) => {
    t.true(f.keeper.attestDeposit(ctx, V(0), deposit(2n, ALICE, 2n)).credited);
    return ctx.events.events.filter((e) => e.type === "deposit_credited").map((e) => e.attributes[0]!.value);
  });
  t.deepEqual(events, ["2", "3"], "crediting 2 credits the waiting 3 in the same tx, in order");
  t.is(f.balance(ALICE), 6n);
  t.is(f.supply(), 6n);
  const c = f.keeper.counters(f.ctx());
  t.is(c.depositsCredited, 3n);
  t.is(c.highestNonceCredited, 3n);
  t.is(c.bridgedSupply, 6n);
  // Each credits once: late votes for any of them are refused and change nothing.
  const before = f.snapshot();
  for (const n of [1n, 2n, 3n])
    t.true(
      bridgeErrors.alreadyCredited.is(
        t.throws(() => f.tx((ctx) => f.keeper.attestDeposit(ctx, V(0), deposit(n, ALICE, n)))),
      ),
    );
  t.is(f.snapshot(), before);
});

test("a waiting deposit takes late votes without crediting, and its content is the one that passed 2/3", (t) => {
  const f = createBridgeFixture([1n, 1n, 1n, 1n]);
  const honest = deposit(2n, ALICE, 20n);
  for (const i of [0, 1, 2]) f.tx((ctx) => f.keeper.attestDeposit(ctx, V(i), honest));
  // The fourth validator's watcher catches up late, with a lie: recorded, changes nothing.
  const lie = deposit(2n, addr(66), 1_000_000n);
  t.false(f.tx((ctx) => f.keeper.attestDeposit(ctx, V(3), lie)).credited);
  t.true(f.keeper.depositStatus(f.ctx(), 2n, V(0)).attesterVoted, "a watcher sees its vote on a waiting deposit");
  t.is(f.keeper.depositStatus(f.ctx(), 2n).credited, undefined);
  t.true(f.keeper.depositStatus(f.ctx(), 2n).waiting, "the query says it waits for nonce 1");
  t.false(f.keeper.depositStatus(f.ctx(), 1n).waiting);
  t.true(attestAll(f, deposit(1n, ALICE, 1n)));
  t.is(f.balance(ALICE), 21n);
  t.is(f.balance(addr(66)), 0n);
  t.is(f.keeper.depositStatus(f.ctx(), 2n).credited?.recipient, ALICE);
  t.false(f.keeper.depositStatus(f.ctx(), 2n).waiting);
  t.deepEqual(f.keeper.depositStatus(f.ctx(), 2n).votes, [], "votes go once it is credited");
});

test("a thousand deposits attested in reverse order credit all together when the first arrives, conserving the supply", (t) => {
  const f = createBridgeFixture([1n]);
  let total = 0n;
  for (let n = 1000n; n >= 2n; n--) {
    t.false(attestAll(f, deposit(n, addr(Number(n % 50n) + 1), n)));
    total += n;
  }
  t.is(f.supply(), 0n);
  t.true(attestAll(f, deposit(1n, ALICE, 1n)));
  total += 1n;
  t.is(f.supply(), total);
  const c = f.keeper.counters(f.ctx());
  t.is(c.highestNonceCredited, 1000n);
  t.is(c.depositsCredited, 1000n);
  t.is(c.bridgedSupply, total);
});

test("malformed attestations are refused with typed errors", (t) => {
  const f = createBridgeFixture([1n]);
  const bad = [
    deposit(0n, ALICE, 1n),
    deposit(1n, ALICE, 0n),
    deposit(1n, ALICE, 1n, { l1Sender: "0x1234" }),
    deposit(1n, ALICE, 1n, { l1TxHash: "0xzz" }),
  ];
  for (const d of bad) {
    const err = t.throws(() => f.tx((ctx) => f.keeper.attestDeposit(ctx, addr(100), d)));
    t.true(
      bridgeErrors.invalidDeposit.is(err) ||
        bridgeErrors.invalidAmount.is(err) ||
        bridgeErrors.invalidL1Address.is(err),
    );
  }
  t.is(f.supply(), 0n);
});

test("upper- and lower-case hex of one event are one content", (t) => {
  const f = createBridgeFixture([1n, 1n, 1n]);
  const d = deposit(1n, ALICE, 5n, { l1Sender: "0xABCDEFabcdefABCDEFabcdefABCDEFabcdefABCD" });
  f.tx((ctx) => f.keeper.attestDeposit(ctx, V(0), d));
  f.tx((ctx) => f.keeper.attestDeposit(ctx, V(1), { ...d, l1Sender: d.l1Sender.toLowerCase() }));
  t.true(
    f.tx((ctx) => f.keeper.attestDeposit(ctx, V(2), { ...d, l1TxHash: d.l1TxHash.toUpperCase().replace("0X", "0x") }))
      .credited,
  );
});
