/**
 * The receipts keeper: keeps the roots of the last `window` heights (data_hash, tx count
 * and proposer at the height's end block; the results root at the next height's begin
 * block, from its header's last_results_hash) and punishes proven receipt violations:
 * slash, jail, tombstone as the params say, and pay the reporter its share of the slash.
 *
 * Reports are commit–reveal so that a copier cannot take the reward: a report is revealed
 * only against its reporter's commitment, at least `revealDelay` blocks old; the first valid
 * reveal punishes the fault at once, and the reward goes, `claimWindow` blocks later, to the
 * valid reveal with the earliest commitment (a copier can only commit after the honest
 * commitment is on chain, and an honest reveal a proposer delayed still takes the claim back).
 *
 * The offender's own side is never paid out of its own slash: a reveal by the validator's
 * operator account (its self-delegator) or by any account with stake in it (a delegation or
 * an unbonding) punishes the fault like any other, but the claim it leaves names no reporter
 * (withheld), so that any unrelated reporter who reveals within the claim window takes it.
 */
import type { PendingCommitment } from "../../chain/codec/generated/strike/receipts/v1/query.js";
import type { MsgCommitReport, MsgReceiptViolation } from "../../chain/codec/generated/strike/receipts/v1/tx.js";
import { dataHash } from "../../chain/consensus/encoding.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { reportCommitment } from "../../chain/sequencer/reportCommitment.js";
import { toHex } from "../../chain/types/bytes.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { DEC_SCALE } from "../../chain/types/fixed/index.js";
import { receiptsErrors } from "./errors.js";
import type { ReceiptsSlashingKeeper, ReceiptsStakingKeeper } from "./expectedKeepers.js";
import {
  allClaims,
  allRoots,
  deleteRoots,
  getClaim,
  getCommitment,
  getParams,
  getRoots,
  hasAnyCommitment,
  isPunished,
  markPunished,
  nextCommitmentSequence,
  pruneCommitments,
  reporterCommitments,
  prunePunished,
  setClaim,
  setCommitment,
  setParams,
  setRoots,
  takeClaimsDue,
  updateCommitment,
  type ReceiptsParams,
  type ReportCommitment,
} from "./state.js";
import { proveViolation } from "./violation.js";

/** Gas for checking a claim: an ed25519 verification per receipt (as auth's default), a hash per proof step. */
const RECEIPT_SIGNATURE_GAS = 590n;
const PROOF_STEP_GAS = 30n;

/** Jail end of a tombstoned validator: 9999-12-31T23:59:59Z, as slashing's double-sign jail. */
const FOREVER_SECONDS = 253_402_300_799n;

export interface ReceiptsKeeperDeps {
  staking: ReceiptsStakingKeeper;
  slashing: ReceiptsSlashingKeeper;
}

export interface Punishment {
  /** Taken from the sequencer by this reveal (0 when it took over the claim of a fault punished already). */
  slashed: bigint;
  /** The reporter's share now claimed by this reveal's reporter. */
  reward: bigint;
  /** The height at whose end the claim is paid. */
  rewardHeight: bigint;
}

export interface CommittedReport {
  sequence: bigint;
  revealFromHeight: bigint;
  revealUntilHeight: bigint;
}

const hex = (b: Uint8Array) => toHex(b).toUpperCase();

/** A withheld claim: no reporter, and a commitment sequence that any reveal's undercuts. */
const NO_REPORTER = "";
const LAST_SEQUENCE = 2n ** 64n - 1n;

export function createReceiptsKeeper(deps: ReceiptsKeeperDeps) {
  const keeper = {
    params: (src: StoreSource): ReceiptsParams => getParams(src),
    setParams: (src: StoreSource, p: ReceiptsParams) => setParams(src, p),
    roots: (src: StoreSource, height: bigint) => getRoots(src, height),
    allRoots: (src: StoreSource) => [...allRoots(src)],
    claims: (src: StoreSource) => [...allClaims(src)],
    /** A reporter's kept commitments in sequence order, with the heights a reveal is accepted at under today's params. */
    commitmentsOf(src: StoreSource, reporter: string): PendingCommitment[] {
      const p = getParams(src);
      return [...reporterCommitments(src, reporter)]
        .sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0))
        .map((c) => ({
          commitment: c,
          revealFromHeight: c.height + p.revealDelay,
          revealUntilHeight: c.height + p.commitTtl,
        }));
    },
    commitment: (src: StoreSource, reporter: string, commitment: Uint8Array) =>
      getCommitment(src, reporter, commitment),

    /** Begin block of H: the header's last_results_hash is the results root of H − 1. */
    recordResults(ctx: Context): void {
      const results = ctx.block.comet?.lastResultsHash;
      if (results === undefined) return;
      const previous = getRoots(ctx, ctx.block.height - 1n);
      if (previous === undefined || previous.resultsHash.length > 0) return;
      setRoots(ctx, { ...previous, resultsHash: results });
    },

    /** End block of H: its txs and proposer; the height that leaves the window is forgotten. */
    recordBlock(ctx: Context): void {
      const comet = ctx.block.comet;
      if (comet?.txs === undefined || comet.proposerAddress === undefined) return;
      const h = ctx.block.height;
      setRoots(ctx, {
        height: h,
        dataHash: dataHash(comet.txs),
        numTxs: comet.txs.length,
        proposerAddress: comet.proposerAddress,
        resultsHash: new Uint8Array(0),
      });
      const { window } = getParams(ctx);
      deleteRoots(ctx, h - window);
      prunePunished(ctx, h - window);
    },

    /** End block of H: pays the claims due at H and forgets the commitments that expired. */
    settleReports(ctx: Context): void {
      const h = ctx.block.height;
      for (const c of takeClaimsDue(ctx, h)) {
        const reward = BigInt(c.reward);
        // Only the offender's side revealed: the share stays in the community pool.
        if (c.reporter === NO_REPORTER) {
          ctx.events.emit("receipt_violation_reward_unclaimed", [
            ["sequencer", hex(c.sequencerAddress)],
            ["height", c.height.toString()],
            ["reward", reward.toString()],
          ]);
          continue;
        }
        try {
          if (reward > 0n) deps.staking.payFromCommunityPool(ctx, c.reporter, reward);
        } catch (e) {
          // The slash put at least the reward into the pool; should it be short anyway, the
          // block must not fail: the claim is dropped, and says so (the check precedes any write).
          if (!isStrikeError(e)) throw e;
          ctx.events.emit("receipt_violation_reward_unpaid", [
            ["sequencer", hex(c.sequencerAddress)],
            ["height", c.height.toString()],
            ["reporter", c.reporter],
            ["reward", reward.toString()],
            ["reason", e.message],
          ]);
          continue;
        }
        ctx.events.emit("receipt_violation_reward", [
          ["sequencer", hex(c.sequencerAddress)],
          ["height", c.height.toString()],
          ["reporter", c.reporter],
          ["reward", reward.toString()],
        ]);
      }
      pruneCommitments(ctx, h);
    },

    /** Records a report's commitment; it can be revealed from `revealDelay` blocks on, for `commitTtl` blocks. */
    commitReport(ctx: Context, msg: MsgCommitReport): CommittedReport {
      const h = ctx.block.height;
      const existing = getCommitment(ctx, msg.reporter, msg.commitment);
      if (existing !== undefined)
        throw receiptsErrors.duplicateCommitment(
          `${hex(msg.commitment)} of ${msg.reporter} (at height ${existing.height})`,
        );
      const p = getParams(ctx);
      const sequence = nextCommitmentSequence(ctx);
      const c: ReportCommitment = {
        reporter: msg.reporter,
        commitment: msg.commitment,
        height: h,
        sequence,
        revealed: false,
      };
      // Kept past its last reveal height so that a late reveal is told "expired", not "unknown".
      setCommitment(ctx, c, h + 2n * p.commitTtl);
      const committed = { sequence, revealFromHeight: h + p.revealDelay, revealUntilHeight: h + p.commitTtl };
      ctx.events.emit("receipt_report_committed", [
        ["reporter", msg.reporter],
        ["commitment", hex(msg.commitment)],
        ["sequence", sequence.toString()],
        ["reveal_from_height", committed.revealFromHeight.toString()],
        ["reveal_until_height", committed.revealUntilHeight.toString()],
      ]);
      return committed;
    },

    /**
     * Reveals a committed report: checks the commitment, proves the claim (or throws why
     * not), and either punishes the sequencer (the first valid reveal of the fault) or
     * takes over the fault's unpaid claim when this reveal's commitment is earlier.
     */
    punish(ctx: Context, msg: MsgReceiptViolation): Punishment {
      const steps = (msg.committed?.txAunts.length ?? 0) + (msg.committed?.resultAunts.length ?? 0) + 2;
      const signatures = msg.conflicting === undefined ? 1n : 2n;
      ctx.gasMeter.consume(signatures * RECEIPT_SIGNATURE_GAS + BigInt(steps) * PROOF_STEP_GAS, "receipt violation");
      const p = getParams(ctx);
      const commitment = openCommitment(ctx, p, msg);
      const v = proveViolation(ctx, deps.staking, ctx.block, msg);
      updateCommitment(ctx, { ...commitment, revealed: true });

      const tie = offenderTie(ctx, deps.staking, msg.reporter, v.validator.operator);
      const claim = getClaim(ctx, v.height, v.consAddress);
      if (claim !== undefined) {
        if (tie !== undefined)
          throw receiptsErrors.offenderReporter(`${msg.reporter} is ${tie} ${v.validator.operator}`);
        if (claim.reporter !== NO_REPORTER && commitment.sequence >= claim.commitmentSequence)
          throw receiptsErrors.laterClaim(
            `commitment ${commitment.sequence} of ${msg.reporter}; commitment ${claim.commitmentSequence} of ${claim.reporter} claims ${hex(v.consAddress)} at height ${v.height}`,
          );
        setClaim(ctx, { ...claim, reporter: msg.reporter, commitmentSequence: commitment.sequence });
        ctx.events.emit("receipt_violation_claim", [
          ["sequencer", hex(v.consAddress)],
          ["height", v.height.toString()],
          ["reporter", msg.reporter],
          ["previous_reporter", claim.reporter],
          ["reward", claim.reward],
          ["reward_height", claim.payHeight.toString()],
        ]);
        return { slashed: 0n, reward: BigInt(claim.reward), rewardHeight: claim.payHeight };
      }
      if (isPunished(ctx, v.height, v.consAddress))
        throw receiptsErrors.alreadyPunished(`${hex(v.consAddress)} at height ${v.height}`);
      // A tombstoned validator was punished for good already (Cosmos ignores evidence against it too).
      if (deps.slashing.isTombstoned(ctx, v.consAddress))
        throw receiptsErrors.alreadyPunished(`${v.validator.operator} is tombstoned`);
      const slashed = deps.staking.slash(
        ctx,
        v.consAddress,
        v.height,
        v.validator.power,
        p.slashFraction,
        "receipt_violation",
      );
      if (p.jail || p.tombstone) {
        deps.staking.jail(ctx, v.consAddress);
        const until = p.tombstone ? FOREVER_SECONDS : ctx.block.time.seconds + p.jailDurationSeconds;
        deps.slashing.jailUntil(ctx, v.consAddress, until, p.tombstone);
      }
      const share = (slashed * p.reporterShare) / DEC_SCALE;
      const rewardHeight = ctx.block.height + p.claimWindow;
      setClaim(ctx, {
        sequencerAddress: v.consAddress,
        height: v.height,
        reporter: tie === undefined ? msg.reporter : NO_REPORTER,
        commitmentSequence: tie === undefined ? commitment.sequence : LAST_SEQUENCE,
        reward: share.toString(),
        payHeight: rewardHeight,
      });
      markPunished(ctx, v.height, v.consAddress);
      const reward = tie === undefined ? share : 0n;
      if (tie !== undefined)
        ctx.events.emit("receipt_violation_reward_withheld", [
          ["sequencer", hex(v.consAddress)],
          ["height", v.height.toString()],
          ["reporter", msg.reporter],
          ["reason", `the reporter is ${tie} ${v.validator.operator}`],
          ["reward", share.toString()],
          ["reward_height", rewardHeight.toString()],
        ]);
      ctx.events.emit("receipt_violation", [
        ["sequencer", hex(v.consAddress)],
        ["validator", v.validator.operator],
        ["kind", v.kind],
        ["height", v.height.toString()],
        ["index", String(v.index)],
        ["slashed", slashed.toString()],
        ["reporter", msg.reporter],
        ["reward", reward.toString()],
        ["reward_height", rewardHeight.toString()],
      ]);
      return { slashed, reward, rewardHeight };
    },
  };
  return keeper;
}

/**
 * How `reporter` is tied to the offending validator (operated by `operator`), as a phrase
 * ending in "of"; undefined when it is not. In Strike the operator account is the
 * validator's self-delegator. What a chain cannot see, a fresh account the offender funds,
 * is the residual risk the README's soft-finality section states.
 */
function offenderTie(
  src: StoreSource,
  staking: ReceiptsStakingKeeper,
  reporter: string,
  operator: string,
): string | undefined {
  if (reporter === operator) return "the operator (and self-delegator) of";
  if (staking.hasStakeIn(src, reporter, operator)) return "a delegator of";
  return undefined;
}

/** The reporter's commitment this reveal opens, revealable now; or the reason it is not. */
function openCommitment(ctx: Context, p: ReceiptsParams, msg: MsgReceiptViolation): ReportCommitment {
  const commitment = reportCommitment({
    chainId: ctx.block.chainId,
    reporter: msg.reporter,
    salt: msg.salt,
    receipt: msg.receipt?.receipt ?? new Uint8Array(0),
    ...(msg.conflicting === undefined ? {} : { conflicting: msg.conflicting.receipt }),
  });
  const c = getCommitment(ctx, msg.reporter, commitment);
  if (c === undefined) {
    if (hasAnyCommitment(ctx, msg.reporter))
      throw receiptsErrors.commitmentMismatch(
        `the reveal hashes to ${hex(commitment)}, which ${msg.reporter} never committed`,
      );
    throw receiptsErrors.noCommitment(`${msg.reporter} has no pending report commitment`);
  }
  if (c.revealed) throw receiptsErrors.alreadyRevealed(`${hex(commitment)} of ${msg.reporter}`);
  const h = ctx.block.height;
  if (h < c.height + p.revealDelay)
    throw receiptsErrors.revealTooEarly(
      `committed at height ${c.height}: reveal from height ${c.height + p.revealDelay}, this is ${h}`,
    );
  if (h > c.height + p.commitTtl)
    throw receiptsErrors.revealTooLate(
      `committed at height ${c.height}: the last reveal height was ${c.height + p.commitTtl}, this is ${h}`,
    );
  return c;
}

export type ReceiptsKeeper = ReturnType<typeof createReceiptsKeeper>;
