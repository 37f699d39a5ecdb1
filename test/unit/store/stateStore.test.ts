import test from "ava";
import fc from "fast-check";
import { assertAsyncProperty } from "../../helpers/property.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { EMPTY_ROOT, computeStateRoot, openStateStore, verifyProof } from "../../../chain/store/stateStore.js";
import { storeErrors } from "../../../chain/store/errors.js";
import { readRoot } from "../../../chain/store/tree/storage.js";
import { nodeKey } from "../../../chain/store/tree/keys.js";
import { decodeNode } from "../../../chain/store/tree/record.js";
import type { Database, StateProof } from "../../../chain/store/types.js";
import { compareBytes, equalBytes, toHex, utf8 } from "../../../chain/types/bytes.js";

const k = (s: string): Uint8Array => utf8(s);

/** The node keys reachable from a version's root (walks the stored tree; leaves are inline in their parents). */
async function countNodesOf(db: Database, version: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const root = await readRoot(db, version);
  if (root === null || root.kind === "leaf") return seen;
  const walk = async (nodeVersion: number, depth: number, path: string): Promise<void> => {
    const key = nodeKey(nodeVersion, depth, path);
    seen.add(toHex(key));
    const node = decodeNode((await db.get(key))!);
    if (node === undefined) throw new TypeError(`undecodable node ${toHex(key)}`);
    for (let i = 0; i < 16; i++) {
      const c = node.children[i];
      if (c?.kind !== "internal") continue;
      const byte = path.charCodeAt(depth >> 1);
      const nb = depth & 1 ? (byte & 0xf0) | i : (byte & 0x0f) | (i << 4);
      await walk(
        c.version,
        depth + 1,
        path.slice(0, depth >> 1) + String.fromCharCode(nb) + path.slice((depth >> 1) + 1),
      );
    }
  };
  await walk(root.version, 0, "\0".repeat(32));
  return seen;
}

async function commitBlock(
  store: Awaited<ReturnType<typeof openStateStore>>,
  db: Database,
  version: number,
  writes: Record<string, string | null>,
): Promise<Uint8Array> {
  for (const [key, value] of Object.entries(writes)) {
    if (value === null) store.working.delete(k(key));
    else store.working.set(k(key), k(value));
  }
  const batch = db.batch();
  const root = store.commit(batch, version);
  await batch.write();
  await store.settled();
  return root;
}

test("the empty store is at version 0 with the all-zero root", async (t) => {
  const store = await openStateStore({ db: createMemoryDatabase(), keepRecent: 0 });
  t.is(store.version, 0);
  t.deepEqual(store.root, EMPTY_ROOT);
  t.deepEqual(store.workingRoot(), new Uint8Array(32));
  const { value, proof, root } = await store.getAt(k("a"), 0);
  t.is(value, undefined);
  t.true(verifyProof(root, proof));
});

test("the root depends only on the final key/value set, not on insertion order or history", async (t) => {
  const entry = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.uint8Array({ maxLength: 4 }));
  await assertAsyncProperty(
    t,
    fc.asyncProperty(
      fc.array(entry, { maxLength: 60 }),
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 4 }), { maxLength: 20 }),
      fc.integer({ min: 1, max: 4 }),
      async (entries, noise, blocks) => {
        const final = new Map<string, [Uint8Array, Uint8Array]>();
        for (const [key, value] of entries) final.set(toHex(key), [key, value]);
        const expected = computeStateRoot(final.values());

        // Same set, reversed order, split over several blocks, with keys that come and go.
        const db = createMemoryDatabase();
        const store = await openStateStore({ db, keepRecent: 0 });
        const order = [...entries].reverse();
        let version = 0;
        for (let b = 0; b < blocks; b++) {
          for (const n of noise) store.working.set(n, Uint8Array.of(b));
          for (let i = b; i < order.length; i += blocks) {
            const [key] = order[i]!;
            store.working.set(key, Uint8Array.of(9, 9, 9));
          }
          const batch = db.batch();
          store.commit(batch, ++version);
          await batch.write();
        }
        for (const n of noise) store.working.delete(n);
        for (const [key, value] of final.values()) store.working.set(key, value);
        const working = store.workingRoot();
        const batch = db.batch();
        const committed = store.commit(batch, ++version);
        return equalBytes(working, expected) && equalBytes(committed, expected);
      },
    ),
    { numRuns: 60 },
  );
});

test("membership proofs verify for every key, non-membership proofs for absent keys", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  const writes: Record<string, string> = {};
  for (let i = 0; i < 300; i++) writes[`key-${i}`] = `value-${i}`;
  const root = await commitBlock(store, db, 1, writes);
  for (let i = 0; i < 300; i += 7) {
    const r = await store.getAt(k(`key-${i}`), 1);
    t.deepEqual(r.value, k(`value-${i}`));
    t.is(r.proof.kind, "exist");
    t.deepEqual(r.root, root);
    t.true(verifyProof(root, r.proof));
  }
  for (let i = 0; i < 50; i++) {
    const r = await store.getAt(k(`absent-${i}`), 1);
    t.is(r.value, undefined);
    t.is(r.proof.kind, "nonexist");
    t.true(verifyProof(root, r.proof));
  }
});

test("a store with a single key proves it and its absences", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  const root = await commitBlock(store, db, 1, { only: "one" });
  await commitBlock(store, db, 2, { other: "x" });
  const r = await store.getAt(k("only"), 1);
  t.true(verifyProof(root, r.proof));
  const absent = await store.getAt(k("nope"), 1);
  t.is(absent.proof.kind, "nonexist");
  t.true(verifyProof(root, absent.proof));
});

test("tampered proofs, values, keys or roots fail verification", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  const writes: Record<string, string> = {};
  for (let i = 0; i < 100; i++) writes[`key-${i}`] = `value-${i}`;
  const root = await commitBlock(store, db, 1, writes);
  const member = (await store.getAt(k("key-5"), 1)).proof;
  const absent = (await store.getAt(k("missing"), 1)).proof;
  if (member.kind !== "exist") return t.fail();
  t.false(verifyProof(root, { ...member, value: k("value-6") }));
  t.false(verifyProof(root, { ...member, key: k("key-6") }));
  t.false(
    verifyProof(
      Uint8Array.from(root, (x, i) => (i === 0 ? x ^ 1 : x)),
      member,
    ),
  );
  // A membership proof cannot be relabelled as absence, nor the reverse.
  t.false(verifyProof(root, { kind: "nonexist", key: member.key, steps: member.steps }));
  t.false(verifyProof(root, { kind: "exist", key: absent.key, value: k(""), steps: absent.steps }));
  for (const proof of [member, absent] as StateProof[]) {
    for (let i = 0; i < proof.steps.length; i++) {
      const steps = Uint8Array.from(proof.steps);
      steps[i]! ^= 0x01;
      t.false(verifyProof(root, { ...proof, steps }), `flipping byte ${i} of a ${proof.kind} proof`);
    }
    t.false(verifyProof(root, { ...proof, steps: proof.steps.subarray(0, proof.steps.length - 1) }));
    t.false(verifyProof(root, { ...proof, steps: new Uint8Array(0) }));
  }
});

test("past versions return their old values with proofs against their old roots", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  const r1 = await commitBlock(store, db, 1, { a: "1", b: "1" });
  const r2 = await commitBlock(store, db, 2, { a: "2", c: "2" });
  const r3 = await commitBlock(store, db, 3, { a: null, b: "3" });
  t.notDeepEqual(r1, r2);
  const expect = [
    [1, "a", "1", r1],
    [2, "a", "2", r2],
    [3, "a", undefined, r3],
    [1, "c", undefined, r1],
    [2, "b", "1", r2],
    [3, "b", "3", r3],
  ] as const;
  for (const [version, key, value, root] of expect) {
    const got = await store.getAt(k(key), version);
    t.deepEqual(got.value, value === undefined ? undefined : k(value), `${key}@${version}`);
    t.deepEqual(got.root, root);
    t.true(verifyProof(root, got.proof));
  }
  const error = await t.throwsAsync(store.getAt(k("a"), 4));
  t.true(storeErrors.versionNotCommitted.is(error));
});

test("pruning removes versions older than keepRecent with a typed error, recent versions stay readable", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 3 });
  const roots: Uint8Array[] = [];
  for (let v = 1; v <= 10; v++)
    roots[v] = await commitBlock(store, db, v, { counter: String(v), [`k${v % 4}`]: String(v) });
  t.is(store.earliestVersion, 8);
  for (const v of [8, 9, 10]) {
    const got = await store.getAt(k("counter"), v);
    t.deepEqual(got.value, k(String(v)));
    t.true(verifyProof(roots[v]!, got.proof));
  }
  const error = await t.throwsAsync(store.getAt(k("counter"), 7));
  t.true(storeErrors.versionPruned.is(error));
  // Nothing of version 7 or older is left on disk except what 8..10 still use.
  const reopened = await openStateStore({ db, keepRecent: 3 });
  t.is(reopened.earliestVersion, 8);
  const stored: string[] = [];
  for await (const [key] of db.iterate({ start: Uint8Array.of(0x01), end: Uint8Array.of(0x02) }))
    stored.push(toHex(key));
  const reachable = new Set<string>();
  for (const v of [8, 9, 10]) for (const key of await countNodesOf(db, v)) reachable.add(key);
  t.deepEqual(stored.sort(), [...reachable].sort());
  const rootVersions: number[] = [];
  for await (const [key] of db.iterate({ start: Uint8Array.of(0x06), end: Uint8Array.of(0x07) }))
    rootVersions.push(key[8]!);
  t.deepEqual(rootVersions, [8, 9, 10]);
});

for (const keepRecent of [1, 2, 12])
  test(`pruning (keepRecent ${keepRecent}) keeps the store consistent over many blocks of random writes`, async (t) => {
    const db = createMemoryDatabase();
    const store = await openStateStore({ db, keepRecent });
    let seed = 1;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const history: Map<string, string>[] = [];
    const live = new Map<string, string>();
    for (let v = 1; v <= 30; v++) {
      const writes: Record<string, string | null> = {};
      for (let i = 0; i < 20; i++) {
        const key = `k${rnd() % 40}`;
        const del = rnd() % 4 === 0;
        writes[key] = del ? null : `v${v}-${i}`;
        if (del) live.delete(key);
        else live.set(key, `v${v}-${i}`);
      }
      await commitBlock(store, db, v, writes);
      history[v] = new Map(live);
    }
    t.is(store.earliestVersion, 30 - keepRecent + 1);
    const pruned = await t.throwsAsync(store.getAt(k("k1"), store.earliestVersion - 1));
    t.true(storeErrors.versionPruned.is(pruned));
    // Disk holds exactly the tree nodes that the kept versions reference.
    const stored = new Set<string>();
    for await (const [key] of db.iterate({ start: Uint8Array.of(0x01), end: Uint8Array.of(0x02) }))
      stored.add(toHex(key));
    const reachable = new Set<string>();
    for (let v = store.earliestVersion; v <= 30; v++) for (const key of await countNodesOf(db, v)) reachable.add(key);
    t.deepEqual([...stored].sort(), [...reachable].sort());
    for (const v of new Set([store.earliestVersion, Math.max(29, store.earliestVersion), 30])) {
      for (let i = 0; i < 40; i++) {
        const got = await store.getAt(k(`k${i}`), v);
        const want = history[v]!.get(`k${i}`);
        t.deepEqual(got.value, want === undefined ? undefined : k(want));
        t.true(verifyProof(got.root, got.proof));
      }
    }
    const reopened = await openStateStore({ db, keepRecent });
    t.deepEqual(reopened.root, store.root);
    t.deepEqual(reopened.root, computeStateRoot([...live].map(([a, b]) => [k(a), k(b)])));
  });

test("reopening after commits restores root, version and values", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  await commitBlock(store, db, 1, { a: "1", b: "2", c: "3" });
  const root = await commitBlock(store, db, 2, { b: null, d: "4" });
  const again = await openStateStore({ db, keepRecent: 0 });
  t.is(again.version, 2);
  t.deepEqual(again.root, root);
  t.deepEqual(
    [...again.working.iterator()].map(([key, v]) => `${Buffer.from(key)}=${Buffer.from(v)}`),
    ["a=1", "c=3", "d=4"],
  );
  // And it keeps committing from there with the same roots as the original.
  const next = await commitBlock(again, db, 3, { e: "5" });
  t.deepEqual(
    next,
    computeStateRoot(
      [
        ["a", "1"],
        ["c", "3"],
        ["d", "4"],
        ["e", "5"],
      ].map(([a, b]) => [k(a!), k(b!)]),
    ),
  );
});

test("rollback discards uncommitted writes and the working root returns to the committed root", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  const root = await commitBlock(store, db, 1, { a: "1" });
  store.working.set(k("a"), k("2"));
  t.notDeepEqual(store.workingRoot(), root);
  store.rollback();
  t.deepEqual(store.working.get(k("a")), k("1"));
  t.deepEqual(store.workingRoot(), root);
});

test("a commit whose batch is never written leaves the store reopening at the previous version", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 2 });
  await commitBlock(store, db, 1, { a: "1", b: "1" });
  const root2 = await commitBlock(store, db, 2, { a: "2", c: "2" });
  store.working.set(k("a"), k("3"));
  store.working.delete(k("b"));
  const lost = db.batch();
  store.commit(lost, 3); // the process "dies" before lost.write()
  t.true(lost.length > 0);
  const again = await openStateStore({ db, keepRecent: 2 });
  t.is(again.version, 2);
  t.deepEqual(again.root, root2);
  t.deepEqual(again.working.get(k("a")), k("2"));
  t.deepEqual(again.working.get(k("b")), k("1"));
  t.deepEqual(again.root, computeStateRoot([...again.working.iterator()]));
  // Version 1 is still readable: the lost batch's pruning never happened.
  const old = await again.getAt(k("a"), 1);
  t.deepEqual(old.value, k("1"));
});

test("commit refuses a version that does not move forward", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  await commitBlock(store, db, 5, { a: "1" });
  const error = t.throws(() => store.commit(db.batch(), 5));
  t.true(storeErrors.invalidVersion.is(error));
});

test("state keys stay inside the 0x01..0x06 prefix range", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 1 });
  for (let v = 1; v <= 3; v++) await commitBlock(store, db, v, { [`x${v}`]: "1", y: String(v) });
  let n = 0;
  for await (const [key] of db.iterate({})) {
    n++;
    t.true(key[0]! >= 0x01 && key[0]! <= 0x06, toHex(key));
  }
  t.true(n > 0);
});

test("updating one key writes only the records of the internal nodes on its path, nothing per key", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  const writes: Record<string, string> = {};
  for (let i = 0; i < 500; i++) writes[`key-${i}`] = `value-${i}`;
  await commitBlock(store, db, 1, writes);
  store.working.set(k("key-7"), k("changed"));
  const batch = db.batch();
  const root = store.commit(batch, 2);
  const path = await store.getAt(k("key-7"), 2);
  const levels = path.proof.steps[0]!;
  // One record per level of the path, the root record and the latest-version marker.
  t.is(batch.length, levels + 2);
  await batch.write();
  const reopened = await openStateStore({ db, keepRecent: 0 });
  t.deepEqual(reopened.root, root);
  t.deepEqual(reopened.working.get(k("key-7")), k("changed"));
  t.deepEqual(reopened.working.get(k("key-8")), k("value-8"));
});

test("a commit puts its node records in ascending key order (RocksDB inserts a sorted run sequentially)", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  const writes: Record<string, string> = {};
  for (let i = 0; i < 3000; i++) writes[`key-${i}`] = `value-${i}`;
  for (const version of [1, 2]) {
    if (version === 2) for (let i = 0; i < 3000; i += 11) store.working.set(k(`key-${i}`), k("changed"));
    else for (const [key, value] of Object.entries(writes)) store.working.set(k(key), k(value));
    const batch = db.batch();
    const nodeKeys: Uint8Array[] = [];
    store.commit(
      {
        put: (key, value) => {
          if (key[0] === 0x01) nodeKeys.push(new Uint8Array(key));
          batch.put(key, value);
        },
        del: (key) => batch.del(key),
        write: () => batch.write(),
        get length() {
          return batch.length;
        },
      },
      version,
    );
    await batch.write();
    t.true(nodeKeys.length > 100);
    for (let i = 1; i < nodeKeys.length; i++) t.true(compareBytes(nodeKeys[i - 1]!, nodeKeys[i]!) < 0, `record ${i}`);
  }
});

test("writing keys' current values and deleting absent keys changes no node: same root, only the root record written", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  const writes: Record<string, string> = {};
  for (let i = 0; i < 500; i++) writes[`key-${i}`] = `value-${i}`;
  const root = await commitBlock(store, db, 1, writes);
  for (let i = 0; i < 500; i += 7) store.working.set(k(`key-${i}`), k(`value-${i}`));
  for (let i = 500; i < 700; i += 3) store.working.delete(k(`key-${i}`));
  t.deepEqual(store.workingRoot(), root);
  const batch = db.batch();
  t.deepEqual(store.commit(batch, 2), root);
  // The root record and the latest-version marker.
  t.is(batch.length, 2);
  await batch.write();
  t.deepEqual(store.working.get(k("key-7")), k("value-7"));
  t.is(store.working.get(k("key-501")), undefined);

  const single = await openStateStore({ db: createMemoryDatabase(), keepRecent: 0 });
  single.working.set(k("only"), k("one"));
  const singleRoot = single.commit(createMemoryDatabase().batch(), 1);
  single.working.set(k("only"), k("one"));
  single.working.delete(k("absent"));
  t.deepEqual(single.workingRoot(), singleRoot);
});

test("the state's values are copies: mutating a written or read value changes nothing stored", async (t) => {
  const db = createMemoryDatabase();
  const store = await openStateStore({ db, keepRecent: 0 });
  const value = k("abc");
  store.working.set(k("a"), value);
  await commitBlock(store, db, 1, {});
  value[0] = 0x7a;
  const read = store.working.get(k("a"))!;
  read[1] = 0x7a;
  t.deepEqual(store.working.get(k("a")), k("abc"));
  t.deepEqual(store.root, computeStateRoot([[k("a"), k("abc")]]));
});
