/**
 * One budget, node-wide, for the bytes of answers waiting on their clients: websocket replies
 * and pushes not yet taken by the kernel, and HTTP responses not yet written; and for the
 * requests held until answered (HTTP bodies as they are read, websocket calls waiting their
 * turn behind a slow one). A per-connection
 * cap alone lets memory grow with the number of connections (50 websocket clients that asked
 * for ~1 MB answers and did not read cost ~+500 MB); this caps the sum.
 *
 * Every byte is reserved before it is queued and released once the kernel has it (or its
 * connection is gone), so the total never passes the limit. When an answer would take it past
 * the limit, the connections holding the most unread bytes are cut, biggest first, down to
 * three quarters of the limit (so that the next answer does not cut again at once); an answer
 * that still does not fit is refused. A body shared by many subscribers (a block's push) is one
 * buffer in memory and is counted once while anyone holds it.
 *
 * A cut websocket gets a close frame saying why, behind the message its socket already has
 * (a second to take it); what it still holds counts until it is gone, and if an answer needs
 * those bytes sooner its connection is dropped at once.
 */

/** One connection (websocket) or response (HTTP) that holds queued bytes. */
export interface SendHolder {
  /** Who it is, for the log: the websocket subscriber id or the HTTP peer. */
  readonly label: string;
  /**
   * Cuts it because the node's budget is spent: it must stop queueing and, before returning,
   * release what it can drop at once (answers not yet handed to the socket; everything, if it
   * destroys its connection). The rest it releases when it closes.
   */
  cut(reason: string): void;
  /** Ends it at once (its connection destroyed) and releases everything it holds before returning. */
  drop(): void;
}

export interface SendLedger {
  /** Bytes this holder has queued (a shared body counts in full here). */
  readonly held: number;
  /** False once cut or closed. */
  readonly open: boolean;
  /**
   * Accounts `bytes` about to be queued; false, accounting nothing, when they do not fit even
   * after cutting the biggest holders (this one among them, if it holds the most).
   */
  reserve(bytes: number): boolean;
  /** As `reserve`, for a body many holders queue at once: the node-wide total counts it once. */
  reserveShared(body: Buffer): boolean;
  /** Gives back what `reserve` accounted, once written or dropped. */
  release(bytes: number): void;
  releaseShared(body: Buffer): void;
  /** The holder is gone: everything it still holds is released. */
  close(): void;
}

export interface SendBudgetStats {
  limit: number;
  /** Bytes queued now, all holders together (shared bodies once). */
  queued: number;
  /** The most ever queued at once. */
  peak: number;
  /** Holders cut to make room, since start. */
  cut: number;
  /** Answers and requests refused because nothing could make room, since start. */
  refused: number;
}

export interface SendBudget {
  readonly limit: number;
  stats(): SendBudgetStats;
  open(holder: SendHolder): SendLedger;
  /**
   * Whether a new request may be worked on: not while the budget is spent (cut connections'
   * last bytes still on their way out), so that no answer is computed that has nowhere to go.
   */
  admits(): boolean;
  /** Whether half of the budget is queued: then clients that do not read get no new work (websocket.ts). */
  underPressure(): boolean;
  /** Counts a request refused by `admits` (for the log). */
  noteRefused(): void;
}

export interface SendBudgetEvents {
  /** Called after holders were cut or answers refused; the caller rate-limits its log. */
  onPressure?(stats: SendBudgetStats, cut: readonly string[]): void;
}

export function createSendBudget(limit: number, events: SendBudgetEvents = {}): SendBudget {
  let queued = 0;
  let peak = 0;
  let cutCount = 0;
  let refused = 0;
  /** Shared bodies held by at least one holder, with their number of holds. */
  const sharedHolds = new Map<Buffer, number>();
  const ledgers = new Set<Ledger>();

  const stats = (): SendBudgetStats => ({ limit, queued, peak, cut: cutCount, refused });

  function holdShared(shared: Buffer): void {
    const n = sharedHolds.get(shared) ?? 0;
    if (n === 0) queued += shared.length;
    sharedHolds.set(shared, n + 1);
  }

  function releaseShared(shared: Buffer): void {
    const n = sharedHolds.get(shared);
    if (n === undefined) return;
    if (n > 1) {
      sharedHolds.set(shared, n - 1);
      return;
    }
    sharedHolds.delete(shared);
    queued -= shared.length;
  }

  /**
   * Cuts the biggest holders until `cost` more fits under three quarters of the limit, counting
   * what cut holders still hold (a websocket's last message, until it closes) as gone, so that
   * bytes on their way out do not cut more clients. Whether `asking` survived.
   */
  function makeRoom(asking: Ledger, cost: () => number): boolean {
    const target = Math.floor((limit * 3) / 4);
    let leaving = 0;
    for (const l of ledgers) if (!l.open) leaving += l.held;
    const biggestFirst = [...ledgers].filter((l) => l.open && l.held > 0).sort((a, b) => b.held - a.held);
    const cut: string[] = [];
    for (const l of biggestFirst) {
      if (queued - leaving + cost() <= target) break;
      cut.push(`${l.holder.label} (${l.held} bytes unread)`);
      cutCount++;
      l.cutFor(`node RPC write buffers full; ${l.held} bytes unread here`);
      leaving += l.held;
      if (l === asking) break;
    }
    // What is on its way out may be needed now: then it goes at once, biggest first.
    if (queued + cost() > limit) {
      const leavingBiggestFirst = [...ledgers].filter((l) => !l.open && l.held > 0).sort((a, b) => b.held - a.held);
      for (const l of leavingBiggestFirst) {
        if (queued + cost() <= limit) break;
        l.holder.drop();
      }
    }
    if (cut.length > 0) events.onPressure?.(stats(), cut);
    return asking.open;
  }

  /** Whether `cost()` more bytes fit, after cutting the biggest holders if need be. */
  function fits(asking: Ledger, cost: () => number): boolean {
    if (!asking.open) return false;
    if (queued + cost() <= limit) return true;
    if (!makeRoom(asking, cost)) return false;
    if (queued + cost() <= limit) return true;
    refused++;
    events.onPressure?.(stats(), []);
    return false;
  }

  class Ledger implements SendLedger {
    open = true;
    /** Bytes of this holder's own answers. */
    private own = 0;
    /** This holder's holds of shared bodies, and their bytes. */
    private readonly shared = new Map<Buffer, number>();
    private sharedBytes = 0;
    constructor(readonly holder: SendHolder) {}

    get held(): number {
      return this.own + this.sharedBytes;
    }

    reserve(bytes: number): boolean {
      if (!fits(this, () => bytes)) return false;
      this.own += bytes;
      queued += bytes;
      if (queued > peak) peak = queued;
      return true;
    }

    reserveShared(body: Buffer): boolean {
      if (!fits(this, () => (sharedHolds.has(body) ? 0 : body.length))) return false;
      holdShared(body);
      this.shared.set(body, (this.shared.get(body) ?? 0) + 1);
      this.sharedBytes += body.length;
      if (queued > peak) peak = queued;
      return true;
    }

    release(bytes: number): void {
      // After close() everything was given back already: a late write callback gives nothing.
      const given = Math.min(bytes, this.own);
      this.own -= given;
      queued -= given;
    }

    releaseShared(body: Buffer): void {
      const n = this.shared.get(body);
      if (n === undefined) return;
      if (n > 1) this.shared.set(body, n - 1);
      else this.shared.delete(body);
      this.sharedBytes -= body.length;
      releaseShared(body);
    }

    close(): void {
      this.open = false;
      ledgers.delete(this);
      for (const [body, n] of this.shared) for (let i = 0; i < n; i++) releaseShared(body);
      this.shared.clear();
      this.sharedBytes = 0;
      queued -= this.own;
      this.own = 0;
    }

    /** Cut by the budget: it stays counted until its holder closes it, but is never cut again. */
    cutFor(reason: string): void {
      this.open = false;
      this.holder.cut(reason);
    }
  }

  return {
    limit,
    stats,
    open(holder) {
      const l = new Ledger(holder);
      ledgers.add(l);
      return l;
    },
    admits() {
      return queued < limit;
    },
    underPressure() {
      return queued >= limit / 2;
    },
    noteRefused() {
      refused++;
      events.onPressure?.(stats(), []);
    },
  };
}
