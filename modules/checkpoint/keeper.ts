/**
 * The checkpoint keeper: records a checkpoint of height h at the begin block of h+1 (whose
 * header carries the app hash after h and block h's hash) every `interval` blocks and
 * whenever the validator set changed; collects validators' Ethereum signatures on its
 * digest until more than 2/3 of the signing set's power has signed; punishes a key that
 * signed two different digests for one height, or a digest that is not the chain's checkpoint.
 *
 * The params' scheme says which key signs: "ecdsa" (Ethereum addresses, ecrecover) or
 * "bls" (BLS12-381 keys registered with a proof of possession). Under bls each signature
 * is verified when it is submitted, one pairing check per signature (BLS_VERIFY_GAS),
 * rather than once per checkpoint on the aggregate: a bad signature is then refused at
 * once and attributed to its submitter, and can never hold back or poison a checkpoint
 * that honest signatures complete. The relayer sums the verified signatures into the
 * aggregate the contract checks. Evidence against a key (equivocation, a forged checkpoint)
 * is judged in evidence.ts.
 */
import type { SettlementDomain } from "../../chain/l1/digest.js";
import { bech32ToAddressBytes } from "../../chain/crypto/address.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { compareBytes, equalBytes, toHex } from "../../chain/types/bytes.js";
import { getAddress, hexlify } from "ethers";
import { checkpointErrors } from "./errors.js";
import { createCheckpointEvidence } from "./evidence.js";
import { digestOf, keccak, recoverSigner, type DigestFields } from "./ethSig.js";
import {
  BLS_VERIFY_GAS,
  blsRegistrationDigest,
  checkBlsKey,
  checkBlsProof,
  checkBlsSignature,
  encodeL1SetFor,
  schemeKey,
} from "./blsSig.js";
import type { BridgeRoots, CheckpointStakingKeeper } from "./expectedKeepers.js";
import {
  blsKeys,
  blsOwners,
  checkpoints,
  ethKeys,
  ethOwners,
  getParams,
  latestHeight,
  prunedBelow,
  params,
  signatures,
  signingSet,
  type Checkpoint,
  type BlsKey,
  type CheckpointParams,
  type CheckpointScheme,
  type SetMember,
} from "./state.js";

const MAX_U64 = (1n << 64n) - 1n;

export interface CheckpointKeeperOptions {
  staking: CheckpointStakingKeeper;
  bridge: BridgeRoots;
}

export interface StoredSignature {
  validator: string;
  ethAddress: Uint8Array;
  power: bigint;
  signature: Uint8Array;
}

const ZERO32 = new Uint8Array(32);

/** More than 2/3, in integers: exactly 2/3 is not enough (the contract's rule). */
export function isSuperMajority(signed: bigint, total: bigint): boolean {
  return total > 0n && signed * 3n > total * 2n;
}

/** Whether the contract would hold the same set: same members, powers and keys of the scheme in use. */
function sameSet(a: readonly SetMember[], b: readonly SetMember[], scheme: CheckpointScheme): boolean {
  return (
    a.length === b.length &&
    a.every((m, i) => {
      const o = b[i]!;
      return m.operator === o.operator && m.power === o.power && equalBytes(schemeKey(m, scheme), schemeKey(o, scheme));
    })
  );
}

/**
 * Deletes the checkpoints below `below` with their signatures, in height order, except
 * those that change the validator set: the contract installs sets only from them, in order,
 * so one the relayer has not landed yet must stay readable however old it is.
 */
export function pruneCheckpoints(ctx: Context, below: bigint): number {
  // Everything plain below the last call's bound is gone already, and only set changes are
  // left there, however many: start at that bound rather than read them all again.
  const from = prunedBelow.get(ctx) ?? 0n;
  if (below <= from) return 0;
  const doomed: bigint[] = [];
  for (const [h, cp] of checkpoints.iterateFrom(ctx, from)) {
    if (h >= below) break;
    if (cp.nextValidatorSet.length === 0) doomed.push(h);
  }
  for (const h of doomed) {
    const signers = [...signatures.iterate(ctx, u64Prefix(h))].map(([key]) => key);
    for (const key of signers) signatures.delete(ctx, key);
    checkpoints.delete(ctx, h);
  }
  prunedBelow.set(ctx, below);
  return doomed.length;
}

export function createCheckpointKeeper(o: CheckpointKeeperOptions) {
  const evidence = createCheckpointEvidence({
    staking: o.staking,
    domain: (src, chainId) => keeper.domain(src, chainId),
    signingSet: (src) => keeper.signingSet(src),
  });
  const keeper = {
    params: (src: StoreSource): CheckpointParams => getParams(src),
    setParams: (src: StoreSource, p: CheckpointParams) => params.set(src, p),

    /** Where signatures are valid; undefined when the genesis names no L1 (checkpoints are then unsigned). */
    domain(src: StoreSource, chainId: string): SettlementDomain | undefined {
      const p = getParams(src);
      if (p.l1ChainId === 0n || p.settlementAddress === "") return undefined;
      return { l1ChainId: p.l1ChainId, settlement: getAddress(p.settlementAddress), strikeChainId: chainId };
    },

    ethKey: (src: StoreSource, operator: string): Uint8Array | undefined => ethKeys.get(src, operator),

    /** Registers `operator`'s Ethereum address; each validator once, each address once. */
    registerEthKey(ctx: Context, operator: string, ethAddress: Uint8Array): void {
      if (o.staking.validator(ctx, operator) === undefined)
        throw checkpointErrors.notValidator(`${operator} operates no validator`);
      if (ethAddress.length !== 20 || ethAddress.every((b) => b === 0)) throw checkpointErrors.badEthAddress();
      if (ethKeys.has(ctx, operator))
        throw checkpointErrors.keyAlreadySet(`${operator} signs with ${hexlify(ethKeys.get(ctx, operator)!)}`);
      const owner = ethOwners.get(ctx, ethAddress);
      if (owner !== undefined) throw checkpointErrors.keyTaken(`${hexlify(ethAddress)} belongs to ${owner}`);
      ethKeys.set(ctx, operator, ethAddress);
      ethOwners.set(ctx, ethAddress, operator);
      ctx.events.emit("eth_key_registered", [
        ["validator", operator],
        ["eth_address", hexlify(ethAddress)],
      ]);
    },

    blsKey: (src: StoreSource, operator: string): BlsKey | undefined => blsKeys.get(src, operator),
    /** The registration of a BLS key, found by the key itself. */
    blsKeyByPublicKey(src: StoreSource, publicKey: Uint8Array): BlsKey | undefined {
      const owner = blsOwners.get(src, keccak(publicKey));
      return owner === undefined ? undefined : blsKeys.get(src, owner);
    },

    /**
     * Registers `operator`'s BLS key with its proof of possession (checked as BlsSettlement
     * checks it, so the key can be registered there too); each validator once, each key once.
     */
    registerBlsKey(
      ctx: Context,
      operator: string,
      publicKey: Uint8Array,
      proof: Uint8Array,
      /** The key's signature over blsRegistrationDigest (absent only in genesis). */
      operatorSignature: Uint8Array | undefined,
      /** Genesis validation already checked the proof (a pairing check is costly). */
      proofChecked = false,
    ): void {
      if (o.staking.validator(ctx, operator) === undefined)
        throw checkpointErrors.notValidator(`${operator} operates no validator`);
      checkBlsKey(publicKey);
      if (blsKeys.has(ctx, operator)) throw checkpointErrors.blsKeyAlreadySet(`${operator} already has one`);
      const keyHash = keccak(publicKey);
      const owner = blsOwners.get(ctx, keyHash);
      if (owner !== undefined) throw checkpointErrors.blsKeyTaken(`it belongs to ${owner}`);
      // The pairing check last: every cheaper refusal first.
      if (!proofChecked) {
        ctx.gasMeter.consume(BLS_VERIFY_GAS, "bls proof of possession");
        checkBlsProof(publicKey, proof);
        ctx.gasMeter.consume(BLS_VERIFY_GAS, "bls operator binding");
        try {
          checkBlsSignature(blsRegistrationDigest(ctx.block.chainId, operator), operatorSignature!, publicKey);
        } catch {
          throw checkpointErrors.badBlsProof(`the key did not sign its registration for ${operator} on this chain`);
        }
      }
      blsKeys.set(ctx, operator, { operator, publicKey, proofOfPossession: proof });
      blsOwners.set(ctx, keyHash, operator);
      ctx.events.emit("bls_key_registered", [
        ["validator", operator],
        ["bls_key_hash", hexlify(keyHash)],
      ]);
    },

    /** The bonded set now, in operator-address order, with each member's registered keys (if any). */
    currentSet(src: StoreSource): SetMember[] {
      return o.staking
        .bondedValidators(src)
        .map((v) => ({
          operator: v.operator,
          power: v.power,
          ethAddress: ethKeys.get(src, v.operator) ?? new Uint8Array(),
          blsPublicKey: blsKeys.get(src, v.operator)?.publicKey ?? new Uint8Array(),
        }))
        .sort((a, b) => compareBytes(bech32ToAddressBytes(a.operator), bech32ToAddressBytes(b.operator)));
    },

    /** The set that signs the next checkpoint (the one the contract holds once the relayer caught up). */
    signingSet: (src: StoreSource): SetMember[] => signingSet.get(src) ?? keeper.currentSet(src),

    checkpoint: (src: StoreSource, height: bigint): Checkpoint | undefined => checkpoints.get(src, height),
    latestHeight: (src: StoreSource): bigint | undefined => latestHeight.get(src),
    /** Checkpoints above `after`, ascending, at most `limit`. */
    checkpointsAfter(src: StoreSource, after: bigint, limit: number): Checkpoint[] {
      const out: Checkpoint[] = [];
      if (after >= MAX_U64 || limit <= 0) return out;
      // From the cursor's place (heights are big-endian keys), not from the first checkpoint
      // kept: the signers ask every second, and up to keep_heights / interval are kept.
      for (const [, cp] of checkpoints.iterateFrom(src, after < 0n ? 0n : after + 1n)) {
        out.push(cp);
        if (out.length >= limit) break;
      }
      return out;
    },
    signaturesOf(src: StoreSource, height: bigint): StoredSignature[] {
      const cp = checkpoints.get(src, height);
      if (cp === undefined) return [];
      const byOperator = new Map(cp.signersSet.map((m) => [m.operator, m]));
      const out: StoredSignature[] = [];
      for (const [[, validator], signature] of signatures.iterate(src, u64Prefix(height))) {
        const m = byOperator.get(validator)!;
        out.push({ validator, ethAddress: m.ethAddress, power: m.power, signature });
      }
      return out;
    },

    /**
     * Begin block of h+1: records the checkpoint of h when h is on the interval or the set
     * changed. `lastAppHash`/`lastBlockHash` come from the header; without them (a block
     * executed outside consensus, or the sequencer's prediction of a pipelined height's
     * begin block) nothing is recorded. The bridge's roots are brought to h all the same:
     * they depend on state alone, so a prediction writes exactly what the real begin block
     * will, and txs that read what the exit root's update writes (its marks) stay re-basable.
     */
    beginBlock(ctx: Context): void {
      const h = ctx.block.height - 1n;
      if (h < 1n) return;
      const p = getParams(ctx);
      const signers = keeper.signingSet(ctx);
      const now = keeper.currentSet(ctx);
      const changed = !sameSet(signers, now, p.scheme);
      if (!changed && (p.interval === 0n || h % p.interval !== 0n)) return;
      const withdrawalRoot = rootOrZero(o.bridge.withdrawalRoot(ctx));
      const exitRoot = rootOrZero(o.bridge.exitRoot(ctx));
      const creditedDepositNonce = o.bridge.creditedDepositNonce(ctx);
      const appHash = ctx.block.lastAppHash;
      const blockHash = ctx.block.lastBlockHash;
      if (appHash === undefined || blockHash === undefined) return;
      const nextSet = changed ? encodeL1SetFor(now, p.scheme) : new Uint8Array();
      const fields: DigestFields = {
        height: h,
        appHash,
        blockHash,
        withdrawalRoot,
        exitRoot,
        creditedDepositNonce,
        nextValidatorSetHash: changed ? keccak(nextSet) : new Uint8Array(),
      };
      const domain = keeper.domain(ctx, ctx.block.chainId);
      const cp: Checkpoint = {
        ...fields,
        nextValidatorSet: nextSet,
        digest: domain === undefined ? new Uint8Array() : digestOf(domain, fields),
        signersSet: signers,
        totalPower: signers.reduce((t, m) => t + m.power, 0n),
        signedPower: 0n,
        completedAt: 0n,
        timeSeconds: ctx.block.time.seconds,
      };
      checkpoints.set(ctx, h, cp);
      latestHeight.set(ctx, h);
      if (changed) signingSet.set(ctx, now);
      if (p.keepHeights > 0n && h > p.keepHeights) pruneCheckpoints(ctx, h - p.keepHeights);
      ctx.events.emit("checkpoint", [
        ["height", h.toString()],
        ["app_hash", toHex(appHash).toUpperCase()],
        ["validator_set_change", String(changed)],
      ]);
    },

    /** Records `validator`'s signature on the checkpoint of `height`; returns whether the checkpoint is complete. */
    signCheckpoint(ctx: Context, height: bigint, validator: string, signature: Uint8Array): boolean {
      const cp = checkpoints.get(ctx, height);
      if (cp === undefined) throw checkpointErrors.unknownCheckpoint(`height ${height}`);
      if (cp.digest.length === 0) throw checkpointErrors.noDomain();
      const member = cp.signersSet.find((m) => m.operator === validator);
      if (member === undefined) throw checkpointErrors.notInSet(`${validator} at height ${height}`);
      const scheme = getParams(ctx).scheme;
      if (scheme === "bls") {
        if (member.blsPublicKey.length !== 128) throw checkpointErrors.noBlsKey(validator);
      } else if (member.ethAddress.length !== 20) throw checkpointErrors.noEthKey(validator);
      if (signatures.has(ctx, [height, validator]))
        throw checkpointErrors.duplicateSignature(`${validator} at ${height}`);
      if (scheme === "bls") {
        if (signature.length !== 256) throw checkpointErrors.badSignature(`bls: 256 bytes, got ${signature.length}`);
        ctx.gasMeter.consume(BLS_VERIFY_GAS, "bls checkpoint signature");
        checkBlsSignature(cp.digest, signature, member.blsPublicKey);
      } else {
        const signer = recoverSigner(cp.digest, signature);
        if (!equalBytes(signer, member.ethAddress))
          throw checkpointErrors.wrongSigner(`recovered ${hexlify(signer)}, registered ${hexlify(member.ethAddress)}`);
      }
      signatures.set(ctx, [height, validator], signature);
      const signedPower = cp.signedPower + member.power;
      const completes = cp.completedAt === 0n && isSuperMajority(signedPower, cp.totalPower);
      checkpoints.set(ctx, height, { ...cp, signedPower, completedAt: completes ? ctx.block.height : cp.completedAt });
      ctx.events.emit("checkpoint_signed", [
        ["height", height.toString()],
        ["validator", validator],
        ["signed_power", signedPower.toString()],
      ]);
      if (completes) ctx.events.emit("checkpoint_complete", [["height", height.toString()]]);
      return completes || cp.completedAt !== 0n;
    },

    ...evidence,
  };
  return keeper;
}

export type CheckpointKeeper = ReturnType<typeof createCheckpointKeeper>;

/** An empty root is the empty tree (zero); any other length is a bug in the bridge, not a root to sign. */
function rootOrZero(root: Uint8Array): Uint8Array {
  if (root.length === 0) return ZERO32;
  if (root.length !== 32) throw checkpointErrors.badRoot(`got ${root.length} bytes`);
  return root;
}

function u64Prefix(h: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, h);
  return out;
}
