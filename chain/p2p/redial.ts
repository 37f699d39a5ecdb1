import type { PersistentPeerAddress } from "./config.js";
import { p2pErrors } from "./errors.js";
import type { P2PLogger, P2PTuning } from "./types.js";

type RedialTuning = Pick<P2PTuning, "reconnectInitialDelayMs" | "reconnectMaxDelayMs" | "stableConnectionMs">;

/**
 * Exponential backoff with a cap: initial · 2^failures, at most max, then scaled by a random
 * factor in [0.8, 1] so that nodes restarted together do not redial in lockstep.
 */
export function reconnectDelayMs(failures: number, tuning: RedialTuning, random: () => number = Math.random): number {
  const exponential = tuning.reconnectInitialDelayMs * 2 ** Math.min(failures, 30);
  return Math.round(Math.min(tuning.reconnectMaxDelayMs, exponential) * (0.8 + 0.2 * random()));
}

interface PersistentPeerState {
  address: PersistentPeerAddress;
  /** Failed dials, short-lived connections and drops for misbehaviour since the last stable connection. */
  failures: number;
  timer: NodeJS.Timeout | undefined;
  dialing: boolean;
  connected: boolean;
}

/**
 * Keeps the persistent peers connected: dials each at start, and after every failed dial or
 * disconnect dials again after `reconnectDelayMs(failures)`. A connection that lasted
 * `stableConnectionMs` resets the count, so a peer that restarts now and then is redialled
 * quickly while one that keeps failing (or keeps being dropped) is redialled ever more slowly.
 */
export class PersistentPeerDialer {
  private readonly peers = new Map<string, PersistentPeerState>();
  private running = false;

  constructor(
    addresses: readonly PersistentPeerAddress[],
    private readonly tuning: RedialTuning,
    /** Resolves true once the peer is connected and admitted. */
    private readonly dial: (address: PersistentPeerAddress) => Promise<boolean>,
    private readonly logger: P2PLogger,
  ) {
    for (const address of addresses) {
      this.peers.set(address.peerId, { address, failures: 0, timer: undefined, dialing: false, connected: false });
    }
  }

  isPersistent(peerId: string): boolean {
    return this.peers.has(peerId);
  }

  /** The configured address of a persistent peer. */
  addressOf(peerId: string): string | undefined {
    return this.peers.get(peerId)?.address.address;
  }

  get count(): number {
    return this.peers.size;
  }

  start(): void {
    this.running = true;
    for (const p of this.peers.values()) void this.dialNow(p);
  }

  stop(): void {
    this.running = false;
    for (const p of this.peers.values()) {
      clearTimeout(p.timer);
      p.timer = undefined;
    }
  }

  /** A safety net run by the host's tick: every disconnected peer has a dial pending. */
  ensureScheduled(): void {
    if (!this.running) return;
    for (const p of this.peers.values()) {
      if (!p.connected && !p.dialing && p.timer === undefined) this.schedule(p);
    }
  }

  connected(peerId: string): void {
    const p = this.peers.get(peerId);
    if (p === undefined) return;
    p.connected = true;
    clearTimeout(p.timer);
    p.timer = undefined;
  }

  /**
   * Schedules the next dial after a disconnect and returns its delay, which is also how long
   * a misbehaving persistent peer is refused.
   */
  disconnected(peerId: string, connectedForMs: number, misbehaved: boolean): number | undefined {
    const p = this.peers.get(peerId);
    if (p === undefined) return undefined;
    p.connected = false;
    p.failures = !misbehaved && connectedForMs >= this.tuning.stableConnectionMs ? 0 : p.failures + 1;
    return this.schedule(p);
  }

  private schedule(p: PersistentPeerState): number | undefined {
    if (!this.running) return undefined;
    clearTimeout(p.timer);
    // After a clean, long connection the first redial is immediate-ish: one initial delay.
    const delay = reconnectDelayMs(Math.max(0, p.failures - 1), this.tuning);
    p.timer = setTimeout(() => {
      p.timer = undefined;
      void this.dialNow(p);
    }, delay);
    this.logger.info("persistent peer redial scheduled", {
      peer: p.address.peerId,
      address: p.address.address,
      failures: p.failures,
      delayMs: delay,
    });
    return delay;
  }

  private async dialNow(p: PersistentPeerState): Promise<void> {
    if (!this.running || p.dialing || p.connected) return;
    p.dialing = true;
    try {
      if (!(await this.dial(p.address))) throw p2pErrors.streamClosed("connected but not admitted");
    } catch (err) {
      if (!this.running) return;
      p.failures++;
      this.logger.info("persistent peer dial failed", {
        peer: p.address.peerId,
        address: p.address.address,
        error: err instanceof Error ? err.message : String(err),
      });
      this.schedule(p);
    } finally {
      p.dialing = false;
    }
  }
}
