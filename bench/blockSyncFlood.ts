/**
 * What a flood of unsolicited block-sync responses costs a node (issue 9): a receiver
 * process runs a real p2p host with the node's block-sync handler (its driver a stub at
 * height 100 that refuses what is not the next height, as the real driver's first check
 * does); an attacker host on loopback sends it N responses of a 4 MiB block (of 1 KiB txs,
 * or FLOOD_TX_BYTES) for height 50, which it never asked for. The receiver's CPU time (user + system,
 * process.cpuUsage) is taken from the first response to the last one it gets, in three modes:
 *
 *   transport  no block-sync handler: the floor (TCP, noise, yamux, framing)
 *   noBan      the handler, with the ban score out of reach: every response is handled
 *   default    the handler and the default peer scoring: the attacker is dropped and banned
 *
 *   npx tsx bench/blockSyncFlood.ts [--root DIR] [--label NAME]
 * --root: the checkout whose chain/ code runs (default: this one), to measure before and after
 * a change with the same script. Env: FLOOD_MESSAGES (40), FLOOD_TX_BYTES (1024). Writes
 * bench/results/blocksync-flood[-label].json.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join, resolve } from "node:path";
import type * as BlockSyncModule from "../chain/consensus/blockSync.js";
import type * as P2PModule from "../chain/p2p/index.js";
import type { Block } from "../chain/types/block.js";
import { writeResult } from "./lib/machine.js";

const MESSAGES = Number(process.env["FLOOD_MESSAGES"] ?? 40);
/** Tx size in the block: small txs make the decode dearer (one allocation per tx). */
const TX_BYTES = Number(process.env["FLOOD_TX_BYTES"] ?? 1024);
/** As many txs as fill 4 MiB with their protobuf framing (a tag byte and a length varint each). */
const TXS = Math.floor((4 * 1024 * 1024) / (TX_BYTES + 1 + (TX_BYTES < 128 ? 1 : 2)));
type Mode = "transport" | "noBan" | "default";
const MODES: Mode[] = ["transport", "noBan", "default"];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

async function load(root: string) {
  const url = (p: string) => pathToFileURL(join(root, p)).href;
  const p2p = (await import(url("chain/p2p/index.ts"))) as typeof P2PModule;
  const sync = (await import(url("chain/consensus/blockSync.ts"))) as typeof BlockSyncModule;
  return { p2p, sync };
}

const seed = (n: number) => new Uint8Array(32).fill(n);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface ReceiverReport {
  received: number;
  reports: number;
  /** From the first response in to the last one handled. */
  cpuMs: number;
  wallMs: number;
}

/** The receiver answers "report" lines on stdin with a JSON line on stdout. */
async function receiver(root: string, mode: Mode): Promise<void> {
  const { p2p, sync } = await load(root);
  let received = 0;
  let reports = 0;
  let first: NodeJS.CpuUsage | undefined;
  let last: NodeJS.CpuUsage | undefined;
  let firstAt = 0;
  let lastAt = 0;
  const done = () => {
    last = process.cpuUsage();
    lastAt = performance.now();
  };
  const host = p2p.createP2PHost({
    nodeKeySeed: seed(2),
    listen: "tcp://127.0.0.1:0",
    persistentPeers: [],
    logger: quiet,
    ...(mode === "noBan" ? { tuning: { banScore: -1_000_000_000 } } : {}),
  });
  // Registered first, so it runs before the block-sync handler: the clock starts as the first response is in.
  host.onMessage("blocksync", () => {
    if (received++ > 0) return;
    first = process.cpuUsage();
    firstAt = performance.now();
  });
  if (mode === "transport") host.onMessage("blocksync", done);
  else {
    sync.createBlockSync({
      channel: {
        broadcast: (m) => host.broadcast("blocksync", m),
        send: (peer, m) => host.send(peer, "blocksync", m),
        onMessage: (h) =>
          host.onMessage("blocksync", (peer, m) => {
            h(peer, m);
            // The decode runs in the handler; what it queued (the driver's answer) runs before this.
            setImmediate(done);
          }),
        reportInvalid: (peer, reason) => {
          reports++;
          host.reportInvalid(peer, reason);
        },
      },
      blockStore: {
        loadBlock: () => Promise.resolve(undefined),
        loadCommit: () => Promise.resolve(undefined),
      } as never,
      driver: {
        height: 100n,
        applySyncedBlock: (b) => Promise.resolve(`not the next height (have 100, got ${b.header.height})`),
      },
    });
  }
  createInterface({ input: process.stdin }).on("line", (l) => {
    if (l === "report") {
      const cpu = first === undefined || last === undefined ? 0 : last.user + last.system - first.user - first.system;
      const r: ReceiverReport = {
        received,
        reports,
        cpuMs: Math.round(cpu / 1000),
        wallMs: Math.round(lastAt - firstAt),
      };
      process.stdout.write(`${JSON.stringify(r)}\n`);
    } else if (l === "quit") void host.stop().then(() => process.exit(0));
  });
  await host.start();
  process.stdout.write(`${JSON.stringify({ peerId: host.peerId, address: host.listenAddress })}\n`);
}

function bigBlock(): Block {
  const zero = new Uint8Array(32);
  const blockId = { hash: zero, partSetHeader: { total: 1, hash: zero } };
  return {
    header: {
      version: { block: 11n, app: 1n },
      chainId: "flood-1",
      height: 50n,
      time: { seconds: 1n, nanos: 0 },
      lastBlockId: blockId,
      lastCommitHash: zero,
      dataHash: zero,
      validatorsHash: zero,
      nextValidatorsHash: zero,
      consensusHash: zero,
      appHash: zero,
      lastResultsHash: zero,
      evidenceHash: zero,
      proposerAddress: new Uint8Array(20),
    },
    txs: Array.from({ length: TXS }, (_, i) => new Uint8Array(TX_BYTES).fill(i & 0xff)),
    evidence: [],
    lastCommit: { height: 49n, round: 0, blockId, signatures: [] },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function attack(root: string, mode: Mode) {
  const { p2p, sync } = await load(root);
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "receiver", root, mode], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => {
    const w = waiting.shift();
    if (w === undefined) lines.push(l);
    else w(l);
  });
  const nextLine = () =>
    new Promise<string>((r) => {
      const l = lines.shift();
      if (l === undefined) waiting.push(r);
      else r(l);
    });
  const remote = JSON.parse(await nextLine()) as { peerId: string; address: string };
  const ask = async (): Promise<ReceiverReport> => {
    child.stdin!.write("report\n");
    return JSON.parse(await nextLine()) as ReceiverReport;
  };

  // Dialled once, as an attacker would connect: once dropped and banned, it stays gone.
  const attacker = p2p.createP2PHost({
    nodeKeySeed: seed(1),
    listen: "tcp://127.0.0.1:0",
    persistentPeers: [`${remote.peerId}@${remote.address}`],
    logger: quiet,
    tuning: { reconnectInitialDelayMs: 600_000, reconnectMaxDelayMs: 600_000 },
  });
  let connected = false;
  let dropped = false;
  attacker.onPeer((e) => {
    connected = e.kind === "connected";
    dropped ||= e.kind === "disconnected";
  });
  await attacker.start();
  while (!connected) await sleep(10);
  const block = bigBlock();
  const message = sync.encodeResponse(block, {
    height: 50n,
    round: 0,
    blockId: block.lastCommit.blockId,
    signatures: [],
  });
  let sent = 0;
  while (sent < MESSAGES && !dropped) {
    if (attacker.send(remote.peerId, "blocksync", message)) sent++;
    else await sleep(5);
  }
  // Until the receiver has everything that was sent, or has stopped getting any more.
  let r = await ask();
  for (let previous = -1; r.received < sent && r.received !== previous;) {
    previous = r.received;
    await sleep(2_000);
    r = await ask();
  }
  const attackerDropped = dropped;
  child.stdin!.write("quit\n");
  await attacker.stop();
  await new Promise((resolve) => (child.exitCode === null ? child.once("exit", resolve) : resolve(undefined)));
  const result = {
    mode,
    messageBytes: message.length,
    sent,
    attackerDropped,
    ...r,
    cpuMsPerResponse: r.received === 0 ? 0 : Number((r.cpuMs / r.received).toFixed(1)),
  };
  console.log(JSON.stringify(result));
  return result;
}

async function main(): Promise<void> {
  const root = resolve(arg("--root") ?? join(import.meta.dirname, ".."));
  const label = arg("--label");
  const runs = [];
  for (const mode of MODES) runs.push(await attack(root, mode));
  const path = writeResult(label === undefined ? "blocksync-flood" : `blocksync-flood-${label}`, {
    unit: "receiver CPU ms (user + system) from the first to the last unsolicited 4 MiB block-sync response it got",
    root,
    messages: MESSAGES,
    txBytes: TX_BYTES,
    txsPerBlock: TXS,
    figures: runs,
  });
  console.log(`wrote ${path}`);
}

if (process.argv[2] === "receiver") await receiver(process.argv[3]!, process.argv[4] as Mode);
else await main();
