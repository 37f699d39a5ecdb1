/**
 * Hole 2 of issue 9 with real processes: a validator whose file descriptors run out. A
 * connection flood (RPC or p2p) against a node started under `ulimit -n 256` must not take
 * the descriptors that signing and persistence need, and a signing failure from descriptor
 * exhaustion (the limit lowered under the node's open files with prlimit) is retried until
 * it succeeds: logged loudly, never a silent stall.
 */
import anyTest, { type TestFn } from "ava";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { addGenesisAccount, type GenesisDoc } from "../../genesis/index.js";
import { fetchAccountNumbers, newSender } from "../../bench/lib/sendPhase.js";
import { signSend, type Sender } from "../../bench/lib/sendTx.js";
import { createTestNode, latestHeight, waitForHeight, type TestNode } from "../helpers/localNode.js";

const FD_LIMIT = 256;
const test = anyTest as TestFn<{ node: TestNode; sender: Sender }>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(async (t) => {
  const sender = newSender();
  t.context.sender = sender;
  t.context.node = await createTestNode({
    fdLimit: FD_LIMIT,
    editGenesis: (doc) => {
      Object.assign(
        doc,
        addGenesisAccount(doc as unknown as GenesisDoc, sender.address, [
          { denom: "ustrike", amount: "100000000000" },
          { denom: "uusdc", amount: "1000000" },
        ]),
      );
    },
  });
});

test.after.always(async (t) => {
  await t.context.node?.destroy();
});

const openFds = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

function softFdLimit(pid: number): number {
  const m = /^Max open files\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
  return Number(m?.[1]);
}

/** Samples the node's open descriptors every 50 ms while `during` runs; returns the peak. */
async function peakFds(pid: number, during: () => Promise<void>): Promise<number> {
  let peak = openFds(pid);
  const timer = setInterval(() => (peak = Math.max(peak, openFds(pid))), 50);
  try {
    await during();
  } finally {
    clearInterval(timer);
  }
  return peak;
}

function open(port: number): Promise<{ socket: Socket; isClosed: () => boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let closed = false;
    socket.on("error", () => {});
    // Flowing, so that the node's FIN is seen (a paused socket never reaches 'end').
    socket.resume();
    socket.once("close", () => (closed = true));
    const done = () => resolve({ socket, isClosed: () => closed });
    socket.once("connect", done);
    socket.once("error", done);
  });
}

/** A JSON-RPC call over a connection of its own (no pooled keep-alive socket). */
function freshCall<T>(port: number, method: string, params: Record<string, unknown> = {}): Promise<T> {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", agent: false, headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => {
          const json = JSON.parse(text) as { result?: T; error?: unknown };
          if (json.error !== undefined) reject(new Error(JSON.stringify(json.error)));
          else resolve(json.result as T);
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function until(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (
      await Promise.resolve()
        .then(cond)
        .catch(() => false)
    )
      return true;
    await sleep(200);
  }
  return false;
}

test.serial(
  "an RPC flood past max_open_connections on a node with 256 descriptors: the cap fits the limit, the node keeps committing, idle connections are closed, then it serves normally",
  async (t) => {
    const { node, sender } = t.context;
    const pid = node.process.pid!;
    const port = Number(new URL(node.rpcUrl).port);
    t.is(softFdLimit(pid), FD_LIMIT);
    t.regex(
      node.logs(),
      /max_open_connections does not fit the open-files limit: lowered[^\n]*max_open_connections=128/,
    );

    const flood: { socket: Socket; isClosed: () => boolean }[] = [];
    let held: typeof flood = [];
    let lateClosed = false;
    const before = await latestHeight(node.rpcUrl);
    const baseline = openFds(pid);
    const peak = await peakFds(pid, async () => {
      for (let i = 0; i < 1200; i++) flood.push(await open(port));
      await sleep(1500);
      // Sockets past the kernel's accept backlog look connected to this side only: count the node's.
      held = flood.filter((f) => !f.isClosed());
      const late = await open(port);
      await sleep(500);
      lateClosed = late.isClosed();
      late.socket.destroy();
      await waitForHeight(node.rpcUrl, before + 3n, 20_000);
    });
    t.log(`held ${held.length} of 1200 connections; peak ${peak} descriptors of ${FD_LIMIT}`);
    t.true(held.length <= 128, `${held.length} connections held over a cap of 128`);
    t.true(lateClosed, "a new connection over the cap is closed at once");
    t.true(peak < FD_LIMIT - 32, `peak ${peak} descriptors leaves room for signing and the store`);

    // Idle connections are closed by the node (10 s idle timeout, swept every second).
    t.true(
      await until(() => held.every((f) => f.isClosed()), 20_000),
      "every idle connection the node held was closed",
    );
    t.true(
      await until(() => openFds(pid) <= baseline + 8, 5_000),
      `${openFds(pid)} descriptors open, ${baseline} before`,
    );
    for (const f of flood) f.socket.destroy();

    // Afterwards a new client is served: a status, and a tx committed.
    const status = await freshCall<{ sync_info: { latest_block_height: string } }>(port, "status");
    t.true(BigInt(status.sync_info.latest_block_height) >= before + 3n);
    await fetchAccountNumbers(node.rpcUrl, [sender]);
    const tx = signSend(sender, node.accounts.bob!.address, 0n, node.chainId);
    const res = await freshCall<{ tx_result: { code: number }; height: string }>(port, "broadcast_tx_commit", {
      tx: Buffer.from(tx).toString("base64"),
    });
    t.is(res.tx_result.code, 0);
    t.notRegex(node.logs(), /EMFILE|not signing|cannot commit/);
    t.is(node.process.exitCode, null);
  },
);

test.serial("a flood of raw connections on the p2p port keeps the node's descriptors bounded", async (t) => {
  const { node } = t.context;
  const pid = node.process.pid!;
  const before = await latestHeight(node.rpcUrl);
  const flood: { socket: Socket; isClosed: () => boolean }[] = [];
  const peak = await peakFds(pid, async () => {
    for (let i = 0; i < 1000; i++) flood.push(await open(node.p2pPort));
    await waitForHeight(node.rpcUrl, before + 3n, 20_000);
  });
  t.log(`peak ${peak} descriptors of ${FD_LIMIT} with 1000 unauthenticated p2p connections`);
  t.true(peak < FD_LIMIT - 32, `peak ${peak}`);
  t.true(
    await until(() => flood.every((f) => f.isClosed()), 20_000),
    "the node hangs up on connections that never handshake",
  );
  for (const f of flood) f.socket.destroy();
  t.notRegex(node.logs(), /EMFILE|not signing|cannot commit/);
});

test.serial(
  "a signature that fails with EMFILE is retried until descriptors are free again, and the node resumes committing",
  async (t) => {
    const { node } = t.context;
    const pid = node.process.pid!;
    const soft = softFdLimit(pid);
    await until(() => latestHeight(node.rpcUrl).then(() => true), 5_000);
    // Below what is already open, and at or below the sign state's spare file: a signature
    // closes that spare and opens the next, which would otherwise get the number just freed
    // (the sign state needs no new descriptor by design); now the next one fails with EMFILE.
    const spareFds = () =>
      readdirSync(`/proc/${pid}/fd`)
        .map(Number)
        .filter((fd) => {
          try {
            return /priv_validator_state\.json\.tmp1?$/.test(readlinkSync(`/proc/${pid}/fd/${fd}`));
          } catch {
            return false;
          }
        });
    // Read from outside the process, the table can be caught inside a signature (the next
    // spare, under the other of the two names, is opened before the written one is closed):
    // between signatures one spare is open, so read until a moment between them.
    let spare = spareFds();
    await until(() => (spare = spareFds()).length === 1, 2_000);
    t.is(spare.length, 1, "the sign state keeps its next file open ahead of the signature");
    const squeezed = Math.min(openFds(pid) - 4, ...spare);
    execFileSync("prlimit", ["--pid", String(pid), `--nofile=${squeezed}:`]);
    let retried = false;
    try {
      retried = await until(
        () => /cannot sign (proposal|prevote|precommit): retrying[^\n]*EMFILE/.test(node.logs()),
        15_000,
      );
      await sleep(2000);
    } finally {
      execFileSync("prlimit", ["--pid", String(pid), `--nofile=${soft}:`]);
    }
    // Read once descriptors are back: while squeezed the RPC cannot accept a new connection
    // (a request then worked only if the client still had a keep-alive one open).
    const hSqueezed = await latestHeight(node.rpcUrl);
    t.true(retried, "the failed signature is logged as retried");
    const resumed = await until(async () => (await latestHeight(node.rpcUrl)) >= hSqueezed + 3n, 15_000);
    t.true(resumed, `committing again after the limit was restored (stuck at ${hSqueezed})`);
    t.is(node.process.exitCode, null, "the node did not stop");
    t.notRegex(node.logs(), /not signing/);
    t.is(statSync(join(node.home, "data", "priv_validator_state.json")).mode & 0o777, 0o600);
  },
);
