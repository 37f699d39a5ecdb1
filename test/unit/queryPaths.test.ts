/**
 * Queries go through the typed clients composed from the proto services (chain/client/):
 * a query path written by hand (`"/strike.orderbook.v1.Query/Book"`, an `"abci_query"` call)
 * drifts from the service it names without any type check noticing. This test reads the
 * tree and fails on such a path outside the places that must name paths: the clients, the
 * servers that answer on them, and tests of those servers' wire format. The last list holds
 * the files not yet moved to the clients; it may only shrink.
 */
import test from "ava";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "../..");
const ROOTS = ["app", "bench", "bin", "chain", "cli", "feeder", "genesis", "modules", "relayer", "test", "web"];

/** A quoted Cosmos or Strike service path, or a raw abci_query JSON-RPC call. */
const HAND_WRITTEN = /["'`]\/(cosmos|strike)\.[a-z0-9_.]+\.(Query|Service)\/|["']abci_query["']/;

/** Where a path must be named: the clients, the servers, and tests of the wire format itself. */
const ALLOWED: RegExp[] = [
  /^chain\/client\//,
  /^chain\/codec\/generated\//,
  /^chain\/runtime\//, // the query router and the tx service it serves
  /^chain\/rpc\//, // the abci_query JSON-RPC method and the CometBFT-compatible GetTx
  /^modules\/[^/]+\/(queryServer|keys)\.ts$/, // each module's served paths
  /^test\/unit\/modules\//, // query-server tests: the path is what they test
  /^test\/unit\/rpc\//, // RPC protocol tests
  /^test\/unit\/runtime\/app\.test\.ts$/,
  /^test\/unit\/cli\/tx\.test\.ts$/, // a fake node answering the CLI
  /^test\/e2e\/cosmjs\.test\.ts$/, // cosmjs's raw abci_query at a height, as a wallet sends it
  /^test\/unit\/queryPaths\.test\.ts$/,
];

/** Not yet on the typed clients (issue 14): empty since every file moved; it may only shrink. */
const NOT_YET_MOVED = new Set<string>([]);

function* sources(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "dist" || e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* sources(path);
    else if (/\.(ts|js|mjs)$/.test(e.name)) yield relative(repo, path);
  }
}

function handWritten(): string[] {
  const found: string[] = [];
  for (const root of ROOTS)
    for (const file of sources(join(repo, root))) {
      if (ALLOWED.some((a) => a.test(file))) continue;
      if (HAND_WRITTEN.test(readFileSync(join(repo, file), "utf8"))) found.push(file);
    }
  return found.sort();
}

test("no query path is written by hand outside the typed clients, the servers and their wire tests", (t) => {
  const unexpected = handWritten().filter((f) => !NOT_YET_MOVED.has(f));
  t.deepEqual(unexpected, [], "use chain/client (chainQueries, strikeQueries) instead of a hand-written path");
});

test("the not-yet-moved list names only files that still hold a hand-written path", (t) => {
  const still = new Set(handWritten());
  t.deepEqual(
    [...NOT_YET_MOVED].filter((f) => !still.has(f)),
    [],
    "a file moved to the typed clients: take it off the list",
  );
});

test("the check recognises a hand-written path and a raw abci_query call", (t) => {
  t.true(HAND_WRITTEN.test('query(f, "/strike.orderbook.v1.Query/Book", data)'));
  t.true(HAND_WRITTEN.test("path: `/cosmos.bank.v1beta1.Query/Balance`"));
  t.true(HAND_WRITTEN.test('rpc(url, "abci_query", { path })'));
  t.false(HAND_WRITTEN.test('typeUrl: "/strike.orderbook.v1.MsgPlaceOrder"'));
});
