/**
 * The exit tree pays each account its equity at the checkpoint, to an L1 address it chose
 * (or its own key's Ethereum address), and its leaves never sum to more than the bridged
 * supply: the contract can pay every claim. Leaves match the contract's exitLeaf encoding.
 */
import test from "ava";
import fc from "fast-check";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { computeAddress, hexlify } from "ethers";
import { exitLeaf, merkleRoot, processProof } from "../../../../chain/l1/merkle.js";
import { bech32ToAddressBytes } from "../../../../chain/crypto/address.js";
import { toHex } from "../../../../chain/types/bytes.js";
import {
  allocateExitEquities,
  ethAddressOfPubKey,
  exitLeaves,
  exitProofOf,
  parseL1Address,
  type ExitEntry,
} from "../../../../modules/bridge/index.js";
import { assertProperty } from "../../../helpers/property.js";
import { addr, attestAll, createBridgeFixture, deposit, l1Addr } from "./fixture.js";

const hex = (b: Uint8Array) => `0x${toHex(b)}`;

test("an account's Ethereum exit address is its own secp256k1 key's address", (t) => {
  const priv = new Uint8Array(32).fill(7);
  const pub = secp256k1.getPublicKey(priv, true);
  t.is(hex(ethAddressOfPubKey(pub)), computeAddress(hexlify(priv)).toLowerCase());
});

test("exit leaves are the contract's exitLeaf and their root is the reference root", (t) => {
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(1n, addr(1), 1_000n));
  f.tx((ctx) => f.keeper.setExitAddress(ctx, addr(1), parseL1Address(l1Addr(9))));
  f.tx((ctx) => f.keeper.setExitAddress(ctx, addr(2), parseL1Address(l1Addr(8))));
  // Two subaccounts of one owner are summed into one leaf.
  f.equities.push(
    { account: addr(1), equity: 300n },
    { account: addr(1), equity: 200n },
    { account: addr(2), equity: 400n },
  );
  const entries = f.keeper.exitEntries(f.ctx());
  t.deepEqual(
    entries.map((e) => [e.account, e.equity]),
    [
      [addr(1), 500n],
      [addr(2), 400n],
    ],
  );
  const ref = entries.map((e) =>
    exitLeaf({ account: hex(bech32ToAddressBytes(e.account)), recipient: hex(e.recipient), equity: e.equity }),
  );
  t.deepEqual(
    exitLeaves(entries).map((l) => hex(l.leaf)),
    ref,
  );
  const root = hex(f.keeper.exitRoot(f.ctx()));
  t.is(root, merkleRoot(ref));
  const p = exitProofOf(entries, addr(2))!;
  t.is(processProof(ref[1]!, p.proof.map(hex)), root);
});

test("an account without a known L1 address gets no leaf; its equity stays in the contract", (t) => {
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(1n, addr(1), 1_000n));
  f.equities.push({ account: addr(3), equity: 100n });
  t.deepEqual(f.keeper.exitEntries(f.ctx()), []);
  f.pubKeys.set(addr(3), secp256k1.getPublicKey(new Uint8Array(32).fill(3), true));
  t.is(f.keeper.exitEntries(f.ctx())[0]!.equity, 100n);
});

test("when equities exceed the bridged supply every one is cut pro rata, rounding down", (t) => {
  const e = (n: number, equity: bigint): ExitEntry => ({
    account: addr(n),
    recipient: new Uint8Array(20).fill(n),
    equity,
  });
  const cut = allocateExitEquities([e(1, 600n), e(2, 300n), e(3, 100n)], 500n);
  t.deepEqual(
    cut.map((x) => x.equity),
    [300n, 150n, 50n],
  );
  t.deepEqual(allocateExitEquities([e(1, 1n)], 0n)[0]!.equity, 0n);
  t.deepEqual(allocateExitEquities([e(1, 10n)], 11n)[0]!.equity, 10n);
});

test("property: exit claims never sum to more than the bridged supply, whatever the equities", (t) => {
  assertProperty(
    t,
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.bigInt({ min: 0n, max: 10n ** 15n })), { maxLength: 40 }),
      fc.bigInt({ min: 1n, max: 10n ** 15n }),
      (accounts, bridgedSupply) => {
        const f = createBridgeFixture([1n]);
        attestAll(f, deposit(1n, addr(200), bridgedSupply));
        for (const [n, equity] of accounts) {
          f.equities.push({ account: addr(n), equity });
          f.pubKeys.set(addr(n), secp256k1.getPublicKey(new Uint8Array(32).fill(n), true));
        }
        const entries = f.keeper.exitEntries(f.ctx());
        const sum = entries.reduce((s, x) => s + x.equity, 0n);
        const raw = accounts.reduce((s, [, x]) => s + x, 0n);
        // Never more than the contract holds; and nobody is cut when it holds enough.
        return sum <= bridgedSupply && (raw > bridgedSupply || sum === raw);
      },
    ),
    { numRuns: 60 },
  );
});
