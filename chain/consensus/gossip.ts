/**
 * The consensus messages on the wire (proposals with their block, votes, relayed blocks)
 * and the adapter that puts the driver's ConsensusNetwork on a peer-to-peer channel.
 * Encodings are CometBFT's protobuf forms behind a one-byte tag.
 */
import type { ConsensusMessage, ConsensusNetwork } from "./types.js";
import { equalBytes, readU32be, u32be } from "../types/bytes.js";
import { decodeBlock, decodeProposal, decodeVote, encodeBlock, encodeProposal, encodeVote } from "./protoCodec.js";

/** What consensus needs of a p2p channel (chain/p2p's host, bound to one channel, fits). */
export interface PeerChannel {
  broadcast(message: Uint8Array): void;
  send(peerId: string, message: Uint8Array): boolean;
  onMessage(handler: (peerId: string, message: Uint8Array) => void): void;
  reportInvalid(peerId: string, reason: string): void;
  /** Bytes queued to the peer on this channel and not yet written (absent: unknown). */
  queuedBytes?(peerId: string): number;
}

const TAG_PROPOSAL = 1;
const TAG_VOTE = 2;
const TAG_BLOCK = 3;
const TAG_EVIDENCE = 4;

function tagged(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 1);
  const out = new Uint8Array(total);
  out[0] = tag;
  let at = 1;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function encodeConsensusMessage(m: ConsensusMessage): Uint8Array {
  if (m.kind === "vote") return tagged(TAG_VOTE, encodeVote(m.vote));
  if (m.kind === "block") return tagged(TAG_BLOCK, encodeBlock(m.block));
  if (m.kind === "evidence") {
    const a = encodeVote(m.voteA);
    return tagged(TAG_EVIDENCE, u32be(a.length), a, encodeVote(m.voteB));
  }
  const proposal = encodeProposal(m.proposal);
  return tagged(TAG_PROPOSAL, u32be(proposal.length), proposal, encodeBlock(m.block));
}

function lengthPrefix(body: Uint8Array, what: string): number {
  if (body.length < 4) throw new RangeError(`truncated ${what}`);
  const n = readU32be(body, 0);
  if (4 + n > body.length) throw new RangeError(`truncated ${what}`);
  return n;
}

/**
 * Throws on malformed or non-canonical bytes (the caller scores the peer down). Every Strike
 * node encodes a message one way; a copy with unknown fields, padded varints or reordered
 * fields decodes to the same message under different bytes, which is malleability a peer has
 * no honest reason for (the fuzzer's re-encoded evidence was taken as new).
 */
export function decodeConsensusMessage(bytes: Uint8Array): ConsensusMessage {
  const m = decodeLoose(bytes);
  if (!equalBytes(encodeConsensusMessage(m), bytes)) throw new RangeError("non-canonical consensus message");
  return m;
}

function decodeLoose(bytes: Uint8Array): ConsensusMessage {
  const body = bytes.subarray(1);
  switch (bytes[0]) {
    case TAG_VOTE:
      return { kind: "vote", vote: decodeVote(body) };
    case TAG_BLOCK:
      return { kind: "block", block: decodeBlock(body) };
    case TAG_EVIDENCE: {
      const n = lengthPrefix(body, "evidence");
      return { kind: "evidence", voteA: decodeVote(body.subarray(4, 4 + n)), voteB: decodeVote(body.subarray(4 + n)) };
    }
    case TAG_PROPOSAL: {
      const n = lengthPrefix(body, "proposal");
      return {
        kind: "proposal",
        proposal: decodeProposal(body.subarray(4, 4 + n)),
        block: decodeBlock(body.subarray(4 + n)),
      };
    }
    default:
      throw new RangeError(`unknown consensus message tag ${bytes[0]}`);
  }
}

/** The driver's network over a channel: malformed messages count against the peer that sent them. */
export function consensusNetworkOver(channel: PeerChannel): ConsensusNetwork {
  return {
    broadcast: (m) => channel.broadcast(encodeConsensusMessage(m)),
    reportInvalid: (peer, reason) => channel.reportInvalid(peer, reason),
    onMessage(handler) {
      channel.onMessage((peer, bytes) => {
        let m: ConsensusMessage;
        try {
          m = decodeConsensusMessage(bytes);
        } catch (e) {
          channel.reportInvalid(peer, `malformed consensus message: ${String(e)}`);
          return;
        }
        handler(m, { peer, bytes: bytes.length });
      });
    },
  };
}
