/**
 * Consensus messages of the next height, kept until that height starts. Bounded in count and
 * bytes, in all and per peer, and deduplicated (peers re-send their own messages every gossip
 * interval), so that gossip from peers ahead of us cannot grow memory without limit. Only
 * signed messages (proposals and votes) are kept: an unsigned block of a height we are not
 * in yet proves nothing.
 */
import type { ConsensusMessage } from "./types.js";
import type { MessageOrigin } from "./messageOrigin.js";

export interface FutureLimits {
  maxMessages: number;
  maxBytes: number;
  maxMessagesPerPeer: number;
  maxBytesPerPeer: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_FUTURE_LIMITS: FutureLimits = {
  maxMessages: 2_000,
  maxBytes: 32 * MiB,
  // An honest peer sends its own proposal and two votes per round: 256 is many rounds.
  maxMessagesPerPeer: 256,
  // Two proposals with a block at the consensus channel's 4 MiB limit, plus votes.
  maxBytesPerPeer: 9 * MiB,
};

export type { MessageOrigin } from "./messageOrigin.js";

export type FutureAddResult = "added" | "duplicate" | "unsigned" | "full" | "peer over quota";

interface Held {
  message: ConsensusMessage;
  height: bigint;
  peer: string;
  bytes: number;
}

function keyOf(m: ConsensusMessage): string | undefined {
  if (m.kind === "vote") return `v:${Buffer.from(m.vote.signature).toString("hex")}`;
  if (m.kind === "proposal") return `p:${Buffer.from(m.proposal.signature).toString("hex")}`;
  return undefined;
}

function heightOf(m: ConsensusMessage): bigint {
  if (m.kind === "vote") return m.vote.height;
  if (m.kind === "proposal") return m.proposal.height;
  if (m.kind === "block") return m.block.header.height;
  return m.voteA.height;
}

export class FutureMessages {
  private readonly held = new Map<string, Held>();
  private readonly perPeer = new Map<string, { messages: number; bytes: number }>();
  private bytes = 0;

  constructor(private readonly limits: FutureLimits = DEFAULT_FUTURE_LIMITS) {}

  get size(): number {
    return this.held.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  add(message: ConsensusMessage, origin: MessageOrigin | undefined): FutureAddResult {
    const key = keyOf(message);
    if (key === undefined) return "unsigned";
    if (this.held.has(key)) return "duplicate";
    const peer = origin?.peer ?? "";
    const bytes = origin?.bytes ?? 0;
    const used = this.perPeer.get(peer) ?? { messages: 0, bytes: 0 };
    if (used.messages + 1 > this.limits.maxMessagesPerPeer || used.bytes + bytes > this.limits.maxBytesPerPeer) {
      return "peer over quota";
    }
    if (this.held.size + 1 > this.limits.maxMessages || this.bytes + bytes > this.limits.maxBytes) return "full";
    this.held.set(key, { message, height: heightOf(message), peer, bytes });
    this.perPeer.set(peer, { messages: used.messages + 1, bytes: used.bytes + bytes });
    this.bytes += bytes;
    return "added";
  }

  has(height: bigint): boolean {
    for (const h of this.held.values()) if (h.height === height) return true;
    return false;
  }

  /** Removes and returns the messages of `height` (in arrival order), dropping every lower height. */
  take(height: bigint): { message: ConsensusMessage; origin: MessageOrigin | undefined }[] {
    const out: { message: ConsensusMessage; origin: MessageOrigin | undefined }[] = [];
    for (const [key, h] of [...this.held]) {
      if (h.height > height) continue;
      this.remove(key, h);
      if (h.height === height)
        out.push({ message: h.message, origin: h.peer === "" ? undefined : { peer: h.peer, bytes: h.bytes } });
    }
    return out;
  }

  /** A peer left: what it sent goes with it. */
  dropPeer(peer: string): void {
    for (const [key, h] of [...this.held]) if (h.peer === peer) this.remove(key, h);
  }

  private remove(key: string, h: Held): void {
    this.held.delete(key);
    this.bytes -= h.bytes;
    const used = this.perPeer.get(h.peer);
    if (used === undefined) return;
    if (used.messages <= 1) this.perPeer.delete(h.peer);
    else this.perPeer.set(h.peer, { messages: used.messages - 1, bytes: used.bytes - h.bytes });
  }
}
