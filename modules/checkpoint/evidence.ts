/**
 * Evidence against a validator's checkpoint key, and its punishment. Two kinds:
 *
 * - equivocation: two signatures over different digests for one height;
 * - a forged checkpoint: one signature over a digest for a height the chain checkpointed
 *   with another digest, or never checkpointed. Honest validators sign only the digest the
 *   chain recorded (app/checkpointSigner.ts signs the on-chain record), so such a signature
 *   is provably malicious. It is the evidence a colluding majority leaves when it lands a
 *   forged state root on L1: they never sign the real checkpoint, so there is no second
 *   signature to make an equivocation.
 *
 * Both slash the same fraction of the power the validator had in the set in force at the
 * height, jail it, and count once per (validator, height), whichever kind is reported first.
 */
import type { SettlementDomain } from "../../chain/l1/digest.js";
import { ed25519Address } from "../../chain/crypto/ed25519.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { equalBytes } from "../../chain/types/bytes.js";
import { hexlify } from "ethers";
import { BLS_VERIFY_GAS, checkBlsSignature } from "./blsSig.js";
import { checkpointErrors } from "./errors.js";
import { digestOf, recoverSigner, type DigestFields } from "./ethSig.js";
import type { CheckpointStakingKeeper } from "./expectedKeepers.js";
import { blsKeys, checkpoints, ethKeys, getParams, latestHeight, punished, type SetMember } from "./state.js";

export interface CheckpointEvidenceOptions {
  staking: CheckpointStakingKeeper;
  /** Where signatures are valid; undefined when checkpoints are unsigned. */
  domain(src: StoreSource, chainId: string): SettlementDomain | undefined;
  /** The set that signs the next checkpoint. */
  signingSet(src: StoreSource): SetMember[];
}

type EvidenceKind = "checkpoint_equivocation" | "checkpoint_forged";

/**
 * Evidence for a height below this is refused as expired: keep_heights is the checkpoint
 * module's evidence age, as CometBFT's `max_age_num_blocks` is for double signs. Below it
 * checkpoints are pruned, so the set in force (and the power to slash), and for a forged
 * checkpoint the digest the chain recorded, are no longer known. 0 when nothing is pruned
 * (keep_heights 0).
 */
export function evidenceHorizon(src: StoreSource): bigint {
  const keep = getParams(src).keepHeights;
  const latest = latestHeight.get(src) ?? 0n;
  return keep > 0n && latest > keep ? latest - keep : 0n;
}

function refuseExpired(ctx: Context, height: bigint): void {
  const horizon = evidenceHorizon(ctx);
  if (height < horizon)
    throw checkpointErrors.expiredEvidence(
      `height ${height} is below ${horizon}: keep_heights ${getParams(ctx).keepHeights} below the newest checkpoint`,
    );
}

/** Throws unless `validator`'s registered key of the scheme in use made each signature over its digest. */
function checkSignedBy(ctx: Context, validator: string, signed: readonly [Uint8Array, Uint8Array][], what: string) {
  if (getParams(ctx).scheme === "bls") {
    const key = blsKeys.get(ctx, validator)?.publicKey;
    if (key === undefined) throw checkpointErrors.noBlsKey(validator);
    ctx.gasMeter.consume(BigInt(signed.length) * BLS_VERIFY_GAS, `bls ${what}`);
    for (const [digest, signature] of signed) checkBlsSignature(digest, signature, key);
    return;
  }
  const key = ethKeys.get(ctx, validator);
  if (key === undefined) throw checkpointErrors.noEthKey(validator);
  for (const [digest, signature] of signed) {
    const signer = recoverSigner(digest, signature);
    if (!equalBytes(signer, key))
      throw checkpointErrors.wrongSigner(
        signed.length === 1
          ? `recovered ${hexlify(signer)}, registered ${hexlify(key)}`
          : `both signatures must recover to ${hexlify(key)}`,
      );
  }
}

export function createCheckpointEvidence(o: CheckpointEvidenceOptions) {
  /** Slashes and jails `validator` for a fault at `height`, and records it so it is punished once. */
  function punish(ctx: Context, validator: string, height: bigint, kind: EvidenceKind): void {
    const v = o.staking.validator(ctx, validator);
    if (v === undefined) throw checkpointErrors.notValidator(validator);
    // The power the validator signed with: that of the set in force at the height. The set
    // changes only at a set-change checkpoint, whose signers are still the old set, so it is
    // the signers of the first checkpoint at or above the height (never pruned: it is above
    // the horizon), or today's signing set if none is recorded yet.
    const inForce = checkpoints.ceiling(ctx, height)?.[1].signersSet ?? o.signingSet(ctx);
    const power = inForce.find((m) => m.operator === validator)?.power ?? 0n;
    const consAddress = ed25519Address(v.pubKey);
    const taken = o.staking.slash(ctx, consAddress, height, power, getParams(ctx).slashFractionEquivocation, kind);
    o.staking.jail(ctx, consAddress);
    punished.set(ctx, [validator, height], Uint8Array.of(1));
    ctx.events.emit(kind, [
      ["validator", validator],
      ["height", height.toString()],
      ["slashed", taken.toString()],
    ]);
  }

  const domainOf = (ctx: Context): SettlementDomain => {
    const domain = o.domain(ctx, ctx.block.chainId);
    if (domain === undefined) throw checkpointErrors.noDomain();
    return domain;
  };

  return {
    /**
     * Two signatures by `validator`'s registered key over different digests for one height:
     * slash the validator's stake by the equivocation fraction and jail it, once per height.
     */
    punishEquivocation(
      ctx: Context,
      validator: string,
      a: DigestFields,
      sigA: Uint8Array,
      b: DigestFields,
      sigB: Uint8Array,
    ): void {
      if (a.height !== b.height) throw checkpointErrors.notEquivocation("the two heights differ");
      const domain = domainOf(ctx);
      const da = digestOf(domain, a);
      const db = digestOf(domain, b);
      if (equalBytes(da, db)) throw checkpointErrors.notEquivocation("the two digests are the same");
      checkSignedBy(
        ctx,
        validator,
        [
          [da, sigA],
          [db, sigB],
        ],
        "equivocation evidence",
      );
      if (punished.has(ctx, [validator, a.height]))
        throw checkpointErrors.alreadyPunished(`${validator} at ${a.height}`);
      refuseExpired(ctx, a.height);
      punish(ctx, validator, a.height, "checkpoint_equivocation");
    },

    /**
     * One signature by `validator`'s registered key over a digest for a height at or below the
     * newest checkpoint that is not the chain's checkpoint there (another digest was recorded,
     * or none): the same punishment as an equivocation, shared with it once per height. Every
     * cheaper refusal comes before the signature check.
     */
    punishForgedCheckpoint(ctx: Context, validator: string, fields: DigestFields, signature: Uint8Array): void {
      const domain = domainOf(ctx);
      const h = fields.height;
      if (o.staking.validator(ctx, validator) === undefined)
        throw checkpointErrors.notValidator(`${validator} operates no validator`);
      const latest = latestHeight.get(ctx);
      // Above the newest checkpoint the chain may yet record exactly this digest.
      if (latest === undefined || h > latest)
        throw checkpointErrors.notCheckpointedYet(`height ${h}, newest checkpoint ${latest ?? "none"}`);
      refuseExpired(ctx, h);
      const digest = digestOf(domain, fields);
      const recorded = checkpoints.get(ctx, h);
      if (recorded !== undefined && equalBytes(recorded.digest, digest))
        throw checkpointErrors.notForged(`height ${h}, digest ${hexlify(digest)}`);
      if (punished.has(ctx, [validator, h])) throw checkpointErrors.alreadyPunished(`${validator} at ${h}`);
      checkSignedBy(ctx, validator, [[digest, signature]], "forged checkpoint evidence");
      punish(ctx, validator, h, "checkpoint_forged");
    },
  };
}
