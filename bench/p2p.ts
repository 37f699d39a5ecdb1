/**
 * Throughput and latency of the p2p layer between two hosts on loopback, each in its own
 * process (the machine has 2 cores: one per host). Messages of 200 B on the mempool channel
 * and of 100 kB on the block-sync channel are sent as fast as the sender's bounded queue
 * takes them; the receiver reports when it has them all. Then 200 B consensus ping-pongs give
 * the round-trip latency. Writes bench/results/p2p.json.
 *
 *   npx tsx bench/p2p.ts
 * Env: BENCH_SMALL (200000 messages), BENCH_LARGE (3000 messages), BENCH_PINGS (2000).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { loadavg } from "node:os";
import { createP2PHost, type ChannelId, type P2PHost } from "../chain/p2p/index.js";
import { percentile, writeResult } from "./lib/machine.js";

const SMALL = Number(process.env["BENCH_SMALL"] ?? 200_000);
const LARGE = Number(process.env["BENCH_LARGE"] ?? 3_000);
const PINGS = Number(process.env["BENCH_PINGS"] ?? 2_000);

/** Control messages on the consensus channel: op byte, then a u32. */
const OP_TARGET = 1; // receiver: tell me when channel (u8 at [5]) has reached this many messages
const OP_DONE = 2;
const OP_PING = 3;
const OP_PONG = 4;
const OP_QUIT = 5;
const DATA_CHANNELS: ChannelId[] = ["mempool", "blocksync"];

function seed(n: number): Uint8Array {
  return new Uint8Array(32).fill(n);
}

function control(op: number, value = 0, extra = 0): Uint8Array {
  const m = new Uint8Array(6);
  m[0] = op;
  new DataView(m.buffer).setUint32(1, value);
  m[5] = extra;
  return m;
}

async function receiver(): Promise<void> {
  const host = createP2PHost({ nodeKeySeed: seed(2), listen: "tcp://127.0.0.1:0", persistentPeers: [] });
  const counts = [0, 0];
  const targets = [Infinity, Infinity];
  let sender = "";
  const check = (i: number) => {
    if (counts[i]! >= targets[i]!) {
      targets[i] = Infinity;
      host.send(sender, "consensus", control(OP_DONE, counts[i], i));
    }
  };
  DATA_CHANNELS.forEach((ch, i) =>
    host.onMessage(ch, (from) => {
      sender = from;
      counts[i]!++;
      check(i);
    }),
  );
  host.onMessage("consensus", (from, m) => {
    sender = from;
    if (m[0] === OP_PING) {
      const pong = new Uint8Array(m);
      pong[0] = OP_PONG;
      host.send(from, "consensus", pong);
    } else if (m[0] === OP_TARGET) {
      targets[m[5]!] = new DataView(m.buffer, m.byteOffset).getUint32(1);
      check(m[5]!);
    } else if (m[0] === OP_QUIT) {
      void host.stop().then(() => process.exit(0));
    }
  });
  await host.start();
  process.stdout.write(`${JSON.stringify({ peerId: host.peerId, address: host.listenAddress })}\n`);
}

function nextMessage(host: P2PHost, op: number): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const pending = (m: Uint8Array) => m[0] === op && resolve(m);
    waiters.push(pending);
  });
}
const waiters: ((m: Uint8Array) => void)[] = [];

async function flood(host: P2PHost, peer: string, channel: ChannelId, size: number, count: number) {
  const message = new Uint8Array(size).fill(7);
  const index = DATA_CHANNELS.indexOf(channel);
  const done = nextMessage(host, OP_DONE);
  const start = process.hrtime.bigint();
  let sent = 0;
  let refused = 0;
  while (sent < count) {
    if (host.send(peer, channel, message)) sent++;
    else {
      refused++;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  host.send(peer, "consensus", control(OP_TARGET, count, index));
  await done;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const result = {
    channel,
    messageBytes: size,
    messages: count,
    seconds: Number(seconds.toFixed(3)),
    messagesPerSecond: Math.round(count / seconds),
    megabytesPerSecond: Number(((count * size) / seconds / 1e6).toFixed(1)),
    sendsRefusedWhileQueueFull: refused,
  };
  console.log(JSON.stringify(result));
  return result;
}

async function pingPong(host: P2PHost, peer: string, rounds: number) {
  const rtts: number[] = [];
  const ping = new Uint8Array(200);
  ping[0] = OP_PING;
  for (let i = 0; i < rounds; i++) {
    const pong = nextMessage(host, OP_PONG);
    const t0 = process.hrtime.bigint();
    host.send(peer, "consensus", ping);
    await pong;
    rtts.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  rtts.sort((a, b) => a - b);
  const ms = (x: number) => Number(x.toFixed(3));
  return {
    rounds,
    messageBytes: 200,
    p50: ms(percentile(rtts, 50)),
    p99: ms(percentile(rtts, 99)),
    max: ms(rtts.at(-1)!),
  };
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "receiver"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once("line", resolve));
  const remote = JSON.parse(line) as { peerId: string; address: string };
  const loadBefore = loadavg();

  const host = createP2PHost({
    nodeKeySeed: seed(1),
    listen: "tcp://127.0.0.1:0",
    persistentPeers: [`${remote.peerId}@${remote.address}`],
  });
  host.onMessage("consensus", (_from, m) => {
    for (const w of waiters.splice(0)) w(m);
  });
  const connected = new Promise<void>((resolve) => host.onPeer((e) => e.kind === "connected" && resolve()));
  const t0 = process.hrtime.bigint();
  await host.start();
  await connected;
  const connectMs = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`connected in ${connectMs.toFixed(1)} ms`);

  // Warm-up: JIT and yamux windows.
  await flood(host, remote.peerId, "mempool", 200, 20_000);
  const small = await flood(host, remote.peerId, "mempool", 200, SMALL);
  const large = await flood(host, remote.peerId, "blocksync", 100_000, LARGE);
  const latency = await pingPong(host, remote.peerId, PINGS);
  console.log(JSON.stringify(latency));

  host.send(remote.peerId, "consensus", control(OP_QUIT));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await host.stop();
  if (child.exitCode === null) child.kill();

  const path = writeResult("p2p", {
    unit: "messages per second and MB/s (1 MB = 1e6 bytes), one host per process, TCP+noise+yamux on 127.0.0.1",
    figures: {
      connectMs: Number(connectMs.toFixed(1)),
      small,
      large,
      roundTripMs: latency,
    },
    loadAverage: { before: loadBefore, after: loadavg() },
  });
  console.log(`wrote ${path}`);
}

if (process.argv[2] === "receiver") await receiver();
else await main();
