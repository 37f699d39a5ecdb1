/**
 * The exit tree pays each account its equity at the checkpoint, to an L1 address it chose
 * (or its own key's Ethereum address), and its leaves never sum to more than the bridged
 * supply: the contract can pay every claim. Leaves match the contract's exitLeaf encoding;
 * the stored tree, updated in place, always has the root a from-scratch build would have.
 */
import test from "ava";
import fc from "fast-check";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { computeAddress, hexlify } from "ethers";
import { exitLeaf, merkleRoot, processProof } from "../../../../chain/l1/merkle.js";
import { addressToBech32, bech32ToAddressBytes } from "../../../../chain/crypto/address.js";
import { decompressSecp256k1PubKey } from "../../../../chain/crypto/secp256k1.js";
import { toHex } from "../../../../chain/types/bytes.js";
import {
  allocateExitEquities,
  ethAddressOfPubKey,
  exitLeafRecords,
  getExitHeader,
  parseL1Address,
  type ExitShare,
} from "../../../../modules/bridge/index.js";
import { assertProperty } from "../../../helpers/property.js";
import { addr, attestAll, createBridgeFixture, deposit, l1Addr, type BridgeFixture } from "./fixture.js";

const hex = (b: Uint8Array) => `0x${toHex(b)}`;
const keyOf = (n: number) => secp256k1.getPublicKey(new Uint8Array(32).fill(n), true);

/** The root built from scratch (ethers' reference tree) over the stored leaves in slot order. */
function referenceRoot(f: BridgeFixture): string {
  const leaves = [...exitLeafRecords(f.ctx())].map((r) =>
    exitLeaf({ account: hex(r.account), recipient: hex(r.recipient), equity: r.equity }),
  );
  return merkleRoot(leaves);
}

function checkpoint(f: BridgeFixture, height: bigint): string {
  return hex(f.tx((ctx) => f.keeper.updateExitTree(ctx, height)));
}

test("an account's Ethereum exit address is its own secp256k1 key's address (memoised or not)", (t) => {
  const priv = new Uint8Array(32).fill(7);
  const pub = secp256k1.getPublicKey(priv, true);
  t.is(hex(ethAddressOfPubKey(pub)), computeAddress(hexlify(priv)).toLowerCase());
  const again = ethAddressOfPubKey(pub);
  again.fill(0); // a caller scribbling on the result must not poison the memo
  t.is(hex(ethAddressOfPubKey(pub)), computeAddress(hexlify(priv)).toLowerCase());
});

test("a key's exit address is the same whichever secp256k1 code decompresses it: every 33-byte input agrees", (t) => {
  // The native decompression replaced noble's in consensus code: both must accept exactly the
  // same compressed keys and give the same point, or two versions would disagree on a root.
  const noble = (k: Uint8Array): string | undefined => {
    try {
      return hex(secp256k1.Point.fromBytes(k).toBytes(false));
    } catch {
      return undefined;
    }
  };
  const native = (k: Uint8Array): string | undefined => {
    try {
      return hex(decompressSecp256k1PubKey(k));
    } catch {
      return undefined;
    }
  };
  const p = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
  const edges = ["00".repeat(32), "00".repeat(31) + "01", p, "ff".repeat(32), (BigInt(`0x${p}`) - 1n).toString(16)];
  const cases = [
    ...edges.flatMap((x) => [Buffer.from(`02${x}`, "hex"), Buffer.from(`03${x}`, "hex")]),
    ...Array.from({ length: 64 }, (_, i) => keyOf(i + 1)),
  ];
  let valid = 0;
  for (const k of cases) {
    t.is(native(k), noble(k), hex(k));
    if (noble(k) !== undefined) valid++;
  }
  assertProperty(
    t,
    fc.property(fc.constantFrom(2, 3), fc.uint8Array({ minLength: 32, maxLength: 32 }), (prefix, x) => {
      const k = Uint8Array.of(prefix, ...x);
      if (native(k) !== noble(k)) return false;
      if (noble(k) !== undefined) valid++;
      return true;
    }),
    { numRuns: 2000 },
  );
  // About half of all x are on the curve: both sides were exercised.
  t.true(valid > 500, `${valid} valid keys`);
  // An uncompressed key still gives its address, as before.
  const priv = new Uint8Array(32).fill(9);
  t.is(hex(ethAddressOfPubKey(secp256k1.getPublicKey(priv, false))), computeAddress(hexlify(priv)).toLowerCase());
});

test("exit leaves are the contract's exitLeaf, summed per owner, and proofs verify against the stored root", (t) => {
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(1n, addr(1), 1_000n));
  f.tx((ctx) => f.keeper.setExitAddress(ctx, addr(1), parseL1Address(l1Addr(9))));
  f.tx((ctx) => f.keeper.setExitAddress(ctx, addr(2), parseL1Address(l1Addr(8))));
  // Two subaccounts of one owner are summed into one leaf.
  f.equities.push(
    { account: addr(2), equity: 400n },
    { account: addr(1), equity: 300n },
    { account: addr(1), equity: 200n },
  );
  const root = checkpoint(f, 10n);
  const records = [...exitLeafRecords(f.ctx())];
  t.deepEqual(
    records.map((r) => [hex(r.account), hex(r.recipient), r.equity]),
    [
      [hex(bech32ToAddressBytes(addr(1))), l1Addr(9), 500n],
      [hex(bech32ToAddressBytes(addr(2))), l1Addr(8), 400n],
    ],
  );
  t.is(root, referenceRoot(f));
  t.deepEqual(getExitHeader(f.ctx()).height, 10n);
  for (const a of [addr(1), addr(2)]) {
    const p = f.keeper.exitProof(f.ctx(), a)!;
    const leaf = exitLeaf({
      account: hex(p.record.account),
      recipient: hex(p.record.recipient),
      equity: p.record.equity,
    });
    t.is(hex(p.leaf), leaf);
    t.is(processProof(leaf, p.proof.map(hex)), root);
  }
  t.is(f.keeper.exitProof(f.ctx(), addr(3)), undefined);
});

test("an account without a known L1 address gets no leaf; its equity stays in the contract", (t) => {
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(1n, addr(1), 1_000n));
  f.equities.push({ account: addr(3), equity: 100n });
  t.deepEqual(f.keeper.exitEntries(f.ctx()), []);
  checkpoint(f, 10n);
  t.is(getExitHeader(f.ctx()).slots, 0n);
  f.pubKeys.set(addr(3), keyOf(3));
  t.is(f.keeper.exitEntries(f.ctx())[0]!.equity, 100n);
});

const share = (n: number, principal: bigint, profit: bigint): ExitShare => ({
  account: addr(n),
  recipient: new Uint8Array(20).fill(n),
  principal,
  profit,
});

test("haircut: unrealised profits are cut first, pro rata; principal only when it alone exceeds the budget", (t) => {
  const equities = (budget: bigint) =>
    allocateExitEquities([share(1, 100n, 600n), share(2, 300n, 0n), share(3, 0n, 200n)], budget).map((e) => e.equity);
  t.deepEqual(equities(1_200n), [700n, 300n, 200n], "enough: everyone is paid in full");
  // 400 principal, 800 profit, budget 800: profits get 400/800 = half.
  t.deepEqual(equities(800n), [400n, 300n, 100n]);
  t.deepEqual(equities(400n), [100n, 300n, 0n], "principals exactly fit: no profit at all");
  t.deepEqual(equities(200n), [50n, 150n, 0n], "principals cut pro rata");
  t.deepEqual(equities(0n), [0n, 0n, 0n]);
  t.deepEqual(equities(-5n), [0n, 0n, 0n], "a negative budget pays nothing");
});

test("haircut: one owner's winning subaccount cannot be paid out of another's floored loss at others' expense", (t) => {
  // The owner trades against itself: subaccount 0 wins 1,000 (collateral 100), subaccount 1
  // lost 1,000 on 100 collateral and is floored at zero. An honest account holds 500.
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(1n, addr(1), 700n)); // 100 + 100 + 500 bridged
  for (const n of [1, 2]) f.pubKeys.set(addr(n), keyOf(n));
  f.equities.push(
    { account: addr(1), equity: 1_100n, principal: 100n },
    { account: addr(1), equity: 0n, principal: 0n },
    { account: addr(2), equity: 500n },
  );
  const e = f.keeper.exitEntries(f.ctx());
  const total = e.reduce((s, x) => s + x.equity, 0n);
  t.true(total <= 700n);
  t.is(e.find((x) => x.account === addr(2))!.equity, 500n, "the honest principal is paid in full");
  t.is(e.find((x) => x.account === addr(1))!.equity, 200n, "the self-trader gets its principal and what is left");
});

test("haircut: absurd marks and dust accounts never push claims past the bridged supply", (t) => {
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(1n, addr(1), 10_000n));
  f.equities.push({ account: addr(1), equity: 10n ** 40n, principal: 1n }); // a mark of 10^30
  for (let n = 2; n < 40; n++) f.equities.push({ account: addr(n), equity: 1n });
  for (let n = 1; n < 40; n++) f.pubKeys.set(addr(n), keyOf(n));
  const e = f.keeper.exitEntries(f.ctx());
  t.true(e.reduce((s, x) => s + x.equity, 0n) <= 10_000n);
  t.true(
    e.filter((x) => x.account !== addr(1)).every((x) => x.equity === 1n),
    "dust principals are paid in full",
  );
  checkpoint(f, 10n);
  const stored = [...exitLeafRecords(f.ctx())].reduce((s, r) => s + r.equity, 0n);
  t.true(stored <= 10_000n);
});

test("an insolvent account (equity floored at zero) has no leaf to claim", (t) => {
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(1n, addr(1), 1_000n));
  f.pubKeys.set(addr(1), keyOf(1));
  f.equities.push({ account: addr(1), equity: 0n, principal: 0n }, { account: addr(1), equity: -500n, principal: 0n });
  checkpoint(f, 10n);
  t.is(f.keeper.exitProof(f.ctx(), addr(1)), undefined);
  // Solvent once, insolvent later: the slot stays, with nothing to claim.
  f.equities.length = 0;
  f.equities.push({ account: addr(1), equity: 300n });
  checkpoint(f, 20n);
  t.is(f.keeper.exitProof(f.ctx(), addr(1))!.record.equity, 300n);
  f.equities.length = 0;
  f.equities.push({ account: addr(1), equity: -1n, principal: 0n });
  const root = checkpoint(f, 30n);
  t.is(f.keeper.exitProof(f.ctx(), addr(1))!.record.equity, 0n);
  t.is(root, referenceRoot(f));
});

test("dust by the thousand: after the first checkpoint, one reads only the accounts marked since and the position holders", (t) => {
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(1n, addr(250), 10n ** 12n));
  const dust = Array.from({ length: 1000 }, (_, i) => {
    const b = new Uint8Array(20).fill(0xd0);
    new DataView(b.buffer).setUint16(18, i);
    return addressToBech32(b);
  });
  // A thousand accounts holding 1 uusdc each (never signed: counted, no leaf), a trader, a holder.
  for (const a of dust) f.equities.push({ account: a, equity: 1n });
  f.equities.push({ account: addr(1), equity: 5_000n }, { account: addr(2), equity: 7_000n, holder: true });
  f.pubKeys.set(addr(1), keyOf(1));
  f.pubKeys.set(addr(2), keyOf(2));
  checkpoint(f, 10n);
  t.deepEqual(f.reads, [], "the first checkpoint reads everything at once");
  f.equities.find((e) => e.account === addr(1))!.equity = 6_000n;
  f.equities.find((e) => e.account === addr(2))!.equity = 6_500n; // the marks moved: no mark
  const root = checkpoint(f, 20n);
  t.deepEqual([...f.reads].sort(), [addr(1), addr(2)].sort());
  t.is(root, referenceRoot(f));
  t.is(f.keeper.exitProof(f.ctx(), addr(1))!.record.equity, 6_000n);
  t.is(f.keeper.exitProof(f.ctx(), addr(2))!.record.equity, 6_500n);
  f.reads.length = 0;
  checkpoint(f, 30n);
  t.deepEqual(f.reads, [addr(2)], "nothing marked: only the holder is read again");
  // A dust account that gets more is marked, read, and still has no leaf (no L1 address).
  f.reads.length = 0;
  f.equities[7]!.equity = 2n;
  checkpoint(f, 40n);
  t.deepEqual([...f.reads].sort(), [dust[7]!, addr(2)].sort());
  t.is(f.keeper.exitProof(f.ctx(), dust[7]!), undefined);
  t.is(checkpoint(f, 50n), referenceRoot(f));
});

test("property: exit claims never exceed the bridged supply, and principals are whole when they fit", (t) => {
  assertProperty(
    t,
    fc.property(
      fc.array(
        fc.tuple(
          fc.integer({ min: 1, max: 60 }),
          fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
          fc.bigInt({ min: 0n, max: 10n ** 15n }),
        ),
        { maxLength: 40 },
      ),
      fc.bigInt({ min: 1n, max: 10n ** 15n }),
      (subaccounts, bridgedSupply) => {
        const f = createBridgeFixture([1n]);
        attestAll(f, deposit(1n, addr(200), bridgedSupply));
        for (const [n, equity, collateral] of subaccounts) {
          f.equities.push({ account: addr(n), equity, principal: collateral < equity ? collateral : equity });
          f.pubKeys.set(addr(n), keyOf(n));
        }
        const entries = f.keeper.exitEntries(f.ctx());
        const sum = entries.reduce((s, x) => s + x.equity, 0n);
        const floored = subaccounts.filter(([, e]) => e > 0n);
        const principals = floored.reduce((s, [, e, c]) => s + (c < e ? c : e), 0n);
        const raw = floored.reduce((s, [, e]) => s + e, 0n);
        const byOwner = new Map<string, bigint>();
        for (const [n, e, c] of floored) byOwner.set(addr(n), (byOwner.get(addr(n)) ?? 0n) + (c < e ? c : e));
        return (
          sum <= bridgedSupply &&
          (raw > bridgedSupply || sum === raw) &&
          (principals > bridgedSupply || entries.every((x) => x.equity >= byOwner.get(x.account)!))
        );
      },
    ),
    { numRuns: 60 },
  );
});

type Step =
  | { kind: "equity"; n: number; equity: bigint; principal: bigint; holder: boolean }
  | { kind: "drop"; n: number }
  | { kind: "address"; n: number; l1: number }
  | { kind: "deposit"; amount: bigint }
  | { kind: "checkpoint" };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("equity" as const),
    n: fc.integer({ min: 1, max: 30 }),
    equity: fc.bigInt({ min: -1_000n, max: 1_000_000n }),
    principal: fc.bigInt({ min: 0n, max: 1_000_000n }),
    // A position holder: its equity changes without a mark, as the marks move.
    holder: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("drop" as const), n: fc.integer({ min: 1, max: 30 }) }),
  fc.record({
    kind: fc.constant("address" as const),
    n: fc.integer({ min: 1, max: 30 }),
    l1: fc.integer({ min: 1, max: 250 }),
  }),
  fc.record({ kind: fc.constant("deposit" as const), amount: fc.bigInt({ min: 1n, max: 5_000_000n }) }),
  fc.constant({ kind: "checkpoint" as const }),
);

test("property: the tree updated in place has the from-scratch root and leaves after any history", (t) => {
  assertProperty(
    t,
    // With a large bridged supply first, nobody is cut and a checkpoint pays again only the
    // accounts that changed; with a small one or none, most checkpoints cut profits or
    // principals, and pay every claim again whenever the cut moved.
    fc.property(
      fc.array(stepArb, { minLength: 1, maxLength: 60, size: "max" }),
      fc.constantFrom(0n, 2_000_000n, 10n ** 12n),
      (steps, supply) => {
        const f = createBridgeFixture([1n]);
        const current = new Map<number, { equity: bigint; principal: bigint; holder: boolean }>();
        let nonce = 0n;
        let height = 0n;
        if (supply > 0n) attestAll(f, deposit(++nonce, addr(250), supply));
        // Half the accounts have a key; the others get an address only by choosing one.
        for (let n = 1; n <= 30; n += 2) f.pubKeys.set(addr(n), keyOf(n));
        for (const s of [...steps, { kind: "checkpoint" as const }]) {
          if (s.kind === "equity") current.set(s.n, { equity: s.equity, principal: s.principal, holder: s.holder });
          else if (s.kind === "drop") current.delete(s.n);
          else if (s.kind === "address")
            f.tx((ctx) => f.keeper.setExitAddress(ctx, addr(s.n), new Uint8Array(20).fill(s.l1)));
          else if (s.kind === "deposit") attestAll(f, deposit(++nonce, addr(250), s.amount));
          else {
            f.equities.length = 0;
            for (const [n, e] of [...current].sort(([a], [b]) => a - b))
              f.equities.push({
                account: addr(n),
                equity: e.equity,
                principal: e.principal < e.equity ? e.principal : e.equity,
                holder: e.holder,
              });
            const root = checkpoint(f, (height += 10n));
            if (root !== referenceRoot(f)) return false;
            // Every stored leaf is the from-scratch claim (zero for an account with none now).
            const want = new Map(f.keeper.exitEntries(f.ctx()).map((e) => [hex(bech32ToAddressBytes(e.account)), e]));
            for (const r of exitLeafRecords(f.ctx())) {
              const w = want.get(hex(r.account));
              const equity = w?.equity ?? 0n;
              if (r.equity !== equity) return false;
              if (w !== undefined && hex(r.recipient) !== hex(w.recipient)) return false;
              want.delete(hex(r.account));
            }
            if ([...want.values()].some((e) => e.equity > 0n)) return false; // a claim without a leaf
            if (getExitHeader(f.ctx()).height !== height) return false;
          }
        }
        return true;
      },
    ),
    { numRuns: 120 },
  );
});
