/**
 * Clients that try to exhaust a real node over RPC: a connection flood past the cap,
 * batches that answer many times their size to clients that do not read, and a load of
 * sends across an event-loop stall. The node keeps committing, its memory stays bounded,
 * and no well-behaved client's request is dropped.
 */
import anyTest, { type TestFn } from "ava";
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { WebSocket } from "ws";
import { addGenesisAccount, type GenesisDoc } from "../../genesis/index.js";
import { fetchAccountNumbers, newSender } from "../../bench/lib/sendPhase.js";
import { signSend, type Sender } from "../../bench/lib/sendTx.js";
import { createTestNode, latestHeight, rpc, waitForHeight, type TestNode } from "../helpers/localNode.js";

const LANES = 64;
const test = anyTest as TestFn<{ node: TestNode; senders: Sender[] }>;

test.before(async (t) => {
  const senders = Array.from({ length: LANES }, newSender);
  t.context.senders = senders;
  t.context.node = await createTestNode({
    editGenesis: (doc) => {
      let g = doc as unknown as GenesisDoc;
      for (const s of senders) g = addGenesisAccount(g, s.address, [{ denom: "ustrike", amount: "100000000000" }]);
      Object.assign(doc, g);
    },
  });
});

test.after.always(async (t) => {
  await t.context.node?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m === null ? NaN : Number(m[1]) / 1024;
}

/** Samples the node's RSS while `during` runs; returns the peak growth in MB. */
async function peakGrowthMb(pid: number, during: () => Promise<void>): Promise<number> {
  const base = rssMb(pid);
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
  try {
    await during();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, rssMb(pid));
  return peak - base;
}

function open(port: number): Promise<{ socket: Socket; isClosed: () => boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let closed = false;
    socket.on("error", () => {});
    socket.once("close", () => (closed = true));
    const done = () => resolve({ socket, isClosed: () => closed });
    socket.once("connect", done);
    socket.once("error", done);
  });
}

test.serial("a flood of connections past max_open_connections is refused and the node keeps committing", async (t) => {
  const { node } = t.context;
  const port = Number(new URL(node.rpcUrl).port);
  const before = await latestHeight(node.rpcUrl);
  const flood = [];
  for (let i = 0; i < 1200; i++) flood.push(await open(port));
  await sleep(1500);
  const held = flood.filter((f) => !f.isClosed()).length;
  // The cap counts every connection, this test's own pooled keep-alive sockets too.
  t.true(held <= 900 && held >= 880, `${held} of 1200 connections held with the default cap of 900`);
  const late = await open(port);
  await sleep(500);
  t.true(late.isClosed(), "a new connection is closed at once while the cap is reached");
  for (const f of flood) f.socket.destroy();
  await sleep(200);
  await waitForHeight(node.rpcUrl, before + 3n, 20_000);
  t.true((await latestHeight(node.rpcUrl)) >= before + 3n, "blocks were committed during and after the flood");
  t.notRegex(node.logs(), /EMFILE|not signing/);
});

test.serial("batches of genesis calls to clients that do not read keep the node's memory bounded", async (t) => {
  const { node } = t.context;
  const port = Number(new URL(node.rpcUrl).port);
  const genesisBytes = JSON.stringify(await rpc(node.rpcUrl, "genesis")).length;
  const body = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "genesis" })));
  const request = `POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const sockets: Socket[] = [];
  const growth = await peakGrowthMb(node.process.pid!, async () => {
    for (let i = 0; i < 14; i++) {
      const s = connect(port, "127.0.0.1");
      s.on("error", () => {});
      s.pause(); // never reads the answer
      s.write(request);
      sockets.push(s);
    }
    await sleep(4000);
  });
  for (const s of sockets) s.destroy();
  const unbounded = (14 * 1000 * genesisBytes) / 1e6;
  t.log(
    `genesis ${genesisBytes} B; unbounded answers would hold ${unbounded.toFixed(0)} MB; RSS grew ${growth.toFixed(0)} MB`,
  );
  t.true(growth < 150, `RSS grew ${growth.toFixed(0)} MB`);

  // A client that reads gets every answer, the ones past the byte bound as errors.
  const res = (await (await fetch(node.rpcUrl, { method: "POST", body })).json()) as {
    result?: unknown;
    error?: unknown;
  }[];
  t.is(res.length, 1000);
  t.true(res.filter((r) => r.result !== undefined).length <= Math.ceil(25_000_000 / genesisBytes) + 1);
});

test.serial("a websocket client that sends big requests and does not read is cut, memory bounded", async (t) => {
  const { node } = t.context;
  const ws = new WebSocket(`${node.rpcUrl.replace("http", "ws")}/websocket`);
  await new Promise((r) => ws.once("open", r));
  const closed = new Promise<void>((r) => ws.once("close", () => r()));
  const socket = (ws as unknown as { _socket: Socket })._socket;
  socket.pause();
  const batch = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "genesis" })));
  const growth = await peakGrowthMb(node.process.pid!, async () => {
    for (let i = 0; i < 3; i++) ws.send(batch);
    await sleep(4000);
  });
  socket.resume();
  t.true(growth < 150, `RSS grew ${growth.toFixed(0)} MB`);
  await Promise.race([closed, sleep(10_000)]);
  t.is(ws.readyState, WebSocket.CLOSED, "the slow client was cut");
  t.true((await latestHeight(node.rpcUrl)) > 0n);
});

test.serial("64 lanes of pre-signed sends over fetch lose no request across a 7 s stall of the node", async (t) => {
  const { node, senders } = t.context;
  await fetchAccountNumbers(node.rpcUrl, senders);
  const PER_LANE = 10;
  const receiver = node.accounts.bob!.address;
  const lanes = senders.map((s) =>
    Array.from({ length: PER_LANE }, (_, i) => signSend(s, receiver, BigInt(i), node.chainId)),
  );
  const failures: string[] = [];
  let accepted = 0;
  const send = async (tx: Uint8Array) => {
    try {
      const res = await fetch(node.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "broadcast_tx_sync",
          params: { tx: Buffer.from(tx).toString("base64") },
        }),
      });
      const json = (await res.json()) as { result?: { code: number; log: string } };
      if (json.result?.code === 0) accepted++;
      else failures.push(`code ${json.result?.code}: ${json.result?.log}`);
    } catch (e) {
      failures.push(String((e as { cause?: unknown }).cause ?? e));
    }
  };
  const pid = node.process.pid!;
  // Half way through, the node's event loop stops for 7 s (longer than any keep-alive timeout).
  const stall = (async () => {
    await sleep(600);
    process.kill(pid, "SIGSTOP");
    await sleep(7000);
    process.kill(pid, "SIGCONT");
  })();
  await Promise.all(
    lanes.map(async (txs) => {
      for (const tx of txs) {
        await send(tx);
        await sleep(20);
      }
    }),
  );
  await stall;
  t.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${LANES * PER_LANE} requests failed`);
  t.is(accepted, LANES * PER_LANE);
});
