/** Helpers for p2p tests: real hosts on 127.0.0.1 with free ports, stopped by t.teardown. */
import type { ExecutionContext } from "ava";
import {
  createP2PHost,
  type ChannelId,
  type P2PConfig,
  type P2PHost,
  type P2PTuningOverrides,
} from "../../../../chain/p2p/index.js";

export function seedOf(n: number): Uint8Array {
  const seed = new Uint8Array(32);
  seed.fill(n & 0xff);
  seed[0] = 0x5e;
  return seed;
}

/** Timings shrunk so that each test runs in a few seconds. */
export const FAST_TUNING: P2PTuningOverrides = {
  reconnectInitialDelayMs: 50,
  reconnectMaxDelayMs: 400,
  stableConnectionMs: 5_000,
  dialTimeoutMs: 2_000,
  banDurationMs: 60_000,
  stallTimeoutMs: 5_000,
};

export interface LogLine {
  atMs: number;
  msg: string;
  fields: Record<string, unknown>;
}

export interface TestHost {
  host: P2PHost;
  logs: LogLine[];
}

export function makeHost(t: ExecutionContext, config: Partial<P2PConfig> & { seed: number }): TestHost {
  const logs: LogLine[] = [];
  const record = (msg: string, fields: Record<string, unknown> = {}) =>
    void logs.push({ atMs: Date.now(), msg, fields });
  const { seed, ...rest } = config;
  const host = createP2PHost({
    nodeKeySeed: seedOf(seed),
    listen: "tcp://127.0.0.1:0",
    persistentPeers: [],
    ...rest,
    tuning: { ...FAST_TUNING, ...rest.tuning },
    logger: { info: record, warn: record, error: record },
  });
  t.teardown(() => host.stop());
  return { host, logs };
}

export async function startHost(t: ExecutionContext, config: Partial<P2PConfig> & { seed: number }): Promise<TestHost> {
  const h = makeHost(t, config);
  await h.host.start();
  return h;
}

export function addressOf(host: P2PHost): string {
  return `${host.peerId}@${host.listenAddress}`;
}

export function isConnected(host: P2PHost, peerId: string): boolean {
  return host.peers().some((p) => p.id === peerId);
}

/** Polls until the condition holds; fails with `what` after the timeout. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new TypeError(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every message a host receives on a channel, with its sender. */
export function inbox(host: P2PHost, channel: ChannelId): { from: string; message: Uint8Array }[] {
  const received: { from: string; message: Uint8Array }[] = [];
  host.onMessage(channel, (from, message) => void received.push({ from, message }));
  return received;
}

export function numbered(i: number, size = 16): Uint8Array {
  const m = new Uint8Array(size);
  new DataView(m.buffer).setUint32(0, i);
  for (let k = 4; k < size; k++) m[k] = (i + k) & 0xff;
  return m;
}

export function numberOf(m: Uint8Array): number {
  return new DataView(m.buffer, m.byteOffset, m.byteLength).getUint32(0);
}
