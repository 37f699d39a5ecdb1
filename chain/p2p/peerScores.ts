import type { P2PTuning } from "./types.js";

type ScoreTuning = Pick<P2PTuning, "scoreRecoveryPerMinute">;

/**
 * Peer standing: 0 is good, penalties subtract, and the score climbs back towards 0 with time
 * (so rare invalid messages, e.g. a tx that became invalid in flight, never add up to a ban).
 * Kept by peer id across reconnects, so reconnecting does not wash a score clean. Bans are
 * deadlines in milliseconds since the epoch.
 */
export class PeerScores {
  private readonly scores = new Map<string, { score: number; atMs: number }>();
  private readonly bans = new Map<string, number>();
  /** Bans by remote IP: a banned peer cannot come back under a fresh peer id from the same host. */
  private readonly addressBans = new Map<string, number>();

  constructor(private readonly tuning: ScoreTuning) {}

  score(peerId: string, nowMs: number): number {
    const s = this.scores.get(peerId);
    if (s === undefined) return 0;
    // Whole points only: thresholds compare integers, and a penalty restarts the partial point.
    return Math.min(0, s.score + Math.floor(((nowMs - s.atMs) * this.tuning.scoreRecoveryPerMinute) / 60_000));
  }

  /** Subtracts points and returns the new score. */
  penalize(peerId: string, points: number, nowMs: number): number {
    const score = this.score(peerId, nowMs) - points;
    this.scores.set(peerId, { score, atMs: nowMs });
    return score;
  }

  /** Bans until the deadline (a later existing ban is kept); the score starts afresh after it. */
  ban(peerId: string, untilMs: number): void {
    this.bans.set(peerId, Math.max(untilMs, this.bans.get(peerId) ?? 0));
    this.scores.delete(peerId);
  }

  isBanned(peerId: string, nowMs: number): boolean {
    return (this.bans.get(peerId) ?? 0) > nowMs;
  }

  banAddress(ip: string, untilMs: number): void {
    this.addressBans.set(ip, Math.max(untilMs, this.addressBans.get(ip) ?? 0));
  }

  isAddressBanned(ip: string, nowMs: number): boolean {
    return (this.addressBans.get(ip) ?? 0) > nowMs;
  }

  /** Forgets expired bans and fully recovered scores, so the maps stay small. */
  prune(nowMs: number): void {
    for (const [id, until] of this.bans) if (until <= nowMs) this.bans.delete(id);
    for (const [ip, until] of this.addressBans) if (until <= nowMs) this.addressBans.delete(ip);
    for (const id of [...this.scores.keys()]) if (this.score(id, nowMs) >= 0) this.scores.delete(id);
  }
}
