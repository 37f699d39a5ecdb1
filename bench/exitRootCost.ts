/**
 * Time to compute the exit root over N accounts (bank-equity only, L1 address derived from
 * each account's key: the worst case, one point decompression per account). Short run:
 * `npx tsx bench/exitRootCost.ts`.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { addressToBech32 } from "../chain/crypto/address.js";
import { attestAll, createBridgeFixture, deposit } from "../test/unit/modules/bridge/fixture.js";

for (const n of [1_000, 10_000]) {
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(1n, addressToBech32(new Uint8Array(20).fill(255)), 10n ** 15n));
  for (let i = 0; i < n; i++) {
    const b = new Uint8Array(20);
    new DataView(b.buffer).setUint32(0, i + 1);
    const a = addressToBech32(b);
    f.equities.push({ account: a, equity: BigInt(i + 1) * 1000n });
    f.pubKeys.set(a, secp256k1.getPublicKey(new Uint8Array(32).fill((i % 250) + 1), true));
  }
  const t0 = performance.now();
  f.keeper.exitRoot(f.ctx());
  console.log(JSON.stringify({ accounts: n, exitRootMs: Math.round(performance.now() - t0) }));
}
