/**
 * Fuzz target (c1): the consensus channel's messages (proposal with its block, prevote,
 * precommit, block, duplicate-vote evidence) through what a node does with a peer's message:
 * decode, admission (admission.ts, the driver's verdict), then the reducer for what is
 * admitted. Inputs are mutations of real signed messages of a 4-validator height, plus
 * random bytes. The reducer's state holds every seed message already, so no input may
 * change it; an input admitted or taken as evidence must re-encode to a seed (the same
 * message under a malleable encoding), and next-height messages are admitted at that height
 * the same way.
 */
import fc from "fast-check";
import { admit, type AdmissionContext } from "../../chain/consensus/admission.js";
import { blockIdOf } from "../../chain/consensus/blockFactory.js";
import { addressFromPubKey, proposalSignBytes, voteSignBytes } from "../../chain/consensus/encoding.js";
import { duplicateVoteProblem, orderedVotes } from "../../chain/consensus/evidence.js";
import { decodeConsensusMessage, encodeConsensusMessage } from "../../chain/consensus/gossip.js";
import { createRoundRobinSelection, createValidatorSet } from "../../chain/consensus/proposer.js";
import { createInitialState, step } from "../../chain/consensus/reducer.js";
import type { ConsensusState } from "../../chain/consensus/reducerTypes.js";
import type { ConsensusMessage } from "../../chain/consensus/types.js";
import { blockIdKey } from "../../chain/consensus/voteSet.js";
import { createEd25519Signer } from "../../chain/crypto/ed25519.js";
import { sha256 } from "../../chain/crypto/hash.js";
import type { Block, BlockId, Vote } from "../../chain/types/block.js";
import { toHex, utf8 } from "../../chain/types/bytes.js";
import type { FuzzStats } from "./stats.js";
import { mutate, opArb } from "./txBytes.js";

const CHAIN_ID = "fuzz-1";
const timeouts = {
  proposeMs: 1000,
  proposeDeltaMs: 100,
  prevoteMs: 1000,
  prevoteDeltaMs: 100,
  precommitMs: 1000,
  precommitDeltaMs: 100,
  commitMs: 10,
};

function block(height: bigint): Block {
  const zero = new Uint8Array(32);
  const id = { hash: zero, partSetHeader: { total: 1, hash: zero } };
  return {
    header: {
      version: { block: 11n, app: 1n },
      chainId: CHAIN_ID,
      height,
      time: { seconds: 1_700_000_000n, nanos: 0 },
      lastBlockId: id,
      lastCommitHash: zero,
      dataHash: sha256(utf8("tx")),
      validatorsHash: zero,
      nextValidatorsHash: zero,
      consensusHash: zero,
      appHash: zero,
      lastResultsHash: zero,
      evidenceHash: zero,
      proposerAddress: new Uint8Array(20),
    },
    txs: [utf8("tx")],
    evidence: [],
    lastCommit: { height: height - 1n, round: 0, blockId: id, signatures: [] },
  };
}

interface NodeAt {
  cs: ConsensusState;
  ctx(cs: ConsensusState): AdmissionContext;
  seeds: ConsensusMessage[];
}

/** Four validators, a height in progress with seed messages fed, and the seeds' encodings. */
export function consensusFixture() {
  const signers = [1, 2, 3, 4].map((i) => createEd25519Signer(new Uint8Array(32).fill(i)));
  const set = createValidatorSet(
    signers.map((s) => ({ address: addressFromPubKey(s.publicKey), pubKey: s.publicKey, votingPower: 10n })),
  );
  const validators = set.validators;
  const signerOf = (address: Uint8Array) => signers[validators.findIndex((v) => toHex(v.address) === toHex(address))]!;
  const vote = (height: bigint, type: 1 | 2, index: number, blockId: BlockId | undefined): Vote => {
    const v = validators[index]!;
    const unsigned = {
      type,
      height,
      round: 0,
      blockId,
      timestamp: { seconds: 1_700_000_001n, nanos: index },
      validatorAddress: v.address,
      validatorIndex: index,
    };
    return { ...unsigned, signature: signerOf(v.address).sign(voteSignBytes(CHAIN_ID, unsigned)) };
  };
  const stateAt = (height: bigint): NodeAt => {
    const selection = createRoundRobinSelection(set);
    let cs = step(createInitialState({ height, validators, selection, self: undefined, timeouts }), {
      kind: "start",
    }).state;
    const b = block(height);
    const blockId = blockIdOf(b);
    const unsigned = { height, round: 0, polRound: -1, blockId, timestamp: { seconds: 1_700_000_001n, nanos: 0 } };
    const proposer = selection.proposer(0);
    const proposal = {
      ...unsigned,
      signature: signerOf(proposer.address).sign(proposalSignBytes(CHAIN_ID, unsigned)),
    };
    const seeds: ConsensusMessage[] = [
      { kind: "proposal", proposal, block: b },
      { kind: "vote", vote: vote(height, 1, 0, blockId) },
      { kind: "vote", vote: vote(height, 1, 1, blockId) },
      { kind: "vote", vote: vote(height, 2, 0, blockId) },
      { kind: "block", block: b },
    ];
    for (const m of seeds) {
      const verdict = admit(m, { chainId: CHAIN_ID, cs, set, selection });
      if (verdict.kind === "feed") cs = step(cs, verdict.event).state;
      if (m.kind === "proposal") {
        cs = step(cs, { kind: "proposalValidated", height, blockId, valid: true }).state;
      }
    }
    const dup = orderedVotes(vote(height, 1, 3, blockId), vote(height, 1, 3, undefined));
    seeds.push({ kind: "evidence", voteA: dup.voteA, voteB: dup.voteB });
    return { cs, ctx: (c) => ({ chainId: CHAIN_ID, cs: c, set, selection }), seeds };
  };
  const current = stateAt(5n);
  const next = stateAt(6n);
  const seedBytes = [...current.seeds, ...next.seeds].map(encodeConsensusMessage);
  return { current, next, seedBytes, validators };
}

/** What of the reducer's state a message could change: step, locks, proposals, every vote. */
export function stateDigest(cs: ConsensusState): string {
  const votes = (sets: ConsensusState["prevotes"]) =>
    [...sets.entries()].map(
      ([r, vs]) => `${r}:${vs.allVotes().map((v) => (v === undefined ? "-" : toHex(v.signature)))}`,
    );
  return JSON.stringify({
    h: String(cs.height),
    r: cs.round,
    s: cs.step,
    locked: [cs.lockedRound, cs.lockedValue === undefined ? "" : blockIdKey(cs.lockedValue.blockId)],
    valid: [cs.validRound, cs.validValue === undefined ? "" : blockIdKey(cs.validValue.blockId)],
    proposals: [...cs.proposals.entries()].map(([r, p]) => `${r}:${toHex(p.signature)}`),
    blocks: [...cs.blocks.keys()],
    prevotes: votes(cs.prevotes),
    precommits: votes(cs.precommits),
    fired: [...cs.fired],
    decision: cs.decision === undefined ? "" : blockIdKey(cs.decision.blockId),
  });
}

export async function fuzzConsensusChannel(options: {
  inputs: number;
  seed: number;
  onProgress?: (stats: FuzzStats) => void;
}): Promise<FuzzStats> {
  const fx = consensusFixture();
  const seedHex = new Set(fx.seedBytes.map(toHex));
  const reference = [stateDigest(fx.current.cs), stateDigest(fx.next.cs)];
  const stats: FuzzStats = {
    target: "p2p-consensus",
    inputs: 0,
    crashes: 0,
    accepted: 0,
    stateChanges: 0,
    blocks: 0,
    samples: [],
  };
  const sample = (what: string, bytes: Uint8Array) => {
    if (stats.samples.length < 5) stats.samples.push(`${what}: ${toHex(bytes)}`);
  };
  const arb = fc.oneof(
    {
      weight: 9,
      arbitrary: fc
        .tuple(fc.nat({ max: fx.seedBytes.length - 1 }), fc.array(opArb, { minLength: 1, maxLength: 4 }))
        .map(([i, ops]) => mutate(fx.seedBytes[i]!, ops)),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
  );
  /** Runs one message through a node at the state given, as the driver would. */
  const deliver = (at: NodeAt, m: ConsensusMessage): "taken" | "future" | "refused" => {
    const verdict = admit(m, at.ctx(at.cs));
    if (verdict.kind === "future") return "future";
    if (verdict.kind === "evidence") {
      if (m.kind !== "evidence") return "taken";
      return duplicateVoteProblem(CHAIN_ID, { voteA: m.voteA, voteB: m.voteB }, fx.validators) === undefined
        ? "taken"
        : "refused";
    }
    if (verdict.kind !== "feed") return "refused";
    at.cs = step(at.cs, verdict.event).state;
    return "taken";
  };
  const started = performance.now();
  const chunk = Math.min(20_000, options.inputs);
  for (let done = 0, round = 0; done < options.inputs; done += chunk, round++) {
    fc.assert(
      fc.property(arb, (bytes) => {
        if (seedHex.has(toHex(bytes))) return;
        stats.inputs++;
        let m: ConsensusMessage;
        try {
          m = decodeConsensusMessage(bytes);
        } catch {
          return; // refused at decode: the node scores the sender down
        }
        try {
          let outcome = deliver(fx.current, m);
          // A next-height message waits for that height: admit it there.
          if (outcome === "future") outcome = deliver(fx.next, m);
          if (outcome === "taken" && !seedHex.has(toHex(encodeConsensusMessage(m)))) {
            stats.accepted++;
            sample("taken", bytes);
          }
        } catch (e) {
          stats.crashes++;
          sample(String(e), bytes);
        }
      }),
      { numRuns: Math.min(chunk, options.inputs - done), seed: options.seed + round },
    );
    stats.blocks++;
    if (stateDigest(fx.current.cs) !== reference[0] || stateDigest(fx.next.cs) !== reference[1]) {
      stats.stateChanges++;
      fx.current.cs = consensusFixture().current.cs;
      fx.next.cs = consensusFixture().next.cs;
    }
    stats.durationS = (performance.now() - started) / 1000;
    options.onProgress?.(stats);
  }
  stats.durationS = (performance.now() - started) / 1000;
  return stats;
}
