/**
 * What block sync asked of whom, so that a response can be judged from its header alone,
 * before its body (up to a whole block) is decoded: only an answer to a request we made to
 * that peer, for the height we still need, is worth decoding. Anything else is dropped
 * undecoded, and a peer that keeps sending responses nobody asked it for is at fault.
 *
 * Honest peers answer late (a request times out, the answer still comes) and answer
 * heights another peer delivered first (each height is asked of several peers): those cost
 * them nothing. A few unsolicited responses are forgiven too (ours forgotten in a restart).
 */

/** How long a timed-out request may still be answered without fault, in request timeouts. */
const LATE_ANSWER_TIMEOUTS = 10;
/** Timed-out requests remembered per peer (the oldest forgotten first). */
const MAX_LATE_PER_PEER = 8;
/** Unsolicited responses a peer may send before each further one is a fault... */
export const UNSOLICITED_ALLOWANCE = 3;
/** ...of which one is regained per this many milliseconds. */
export const UNSOLICITED_REFILL_MS = 10_000;

/** What to do with a response, from its height and sender alone. */
export type ResponseVerdict =
  /** Answers a request to this peer for the height we need next: decode it. */
  | { kind: "wanted" }
  /** Answers a request to this peer for a height we have meanwhile: drop it, no fault. */
  | { kind: "stale" }
  /** We asked this peer for no such height, or it answered already: drop it; a fault past the allowance. */
  | { kind: "unsolicited"; fault: boolean };

interface Request {
  height: bigint;
  sinceMs: number;
}

export class SyncRequests {
  /** Outstanding requests, one per peer. */
  private readonly outstanding = new Map<string, Request>();
  /** Requests that timed out but may still be answered, per peer, oldest first. */
  private readonly late = new Map<string, Request[]>();
  private readonly allowance = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  get inFlight(): number {
    return this.outstanding.size;
  }

  isAsked(peer: string): boolean {
    return this.outstanding.has(peer);
  }

  /** Peers with an outstanding request for this height. */
  askedFor(height: bigint): number {
    let n = 0;
    for (const r of this.outstanding.values()) if (r.height === height) n++;
    return n;
  }

  sent(peer: string, height: bigint): void {
    this.outstanding.set(peer, { height, sinceMs: this.now() });
  }

  /** Outstanding requests past the timeout, now remembered only as late-answerable. */
  expire(): { peer: string; height: bigint }[] {
    const t = this.now();
    const expired: { peer: string; height: bigint }[] = [];
    for (const [peer, r] of [...this.outstanding]) {
      if (t - r.sinceMs < this.timeoutMs) continue;
      this.outstanding.delete(peer);
      const list = this.late.get(peer) ?? [];
      list.push({ height: r.height, sinceMs: t });
      if (list.length > MAX_LATE_PER_PEER) list.shift();
      this.late.set(peer, list);
      expired.push({ peer, height: r.height });
    }
    const window = LATE_ANSWER_TIMEOUTS * this.timeoutMs;
    for (const [peer, list] of [...this.late]) {
      const kept = list.filter((r) => t - r.sinceMs < window);
      if (kept.length === 0) this.late.delete(peer);
      else this.late.set(peer, kept);
    }
    for (const [peer, a] of [...this.allowance])
      if (this.tokens(a, t) >= UNSOLICITED_ALLOWANCE) this.allowance.delete(peer);
    return expired;
  }

  /** Judges a response for `height` from `peer` (consuming the request it answers) while we hold `ownHeight`. */
  answered(peer: string, height: bigint, ownHeight: bigint): ResponseVerdict {
    const useful = height === ownHeight + 1n ? ({ kind: "wanted" } as const) : ({ kind: "stale" } as const);
    if (this.outstanding.get(peer)?.height === height) {
      this.outstanding.delete(peer);
      return useful;
    }
    const list = this.late.get(peer);
    const i = list?.findIndex(
      (r) => r.height === height && this.now() - r.sinceMs < LATE_ANSWER_TIMEOUTS * this.timeoutMs,
    );
    if (list !== undefined && i !== undefined && i >= 0) {
      list.splice(i, 1);
      if (list.length === 0) this.late.delete(peer);
      return useful;
    }
    return { kind: "unsolicited", fault: !this.spend(peer) };
  }

  /** The peer went away: what it was asked can no longer be answered (its streams are gone). */
  peerGone(peer: string): void {
    this.outstanding.delete(peer);
    this.late.delete(peer);
    // The allowance is kept: reconnecting does not refill it.
  }

  private tokens(a: { tokens: number; atMs: number }, t: number): number {
    return Math.min(UNSOLICITED_ALLOWANCE, a.tokens + Math.floor((t - a.atMs) / UNSOLICITED_REFILL_MS));
  }

  /** A request from the peer that an honest one does not send: false once its allowance is spent (then it is a fault). */
  forgiveRequest(peer: string): boolean {
    return this.spend(peer);
  }

  /** Takes one unit of the peer's allowance: false when none is left. */
  private spend(peer: string): boolean {
    const t = this.now();
    const a = this.allowance.get(peer);
    const tokens = a === undefined ? UNSOLICITED_ALLOWANCE : this.tokens(a, t);
    if (tokens <= 0) return false;
    // Refill counts from the last spend: a partial interval is not carried over (a slower refill, never faster).
    this.allowance.set(peer, { tokens: tokens - 1, atMs: t });
    return true;
  }
}
