/** State, events and effects of the pure consensus reducer (reducer.ts). */
import type { Block, BlockId, Proposal, Validator, Vote } from "../types/block.js";
import type { ProposerSelection } from "./proposer.js";
import type { ConflictingVotes, VoteSet } from "./voteSet.js";

export type Step = "init" | "propose" | "prevote" | "precommit" | "commit";
export type TimeoutStep = "propose" | "prevote" | "precommit";

export interface TimeoutConfig {
  proposeMs: number;
  proposeDeltaMs: number;
  prevoteMs: number;
  prevoteDeltaMs: number;
  precommitMs: number;
  precommitDeltaMs: number;
  /** Pause after a commit before the next height starts (the block interval). */
  commitMs: number;
}

export type Validity = "pending" | "valid" | "invalid";

export interface ProposedBlock {
  readonly block: Block;
  readonly blockId: BlockId;
  readonly validity: Validity;
}

export interface SignRequest {
  readonly type: 1 | 2;
  readonly round: number;
  readonly blockId: BlockId | undefined;
}

export interface ConsensusState {
  readonly height: bigint;
  readonly round: number;
  readonly step: Step;
  readonly lockedRound: number;
  readonly lockedValue: ProposedBlock | undefined;
  readonly validRound: number;
  readonly validValue: ProposedBlock | undefined;
  /** The first proposal seen per round (its sender was checked by the driver). */
  readonly proposals: ReadonlyMap<number, Proposal>;
  /** Proposed blocks by block id key, with their validation status. */
  readonly blocks: ReadonlyMap<string, ProposedBlock>;
  readonly prevotes: ReadonlyMap<number, VoteSet>;
  readonly precommits: ReadonlyMap<number, VoteSet>;
  /** "upon ... for the first time" rules already fired, e.g. "lock:3". */
  readonly fired: ReadonlySet<string>;
  readonly validators: readonly Validator[];
  readonly selection: ProposerSelection;
  /** Our validator address, undefined for a non-validator node. */
  readonly self: Uint8Array | undefined;
  readonly timeouts: TimeoutConfig;
  /** The last vote we asked to sign, re-requested on resume if it never came back. */
  readonly lastSignRequest: SignRequest | undefined;
  readonly decision: { readonly round: number; readonly blockId: BlockId } | undefined;
}

/**
 * Inputs. Signatures are verified by the driver before an event reaches the reducer;
 * a proposal event is only given if signed by the proposer of its (height, round), with
 * a block whose id the driver computed and compared to the proposal's.
 */
export type ConsensusEvent =
  | { readonly kind: "start" }
  | { readonly kind: "proposal"; readonly proposal: Proposal; readonly block: Block }
  | { readonly kind: "vote"; readonly vote: Vote }
  | { readonly kind: "timeout"; readonly height: bigint; readonly round: number; readonly step: TimeoutStep }
  | {
      readonly kind: "blockBuilt";
      readonly height: bigint;
      readonly round: number;
      readonly block: Block;
      readonly blockId: BlockId;
    }
  /** A block learned from gossip (e.g. the one +2/3 precommitted when our proposal differed). */
  | { readonly kind: "block"; readonly height: bigint; readonly block: Block; readonly blockId: BlockId }
  | { readonly kind: "proposalValidated"; readonly height: bigint; readonly blockId: BlockId; readonly valid: boolean }
  | {
      readonly kind: "newHeight";
      readonly height: bigint;
      readonly validators: readonly Validator[];
      readonly selection: ProposerSelection;
    };

export type ConsensusEffect =
  | {
      readonly kind: "scheduleTimeout";
      readonly height: bigint;
      readonly round: number;
      readonly step: TimeoutStep;
      readonly durationMs: number;
    }
  | { readonly kind: "buildBlock"; readonly height: bigint; readonly round: number }
  | {
      readonly kind: "signProposal";
      readonly height: bigint;
      readonly round: number;
      readonly polRound: number;
      readonly block: Block;
      readonly blockId: BlockId;
    }
  | {
      readonly kind: "signVote";
      readonly type: 1 | 2;
      readonly height: bigint;
      readonly round: number;
      readonly blockId: BlockId | undefined;
    }
  | {
      readonly kind: "validateProposal";
      readonly height: bigint;
      readonly round: number;
      readonly block: Block;
      readonly blockId: BlockId;
    }
  | {
      readonly kind: "decide";
      readonly height: bigint;
      readonly round: number;
      readonly block: Block;
      readonly blockId: BlockId;
      /** Precommits of the deciding round, indexed like `validators`. */
      readonly precommits: readonly (Vote | undefined)[];
      readonly validators: readonly Validator[];
    }
  | { readonly kind: "evidence"; readonly conflict: ConflictingVotes };

export interface StepResult {
  readonly state: ConsensusState;
  readonly effects: readonly ConsensusEffect[];
}
