/**
 * Sequencer epochs: the round-0 proposer stays the same validator for an epoch of
 * consecutive heights, so that receipts do not hand over every block. Epochs rotate by
 * CometBFT's weighted round-robin, advanced once per epoch (so each validator sequences
 * in proportion to its power). An epoch ends after `epochLength` heights, at once when a
 * height is decided in a round above 0 (its sequencer failed), or when the sequencer
 * leaves the set. Rounds above 0 go round-robin among the other validators (see
 * `fallbackSelection`).
 *
 * Every node derives the same schedule from the same committed history (decision rounds
 * and validator sets); the state is node-local, written in each block's batch so that a
 * restart resumes it exactly.
 */
import {
  createRoundRobinSelection,
  createValidatorSet,
  incrementProposerPriority,
  sameValidators,
  type ProposerSelection,
  type ValidatorSet,
} from "../consensus/proposer.js";
import type { Validator } from "../types/block.js";
import { equalBytes, fromHex, fromUtf8, toHex, utf8 } from "../types/bytes.js";
import type { Database, WriteBatch } from "../store/types.js";

/** The sequencer's own key in the node's database (0x38; see chain/consensus/blockStore.ts for the map). */
const SCHEDULE_KEY = Uint8Array.of(0x38, 0x01);

export interface EpochInfo {
  epoch: bigint;
  startHeight: bigint;
  /** Last height of the epoch unless it ends early. */
  plannedEndHeight: bigint;
  sequencer: Validator;
}

export interface SequencerSchedule {
  /** The consensus driver's `proposerSelection` hook. */
  selectionFor(height: bigint, set: ValidatorSet): ProposerSelection;
  /** Called in each block's commit step with the round it was decided in; writes the state into its batch. */
  committed(height: bigint, round: number, batch: WriteBatch): void;
  /** The epoch of the height most recently selected (the one in consensus). */
  current(): EpochInfo | undefined;
  readonly epochLength: bigint;
}

interface ScheduleState {
  epoch: bigint;
  startHeight: bigint;
  sequencer: Uint8Array;
  /** Epoch-level round-robin: its proposer is this epoch's sequencer. */
  rotation: ValidatorSet;
  /** The epoch must end before the next height (a round > 0 decision). */
  closed: boolean;
  lastSelected: bigint;
}

function findValidator(list: readonly Validator[], address: Uint8Array): Validator | undefined {
  return list.find((v) => equalBytes(v.address, address));
}

/** Whether `height` starts a new epoch after `s`. */
function epochEnds(s: ScheduleState, height: bigint, set: ValidatorSet, epochLength: bigint): boolean {
  return s.closed || height - s.startHeight >= epochLength || findValidator(set.validators, s.sequencer) === undefined;
}

/**
 * Who proposes in rounds above 0: the weighted round-robin of the validators other than the
 * sequencer. A round above 0 means the sequencer's proposal did not carry round 0 (it is
 * down, paused or cut off); the height's own round-robin would hand round 1 back to it
 * whenever the two orders happen to agree, costing a second propose timeout, and a third,
 * longer, for every further round it came back.
 * The others start from fresh priorities (CometBFT's NewValidatorSet), so that equal powers
 * take turns cleanly rather than one validator twice in a row off skewed carried
 * priorities, advanced `height mod n` times so that the duty moves around with the height.
 * A lone validator keeps its own round-robin.
 */
function fallbackSelection(height: bigint, set: ValidatorSet, sequencer: Validator): ProposerSelection {
  const others = set.validators.filter((v) => !equalBytes(v.address, sequencer.address));
  if (others.length === 0) return createRoundRobinSelection(set);
  const fresh = createValidatorSet(others);
  const turns = Number(height % BigInt(others.length));
  return createRoundRobinSelection(turns === 0 ? fresh : incrementProposerPriority(fresh, turns));
}

/** The next epoch's rotation: advanced once, or restarted from the height's set when the set changed. */
function nextRotation(rotation: ValidatorSet, set: ValidatorSet): ValidatorSet {
  return sameValidators(rotation.validators, set.validators) ? incrementProposerPriority(rotation, 1) : set;
}

export function createSequencerSchedule(o: {
  epochLength: bigint;
  initialHeight: bigint;
  /** What the database held (undefined on a new node). */
  stored?: Uint8Array;
}): SequencerSchedule {
  let state: ScheduleState | undefined = o.stored === undefined ? undefined : decodeState(o.stored);
  let sequencer: Validator | undefined;

  function advance(height: bigint, set: ValidatorSet): ScheduleState {
    if (state === undefined || height <= o.initialHeight) {
      return {
        epoch: 0n,
        startHeight: height,
        sequencer: set.proposer.address,
        rotation: set,
        closed: false,
        lastSelected: height,
      };
    }
    if (!epochEnds(state, height, set, o.epochLength)) return { ...state, lastSelected: height };
    const rotation = nextRotation(state.rotation, set);
    return {
      epoch: state.epoch + 1n,
      startHeight: height,
      sequencer: rotation.proposer.address,
      rotation,
      closed: false,
      lastSelected: height,
    };
  }

  return {
    epochLength: o.epochLength,
    selectionFor(height, set) {
      if (state?.lastSelected !== height) state = advance(height, set);
      // The rotation's validator may carry other priorities: the set's own entry is the one that signs.
      sequencer = findValidator(set.validators, state.sequencer) ?? set.proposer;
      const first = sequencer;
      let fallback: ProposerSelection | undefined;
      return {
        proposer: (round) => {
          if (round === 0) return first;
          // Epochs of one height are CometBFT's schedule exactly, rounds above 0 included.
          if (o.epochLength === 1n) return (fallback ??= createRoundRobinSelection(set)).proposer(round);
          return (fallback ??= fallbackSelection(height, set, first)).proposer(round - 1);
        },
      };
    },
    committed(_height, round, batch) {
      if (state === undefined) return;
      if (round > 0) state = { ...state, closed: true };
      batch.put(SCHEDULE_KEY, encodeState(state));
    },
    current() {
      if (state === undefined || sequencer === undefined) return undefined;
      return {
        epoch: state.epoch,
        startHeight: state.startHeight,
        plannedEndHeight: state.startHeight + o.epochLength - 1n,
        sequencer,
      };
    },
  };
}

export async function openSequencerSchedule(o: {
  db: Database;
  epochLength: bigint;
  initialHeight: bigint;
}): Promise<SequencerSchedule> {
  const stored = await o.db.get(SCHEDULE_KEY);
  return createSequencerSchedule({
    epochLength: o.epochLength,
    initialHeight: o.initialHeight,
    ...(stored === undefined ? {} : { stored }),
  });
}

interface ValidatorJson {
  address: string;
  pubKey: string;
  votingPower: string;
  proposerPriority: string;
}

function validatorToJson(v: Validator): ValidatorJson {
  return {
    address: toHex(v.address),
    pubKey: toHex(v.pubKey),
    votingPower: v.votingPower.toString(),
    proposerPriority: v.proposerPriority.toString(),
  };
}

function validatorFromJson(j: ValidatorJson): Validator {
  return {
    address: fromHex(j.address),
    pubKey: fromHex(j.pubKey),
    votingPower: BigInt(j.votingPower),
    proposerPriority: BigInt(j.proposerPriority),
  };
}

// Node-local bookkeeping (never hashed): JSON is enough and readable when debugging.
function encodeState(s: ScheduleState): Uint8Array {
  return utf8(
    JSON.stringify({
      epoch: s.epoch.toString(),
      startHeight: s.startHeight.toString(),
      sequencer: toHex(s.sequencer),
      closed: s.closed,
      lastSelected: s.lastSelected.toString(),
      rotation: {
        validators: s.rotation.validators.map(validatorToJson),
        proposer: validatorToJson(s.rotation.proposer),
      },
    }),
  );
}

function decodeState(b: Uint8Array): ScheduleState {
  const j = JSON.parse(fromUtf8(b)) as {
    epoch: string;
    startHeight: string;
    sequencer: string;
    closed: boolean;
    lastSelected: string;
    rotation: { validators: ValidatorJson[]; proposer: ValidatorJson };
  };
  return {
    epoch: BigInt(j.epoch),
    startHeight: BigInt(j.startHeight),
    sequencer: fromHex(j.sequencer),
    closed: j.closed,
    lastSelected: BigInt(j.lastSelected),
    rotation: {
      validators: j.rotation.validators.map(validatorFromJson),
      proposer: validatorFromJson(j.rotation.proposer),
    },
  };
}
