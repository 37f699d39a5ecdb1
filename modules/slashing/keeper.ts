/**
 * The slashing keeper: liveness (Cosmos' HandleValidatorSignature), equivocation
 * (x/evidence's HandleEquivocationEvidence) and unjailing. It owns signing infos; the
 * validators' tokens and jailed flags belong to staking, reached through its keeper.
 */
import type { ValidatorSigningInfo } from "../../chain/codec/generated/strike/slashing/v1/slashing.js";
import { ed25519Address } from "../../chain/crypto/ed25519.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { toHex } from "../../chain/types/bytes.js";
import { DEC_SCALE } from "../../chain/types/fixed/index.js";
import { slashingErrors } from "./errors.js";
import type { SlashingStakingKeeper } from "./expectedKeepers.js";
import { DOUBLE_SIGN_JAIL_END_SECONDS, VALIDATOR_UPDATE_DELAY } from "./keys.js";
import {
  allSigningInfos,
  clearMissedBitmap,
  getMissedBit,
  getParams,
  getSigningInfo,
  isEvidenceHandled,
  markEvidenceHandled,
  setMissedBit,
  setParams,
  setSigningInfo,
  type SlashingParams,
} from "./state.js";
import type { CometInfo, Misbehavior, VoteInfo } from "./types.js";

const hexAddress = (consAddress: Uint8Array) => toHex(consAddress).toUpperCase();

function newSigningInfo(consAddress: Uint8Array, height: bigint): ValidatorSigningInfo {
  return {
    address: hexAddress(consAddress),
    startHeight: height,
    indexOffset: 0n,
    jailedUntil: 0n,
    tombstoned: false,
    missedBlocksCounter: 0n,
  };
}

/** Most votes a validator may miss in a window: window − ⌊minSignedPerWindow × window⌋. */
export function maxMissedBlocks(p: SlashingParams): bigint {
  return p.signedBlocksWindow - (p.minSignedPerWindow * p.signedBlocksWindow) / DEC_SCALE;
}

export function createSlashingKeeper(staking: SlashingStakingKeeper) {
  const keeper = {
    params: (src: StoreSource): SlashingParams => getParams(src),
    setParams: (src: StoreSource, p: SlashingParams) => setParams(src, p),
    signingInfo: (src: StoreSource, consAddress: Uint8Array) => getSigningInfo(src, consAddress),
    signingInfos: (src: StoreSource) => [...allSigningInfos(src)],
    setSigningInfo: (src: StoreSource, info: ValidatorSigningInfo) => setSigningInfo(src, info),

    /** Records one vote of the last commit; slashes and jails a validator that missed too many. */
    handleValidatorSignature(ctx: Context, vote: VoteInfo): void {
      const consAddress = vote.validatorAddress;
      const v = staking.validatorByConsAddress(ctx, consAddress);
      if (v === undefined) return;
      const p = getParams(ctx);
      const height = ctx.block.height;
      const info = getSigningInfo(ctx, consAddress) ?? newSigningInfo(consAddress, height);
      const index = info.indexOffset % p.signedBlocksWindow;
      info.indexOffset += 1n;
      const wasMissed = getMissedBit(ctx, consAddress, index);
      const missed = !vote.signed;
      if (missed !== wasMissed) {
        setMissedBit(ctx, consAddress, index, missed, p.signedBlocksWindow);
        info.missedBlocksCounter += missed ? 1n : -1n;
      }
      if (missed)
        ctx.events.emit("liveness", [
          ["address", info.address],
          ["missed_blocks", info.missedBlocksCounter.toString()],
          ["height", height.toString()],
        ]);
      const minHeight = info.startHeight + p.signedBlocksWindow;
      if (height > minHeight && info.missedBlocksCounter > maxMissedBlocks(p) && !v.jailed) {
        // The missed votes were cast with the power of the set of VALIDATOR_UPDATE_DELAY blocks earlier.
        const infractionHeight = height - VALIDATOR_UPDATE_DELAY - 1n;
        staking.slash(ctx, consAddress, infractionHeight, vote.power, p.slashFractionDowntime, "missing_signature");
        staking.jail(ctx, consAddress);
        info.jailedUntil = ctx.block.time.seconds + p.downtimeJailDurationSeconds;
        info.missedBlocksCounter = 0n;
        info.indexOffset = 0n;
        clearMissedBitmap(ctx, consAddress);
      }
      setSigningInfo(ctx, info);
    },

    /**
     * Double signing: slash at the infraction height, jail, tombstone. Evidence older than
     * both max ages, against an unknown or already tombstoned validator, or seen before, is ignored.
     */
    handleEquivocation(ctx: Context, ev: Misbehavior): void {
      const consAddress = ev.validatorAddress;
      const p = getParams(ctx);
      if (ev.height <= 0n || ev.height > ctx.block.height) return;
      const ageBlocks = ctx.block.height - ev.height;
      const ageSeconds = ctx.block.time.seconds - ev.time.seconds;
      if (ageBlocks > p.maxEvidenceAgeBlocks && ageSeconds > p.maxEvidenceAgeSeconds) {
        ctx.events.emit("evidence_expired", [
          ["address", hexAddress(consAddress)],
          ["height", ev.height.toString()],
        ]);
        return;
      }
      const v = staking.validatorByConsAddress(ctx, consAddress);
      if (v === undefined) return;
      const info = getSigningInfo(ctx, consAddress) ?? newSigningInfo(consAddress, ctx.block.height);
      if (info.tombstoned || isEvidenceHandled(ctx, consAddress, ev.height)) return;
      const infractionHeight = ev.height - VALIDATOR_UPDATE_DELAY;
      staking.slash(ctx, consAddress, infractionHeight, ev.power, p.slashFractionDoubleSign, "double_sign");
      if (!v.jailed) staking.jail(ctx, consAddress);
      info.jailedUntil = DOUBLE_SIGN_JAIL_END_SECONDS;
      info.tombstoned = true;
      setSigningInfo(ctx, info);
      markEvidenceHandled(ctx, consAddress, ev.height);
      ctx.events.emit("double_sign", [
        ["address", info.address],
        ["validator", v.operator],
        ["height", ev.height.toString()],
        ["type", ev.type],
      ]);
    },

    isTombstoned: (src: StoreSource, consAddress: Uint8Array): boolean =>
      getSigningInfo(src, consAddress)?.tombstoned === true,

    /** Records a jail imposed by another module (a receipt violation): unjail waits until then; tombstoned is for good. */
    jailUntil(ctx: Context, consAddress: Uint8Array, untilSeconds: bigint, tombstone: boolean): void {
      const info = getSigningInfo(ctx, consAddress) ?? newSigningInfo(consAddress, ctx.block.height);
      if (untilSeconds > info.jailedUntil) info.jailedUntil = untilSeconds;
      if (tombstone) info.tombstoned = true;
      setSigningInfo(ctx, info);
    },

    /** Returns the operator's jailed validator to the candidates (MsgUnjail). */
    unjail(ctx: Context, operator: string): void {
      const v = staking.validator(ctx, operator);
      if (v === undefined) throw slashingErrors.noValidator(`${operator} operates no validator`);
      if (staking.delegation(ctx, operator, operator) === 0n)
        throw slashingErrors.missingSelfDelegation(`delegate to ${operator} from its operator first`);
      if (!v.jailed) throw slashingErrors.validatorNotJailed();
      const info = getSigningInfo(ctx, ed25519Address(v.pubKey));
      if (info?.tombstoned === true) throw slashingErrors.tombstoned();
      if (info !== undefined && ctx.block.time.seconds < info.jailedUntil)
        throw slashingErrors.validatorJailed(`jailed until unix time ${info.jailedUntil}`);
      staking.unjail(ctx, operator);
    },
  };
  return keeper;
}

export type SlashingKeeper = ReturnType<typeof createSlashingKeeper>;

/** Begin-block work: the last commit's votes, then the block's evidence. */
export function slashingBeginBlock(ctx: Context, keeper: SlashingKeeper, info: CometInfo): void {
  for (const vote of info.lastCommit.votes) keeper.handleValidatorSignature(ctx, vote);
  for (const ev of info.misbehavior) keeper.handleEquivocation(ctx, ev);
}
