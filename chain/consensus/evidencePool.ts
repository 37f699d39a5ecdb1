/**
 * The driver's evidence pool: duplicate votes seen here or heard from peers, kept until a
 * block commits them or they expire; the evidence a proposal carries; and the checks a
 * proposed block's evidence must pass (real, of a committed height, not expired, new).
 */
import type { DuplicateVoteEvidence, Block, Validator } from "../types/block.js";
import type { WriteBatch } from "../store/types.js";
import { timestampToNs } from "./blockFactory.js";
import type { BlockStore } from "./blockStore.js";
import { completeEvidence, duplicateVoteProblem, evidenceKey, type DuplicateVotes } from "./evidence.js";

/** Evidence a block may carry, at most. */
const MAX_EVIDENCE_PER_BLOCK = 16;

export interface EvidencePoolOptions {
  chainId: string;
  blockStore: BlockStore;
  maxAgeBlocks(): bigint;
  broadcast(e: DuplicateVotes): void;
  /** The height consensus is in and its set. */
  current(): { height: bigint; validators: readonly Validator[] };
}

export interface EvidencePool {
  /** Evidence we found ourselves (already verified): pooled and broadcast once. */
  add(e: DuplicateVotes): void;
  /** Evidence from a peer: pooled if it checks out against the set of its height. */
  receive(e: DuplicateVotes): Promise<void>;
  /** Pooled evidence of earlier heights, completed for a block at `height`. */
  forBlock(height: bigint): Promise<DuplicateVoteEvidence[]>;
  problemIn(block: Block): Promise<string | undefined>;
  /** Records in the block's batch that its evidence is committed, and drops it from the pool. */
  committed(batch: WriteBatch, evidence: readonly DuplicateVoteEvidence[]): void;
}

export function createEvidencePool(o: EvidencePoolOptions): EvidencePool {
  const pool = new Map<string, DuplicateVotes>();

  /** The set and block time at a committed height (evidence refers to them). */
  async function heightContext(
    h: bigint,
  ): Promise<{ validators: readonly Validator[]; time: Block["header"]["time"] } | undefined> {
    const [vs, meta] = await Promise.all([o.blockStore.loadValidatorSet(h), o.blockStore.loadBlockMeta(h)]);
    if (vs === undefined || meta === undefined) return undefined;
    return { validators: vs.validators, time: meta.header.time };
  }

  function add(e: DuplicateVotes): void {
    const key = evidenceKey(e);
    if (pool.has(key)) return;
    pool.set(key, e);
    o.broadcast(e);
  }

  return {
    add,
    async receive(e) {
      const h = e.voteA.height;
      const now = o.current();
      if (pool.has(evidenceKey(e)) || h > now.height || now.height - h > o.maxAgeBlocks()) return;
      const validators = h === now.height ? now.validators : (await heightContext(h))?.validators;
      if (validators === undefined || duplicateVoteProblem(o.chainId, e, validators) !== undefined) return;
      add(e);
    },
    async forBlock(height) {
      const out: DuplicateVoteEvidence[] = [];
      for (const [key, e] of [...pool]) {
        const h = e.voteA.height;
        if (height - h > o.maxAgeBlocks() || (await o.blockStore.isEvidenceCommitted(key))) {
          pool.delete(key);
          continue;
        }
        if (h >= height || out.length >= MAX_EVIDENCE_PER_BLOCK) continue;
        const at = await heightContext(h);
        if (at !== undefined) out.push(completeEvidence(e, at.validators, at.time));
      }
      return out;
    },
    async problemIn(block) {
      const seen = new Set<string>();
      for (const ev of block.evidence) {
        const key = evidenceKey(ev);
        const h = ev.voteA.height;
        if (seen.has(key)) return "the same evidence twice";
        seen.add(key);
        if (h >= block.header.height) return "evidence from the future";
        if (block.header.height - h > o.maxAgeBlocks()) return "expired evidence";
        if (await o.blockStore.isEvidenceCommitted(key)) return "evidence already committed";
        const at = await heightContext(h);
        if (at === undefined) return `no block at evidence height ${h}`;
        const bad = duplicateVoteProblem(o.chainId, ev, at.validators);
        if (bad !== undefined) return `evidence: ${bad}`;
        const expected = completeEvidence(ev, at.validators, at.time);
        if (
          expected.totalVotingPower !== ev.totalVotingPower ||
          expected.validatorPower !== ev.validatorPower ||
          timestampToNs(expected.timestamp) !== timestampToNs(ev.timestamp)
        )
          return "evidence with wrong power or time";
      }
      return undefined;
    },
    committed(batch, evidence) {
      for (const ev of evidence) {
        const key = evidenceKey(ev);
        o.blockStore.markEvidenceCommitted(batch, key);
        pool.delete(key);
      }
    },
  };
}
