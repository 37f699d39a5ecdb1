/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON-RPC replies are asserted field by field */
/**
 * An HTTP batch's broadcasts start together and join the mempool in request order (their
 * signatures can be verified as one batch); any other call waits for every call before it,
 * and the calls after it wait for it. Answers come back in request order. The real server in
 * front of a mempool whose admissions the test completes by hand.
 */
import test from "ava";
import { toHex } from "../../../chain/types/bytes.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { MAX_IN_FLIGHT } from "../../../chain/rpc/batch.js";
import { startRpcServer, type RpcServer } from "../../../chain/rpc/server.js";
import type { TxResult } from "../../../chain/types/abci.js";
import { buildHarness, cosmosTx, type Harness } from "./fixture.js";

let h: Harness;
test.before(async () => {
  h = await buildHarness();
});

const OK: TxResult = {
  code: 0,
  codespace: "",
  log: "",
  info: "",
  data: new Uint8Array(),
  gasWanted: 1n,
  gasUsed: 0n,
  events: [],
};

/** A mempool that records what happens and admits a tx only when the test says so. */
function heldMempool() {
  const events: string[] = [];
  const held = new Map<string, () => void>();
  const nameOf = (tx: Uint8Array) => new TextDecoder().decode(tx).replace(/^.*memo:/, "");
  const mempool = {
    ...h.services.mempool,
    checkAndAdd(tx: Uint8Array): Promise<TxResult> {
      const name = nameOf(tx);
      events.push(`start ${name}`);
      return new Promise((resolve) => {
        held.set(name, () => {
          events.push(`end ${name}`);
          resolve(OK);
        });
      });
    },
    size() {
      events.push("size");
      return 0;
    },
  };
  const release = (name: string) => {
    const r = held.get(name);
    if (r === undefined) throw new Error(`${name} is not held`);
    held.delete(name);
    r();
  };
  return { events, mempool, release, held };
}

/** A tx whose bytes end in its name (the fake mempool reads it back). */
function named(name: string): Uint8Array {
  return new TextEncoder().encode(`tx memo:${name}`);
}

const broadcast = (id: number, tx: Uint8Array) => ({
  jsonrpc: "2.0",
  id,
  method: "broadcast_tx_sync",
  params: { tx: Buffer.from(tx).toString("base64") },
});

async function withServer(mempool: object, run: (server: RpcServer) => Promise<void>): Promise<void> {
  const server = await startRpcServer({
    laddr: "tcp://127.0.0.1:0",
    services: { ...h.services, mempool: mempool as Harness["services"]["mempool"] },
  });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

test("a batch's broadcasts are all admitted before the first answers, in request order, and answered in request order", async (t) => {
  const m = heldMempool();
  await withServer(m.mempool, async (server) => {
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const reply = fetch(server.url, {
      method: "POST",
      body: JSON.stringify(names.map((n, i) => broadcast(i, named(n)))),
    }).then((r) => r.json() as Promise<any[]>);
    // Every broadcast reaches the mempool while none has been admitted.
    await until(() => m.held.size === names.length, "all 20 to start");
    t.deepEqual(
      m.events,
      names.map((n) => `start ${n}`),
    );
    // Admitted in reverse: the answer is still in request order, each with its own hash.
    for (const n of [...names].reverse()) m.release(n);
    const json = await reply;
    t.deepEqual(
      json.map((r) => r.id),
      names.map((_, i) => i),
    );
    for (const [i, r] of json.entries()) {
      t.is(r.result.code, 0);
      t.is(r.result.hash, toHex(sha256(named(names[i]!))).toUpperCase());
    }
  });
});

test("async and sync broadcasts mixed in a batch join the mempool in request order", async (t) => {
  const m = heldMempool();
  await withServer(m.mempool, async (server) => {
    const call = (id: number, method: string, name: string) => ({
      ...broadcast(id, named(name)),
      method,
    });
    const reply = fetch(server.url, {
      method: "POST",
      body: JSON.stringify([
        call(1, "broadcast_tx_async", "a"),
        call(2, "broadcast_tx_sync", "b"),
        call(3, "broadcast_tx_async", "c"),
        call(4, "broadcast_tx_sync", "d"),
      ]),
    }).then((r) => r.json() as Promise<any[]>);
    await until(() => m.held.size === 4, "all four to start");
    t.deepEqual(m.events, ["start a", "start b", "start c", "start d"]);
    for (const n of ["a", "b", "c", "d"]) m.release(n);
    const json = await reply;
    t.deepEqual(
      json.map((r) => r.id),
      [1, 2, 3, 4],
    );
  });
});

test("any other call in a batch waits for the broadcasts before it, and the ones after it wait for it", async (t) => {
  const m = heldMempool();
  await withServer(m.mempool, async (server) => {
    const reply = fetch(server.url, {
      method: "POST",
      body: JSON.stringify([
        broadcast(1, named("a")),
        broadcast(2, named("b")),
        { jsonrpc: "2.0", id: 3, method: "num_unconfirmed_txs" },
        broadcast(4, named("c")),
      ]),
    }).then((r) => r.json() as Promise<any[]>);
    await until(() => m.held.size === 2, "a and b to start");
    await sleep(50);
    t.deepEqual(m.events, ["start a", "start b"], "nothing past the query starts while a and b are in the mempool");
    m.release("b");
    await sleep(50);
    t.deepEqual(m.events, ["start a", "start b", "end b"]);
    m.release("a");
    await until(() => m.held.size === 1, "c to start");
    // The query (which reads the mempool's size) ran after a and b and before c started.
    t.deepEqual(
      m.events.filter((e) => e !== "size"),
      ["start a", "start b", "end b", "end a", "start c"],
    );
    t.true(m.events.indexOf("size") > m.events.indexOf("end a"));
    t.true(m.events.lastIndexOf("size") < m.events.indexOf("start c"));
    m.release("c");
    const json = await reply;
    t.deepEqual(
      json.map((r) => r.id),
      [1, 2, 3, 4],
    );
    t.is(json[2].result.n_txs, "0");
  });
});

test(`no more than ${MAX_IN_FLIGHT} broadcasts of a batch are in flight at once`, async (t) => {
  const m = heldMempool();
  await withServer(m.mempool, async (server) => {
    const n = MAX_IN_FLIGHT + 10;
    const reply = fetch(server.url, {
      method: "POST",
      body: JSON.stringify(Array.from({ length: n }, (_, i) => broadcast(i, named(`t${i}`)))),
    }).then((r) => r.json() as Promise<any[]>);
    await until(() => m.held.size === MAX_IN_FLIGHT, "the window to fill");
    await sleep(50);
    t.is(m.held.size, MAX_IN_FLIGHT);
    // The first answer frees one place, which the next broadcast takes.
    m.release("t0");
    await until(() => m.events.includes(`start t${MAX_IN_FLIGHT}`), "the next to start");
    t.false(m.events.includes(`start t${MAX_IN_FLIGHT + 1}`));
    for (let i = 1; i < n; i++) {
      await until(() => m.held.has(`t${i}`), `t${i} to start`);
      m.release(`t${i}`);
    }
    const json = await reply;
    t.is(json.length, n);
    t.true(json.every((r, i) => r.id === i && r.result.code === 0));
  });
});

test("a large batch of small answers arrives whole, in order", async (t) => {
  await withServer(h.services.mempool, async (server) => {
    const n = 600;
    const body = Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? { jsonrpc: "2.0", id: i, method: "health" } : broadcast(i, cosmosTx(`batch ${i}`, String(i + 1))),
    );
    const json = (await (await fetch(server.url, { method: "POST", body: JSON.stringify(body) })).json()) as any[];
    t.deepEqual(
      json.map((r) => r.id),
      body.map((r) => r.id),
    );
    t.true(json.every((r) => r.result !== undefined));
  });
});
