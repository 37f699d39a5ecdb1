/**
 * Cost of a checkpoint's exit root over N accounts, before and after the stored tree.
 *
 * "before" is the previous algorithm, kept here as the reference: every checkpoint derives
 * each account's L1 address from its key (one point decompression each), sorts the accounts
 * by decoding bech32 inside the comparator, and hashes the whole tree. "after" is
 * `BridgeKeeper.updateExitTree`: the first checkpoint reads every account and fills the
 * stored tree (slots, leaves, nodes) and the stored claims; later ones read again only the
 * accounts marked as changed (here: the ones the bench edits, as the app's keepers mark
 * them) and rewrite only their leaves and the nodes above them. Equities come from the
 * fixture's list (bank-only accounts), so equity computation itself (margin risk) is not in
 * these figures; the store is the in-memory KV, so RocksDB write cost is not either.
 *
 * Short run: `npx tsx bench/exitRootCost.ts` → bench/results/exit-root-cost.json.
 */
import { loadavg } from "node:os";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { addressToBech32, bech32ToAddressBytes } from "../chain/crypto/address.js";
import { compareBytes } from "../chain/types/bytes.js";
import { exitLeafHash, merkleRootOf } from "../modules/bridge/index.js";
import { attestAll, createBridgeFixture, deposit } from "../test/unit/modules/bridge/fixture.js";
import { writeResult } from "./lib/machine.js";

function previousExitRoot(
  equities: readonly { account: string; equity: bigint }[],
  pubKeys: ReadonlyMap<string, Uint8Array>,
): Uint8Array {
  const entries = [...equities]
    .sort((a, b) => compareBytes(bech32ToAddressBytes(a.account), bech32ToAddressBytes(b.account)))
    .map((e) => {
      const uncompressed = secp256k1.Point.fromBytes(pubKeys.get(e.account)!).toBytes(false);
      return { ...e, recipient: keccak_256(uncompressed.subarray(1)).subarray(12) };
    });
  return merkleRootOf(entries.map((e) => exitLeafHash(bech32ToAddressBytes(e.account), e.recipient, e.equity)));
}

const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;
const runs: Record<string, unknown>[] = [];
const loadAtStart = loadavg();

for (const n of [1_000, 10_000]) {
  // The bench names the accounts it changes, as the app's keepers mark them.
  const touched = new Set<string>();
  const f = createBridgeFixture([1n], { touched });
  attestAll(f, deposit(1n, addressToBech32(new Uint8Array(20).fill(255)), 10n ** 15n));
  for (let i = 0; i < n; i++) {
    const b = new Uint8Array(20);
    new DataView(b.buffer).setUint32(0, i + 1);
    const a = addressToBech32(b);
    f.equities.push({ account: a, equity: BigInt(i + 1) * 1000n });
    // Distinct keys, so that the address memo cannot hit across accounts.
    const priv = new Uint8Array(32);
    new DataView(priv.buffer).setUint32(28, i + 1);
    f.pubKeys.set(a, secp256k1.getPublicKey(priv, true));
  }
  let t0 = performance.now();
  previousExitRoot(f.equities, f.pubKeys);
  const before = ms(t0);

  let h = 10n;
  const checkpoint = () => f.tx((ctx) => f.keeper.updateExitTree(ctx, (h += 10n)));
  t0 = performance.now();
  checkpoint();
  const first = ms(t0);
  t0 = performance.now();
  checkpoint();
  const unchanged = ms(t0);
  for (let i = 0; i < n; i += 10) {
    f.equities[i]!.equity += 1n;
    touched.add(f.equities[i]!.account);
  }
  t0 = performance.now();
  checkpoint();
  const tenth = ms(t0);
  for (const e of f.equities) {
    e.equity += 1n;
    touched.add(e.account);
  }
  t0 = performance.now();
  checkpoint();
  const all = ms(t0);
  const run = {
    accounts: n,
    beforeMs: before,
    afterFirstCheckpointMs: first,
    afterNothingChangedMs: unchanged,
    afterTenthChangedMs: tenth,
    afterAllChangedMs: all,
  };
  console.log(JSON.stringify(run));
  runs.push(run);
}

console.log(
  writeResult("exit-root-cost", {
    note: "bank-only accounts, L1 address from each account's key; in-memory store (no RocksDB); equities not recomputed (fixture list). before = the previous full recompute per checkpoint.",
    loadAverageAtStart: loadAtStart,
    runs,
  }),
);
