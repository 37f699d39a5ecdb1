/**
 * Four validator drivers in one process, on the memory store, joined by an in-process
 * network that delivers each broadcast asynchronously to the peers a `deliver` rule allows.
 * The rule is read at send time, so a test can cut a node off, or let it go, mid-height.
 * DRIVER_NET_LOG=1 prints the nodes' consensus logs.
 */
import type { ExecutionContext } from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConsensusDriver } from "../../../chain/consensus/driver.js";
import { addressFromPubKey } from "../../../chain/consensus/encoding.js";
import { openBlockStore } from "../../../chain/consensus/blockStore.js";
import type {
  CommittedBlock,
  ConsensusDriver,
  ConsensusLogger,
  ConsensusMessage,
} from "../../../chain/consensus/types.js";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import { openFakeApp } from "./fakeApp.js";

export const N = 4;
const seeds = Array.from({ length: N }, (_, i) => new Uint8Array(32).fill(100 + i));
const signers = seeds.map((s) => createEd25519Signer(s));
export const validators = signers.map((s) => ({
  address: addressFromPubKey(s.publicKey),
  pubKey: s.publicKey,
  votingPower: 10n,
  proposerPriority: 0n,
}));

export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/** DRIVER_NET_LOG=1 prints every node's consensus log (debug included), each line prefixed with the node. */
function printedLogger(prefix: string): ConsensusLogger {
  const line = (level: string) => (msg: string, f?: Record<string, unknown>) =>
    console.log(
      `${prefix} ${level} ${msg} ${JSON.stringify(f ?? {}, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`,
    );
  return { debug: line("D"), info: line("I"), warn: line("W"), error: line("E") };
}

/** What every driver here is made with: the chain, its timeouts, the fake app on `db`, files under `dir`. */
async function commonOptions(db: ReturnType<typeof createMemoryDatabase>, dir: string, commitMs = 5) {
  return {
    chainId: "strike-relay",
    initialHeight: 1n,
    genesisTime: { seconds: 1_700_000_000n, nanos: 0 },
    validators,
    consensusParams: {
      block: { maxBytes: 1048576n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    app: await openFakeApp(db),
    db,
    blockStore: await openBlockStore(db),
    signStatePath: join(dir, "sign_state.json"),
    walPath: join(dir, "cs.wal"),
    timeouts: {
      proposeMs: 500,
      proposeDeltaMs: 100,
      prevoteMs: 200,
      prevoteDeltaMs: 100,
      precommitMs: 200,
      precommitDeltaMs: 100,
      commitMs,
    },
  };
}

/**
 * A full node started late, on an empty store, given `blocks` by block sync in order: the
 * first refusal (height and reason), or undefined when every block applied.
 */
export async function syncFresh(t: ExecutionContext, blocks: readonly CommittedBlock[]): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), "strike-driver-net-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const driver = createConsensusDriver({
    ...(await commonOptions(createMemoryDatabase(), dir)),
    privValidator: undefined,
    createEmptyBlocks: true,
    createEmptyBlocksIntervalMs: 0,
    blockBuilder: { reapTxs: () => [], size: () => 0 },
  });
  void driver.start();
  t.teardown(() => driver.stop());
  // start() resolves only when consensus stops; it runs once the store is loaded.
  await waitFor(() => driver.status().step !== "init", 10_000);
  for (const c of blocks) {
    const why = await driver.applySyncedBlock(c.block, c.commit);
    if (why !== undefined) return `height ${c.block.header.height}: ${why}`;
  }
  return undefined;
}

export interface DriverNetOptions {
  /** Whether `from`'s message reaches `to` (default: always). */
  deliver?(from: number, to: number, m: ConsensusMessage): boolean;
  /** Called after each broadcast has been handed to the peers `deliver` allowed. */
  afterBroadcast?(from: number, m: ConsensusMessage): void;
  clockOf?(i: number): () => number;
  /** How long `from`'s message takes to reach `to` (default: the next turn of the event loop). */
  delayMs?(from: number, to: number, m: ConsensusMessage): number;
  /** The commit timeout (default 5 ms). */
  commitMs?: number;
}

export interface DriverNet {
  /** Blocks each node committed, in order (a restarted node's continue its list). */
  committed: CommittedBlock[][];
  /** The running driver of each node (replaced by a restart). */
  drivers: ConsensusDriver[];
  /** Stops node i as a crash would leave it: what it wrote stays, it sends and hears nothing. */
  stop(i: number): Promise<void>;
  /** Starts node i again on what it wrote (state, blocks, WAL, sign state). */
  restart(i: number): Promise<void>;
  /** Hands node i a message as if peer `peer` (no validator's node) had sent it. */
  inject(i: number, m: ConsensusMessage, peer: string): void;
  /** What each node reported against a peer (reportInvalid), in order. */
  reports: { node: number; peer: string; reason: string }[];
}

export async function driverNet(t: ExecutionContext, opts: DriverNetOptions = {}): Promise<DriverNet> {
  const handlers: ((m: ConsensusMessage, origin?: { peer: string; bytes: number }) => void)[] = [];
  const committed: CommittedBlock[][] = Array.from({ length: N }, () => []);
  const drivers: ConsensusDriver[] = [];
  const down = new Set<number>();
  const reports: DriverNet["reports"] = [];
  const dbs = Array.from({ length: N }, () => createMemoryDatabase());
  const dirs = Array.from({ length: N }, () => {
    const dir = mkdtempSync(join(tmpdir(), "strike-driver-net-"));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  });
  const makeDriver = async (i: number): Promise<ConsensusDriver> => {
    const db = dbs[i]!;
    return createConsensusDriver({
      ...(await commonOptions(db, dirs[i]!, opts.commitMs)),
      privValidator: { privateKey: seeds[i]!, publicKey: signers[i]!.publicKey },
      createEmptyBlocks: true,
      createEmptyBlocksIntervalMs: 0,
      gossipIntervalMs: 200,
      now: opts.clockOf?.(i) ?? Date.now,
      blockBuilder: { reapTxs: () => [], size: () => 0 },
      onBlockCommitted: (c) => committed[i]!.push(c),
      ...(process.env.DRIVER_NET_LOG === undefined ? {} : { logger: printedLogger(`n${i}`) }),
      network: {
        broadcast(m) {
          if (down.has(i)) return;
          for (let j = 0; j < N; j++) {
            if (j === i || down.has(j) || (opts.deliver !== undefined && !opts.deliver(i, j, m))) continue;
            const arrive = () => {
              if (!down.has(j)) handlers[j]?.(m, { peer: `node${i}`, bytes: 1 });
            };
            const delay = opts.delayMs?.(i, j, m) ?? 0;
            if (delay > 0) setTimeout(arrive, delay);
            else setImmediate(arrive);
          }
          opts.afterBroadcast?.(i, m);
        },
        onMessage(h) {
          handlers[i] = h;
        },
        reportInvalid(peer, reason) {
          reports.push({ node: i, peer, reason });
        },
      },
    });
  };
  for (let i = 0; i < N; i++) drivers.push(await makeDriver(i));
  t.teardown(async () => {
    for (const d of drivers) await d.stop();
  });
  for (const d of drivers) void d.start();
  // Block sync, as a node's (chain/consensus/blockSync.ts) does it over the network: a node
  // behind a peer is given the peer's next block with the commit that decided it.
  const sync = setInterval(() => {
    for (let i = 0; i < N; i++) {
      if (down.has(i)) continue;
      const next = Number(drivers[i]!.height) + 1;
      const ahead = committed.find((c, j) => !down.has(j) && j !== i && c.length >= next)?.[next - 1];
      if (ahead !== undefined)
        void drivers[i]!.applySyncedBlock(ahead.block, ahead.commit).then((why) => {
          if (why !== undefined && process.env.DRIVER_NET_LOG !== undefined) console.log(`n${i} sync ${next}: ${why}`);
        });
    }
  }, 100);
  t.teardown(() => clearInterval(sync));
  return {
    committed,
    drivers,
    reports,
    inject(i, m, peer) {
      handlers[i]?.(m, { peer, bytes: 1 });
    },
    async stop(i) {
      down.add(i);
      await drivers[i]!.stop();
    },
    async restart(i) {
      drivers[i] = await makeDriver(i);
      down.delete(i);
      void drivers[i].start();
    },
  };
}
