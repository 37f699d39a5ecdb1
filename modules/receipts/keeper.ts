/**
 * The receipts keeper: keeps the roots of the last `window` heights (data_hash, tx count
 * and proposer at the height's end block; the results root at the next height's begin
 * block, from its header's last_results_hash) and punishes proven receipt violations:
 * slash, jail, tombstone as the params say, and pay the reporter its share of the slash.
 */
import type { MsgReceiptViolation } from "../../chain/codec/generated/strike/receipts/v1/tx.js";
import { dataHash } from "../../chain/consensus/encoding.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { toHex } from "../../chain/types/bytes.js";
import { DEC_SCALE } from "../../chain/types/fixed/index.js";
import { receiptsErrors } from "./errors.js";
import type { ReceiptsSlashingKeeper, ReceiptsStakingKeeper } from "./expectedKeepers.js";
import {
  allRoots,
  deleteRoots,
  getParams,
  getRoots,
  markPunished,
  prunePunished,
  setParams,
  setRoots,
  type ReceiptsParams,
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
  slashed: bigint;
  reward: bigint;
}

export function createReceiptsKeeper(deps: ReceiptsKeeperDeps) {
  const keeper = {
    params: (src: StoreSource): ReceiptsParams => getParams(src),
    setParams: (src: StoreSource, p: ReceiptsParams) => setParams(src, p),
    roots: (src: StoreSource, height: bigint) => getRoots(src, height),
    allRoots: (src: StoreSource) => [...allRoots(src)],

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

    /** Proves the claim (or throws why not) and punishes the sequencer once per height. */
    punish(ctx: Context, msg: MsgReceiptViolation): Punishment {
      const steps = (msg.committed?.txAunts.length ?? 0) + (msg.committed?.resultAunts.length ?? 0) + 2;
      const signatures = msg.conflicting === undefined ? 1n : 2n;
      ctx.gasMeter.consume(signatures * RECEIPT_SIGNATURE_GAS + BigInt(steps) * PROOF_STEP_GAS, "receipt violation");
      const v = proveViolation(ctx, deps.staking, ctx.block, msg);
      const p = getParams(ctx);
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
      const reward = (slashed * p.reporterShare) / DEC_SCALE;
      if (reward > 0n) deps.staking.payFromCommunityPool(ctx, msg.reporter, reward);
      markPunished(ctx, v.height, v.consAddress);
      ctx.events.emit("receipt_violation", [
        ["sequencer", toHex(v.consAddress).toUpperCase()],
        ["validator", v.validator.operator],
        ["kind", v.kind],
        ["height", v.height.toString()],
        ["index", String(v.index)],
        ["slashed", slashed.toString()],
        ["reporter", msg.reporter],
        ["reward", reward.toString()],
      ]);
      return { slashed, reward };
    },
  };
  return keeper;
}

export type ReceiptsKeeper = ReturnType<typeof createReceiptsKeeper>;
