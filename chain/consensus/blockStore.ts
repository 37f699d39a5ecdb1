/**
 * Blocks, commits, results and validator sets per height in the shared database, under
 * prefixes 0x10..0x1f (the state tree has 0x01..0x0f, the tx indexer 0x20..0x2f). Values
 * are CometBFT protobuf (cosmjs-types). Writes go into the block's atomic batch; `base`
 * and `height` move only once `markSaved` is called after the batch is written.
 *
 * Heights below the application's retain height (app.toml `min-retain-blocks`) are deleted
 * by `pruneBelow`, in batches of their own after the commit, each of which moves the stored
 * base with its deletes: a crash leaves every height either whole or gone, never half.
 */
import type { FinalizeBlockResponse } from "../types/abci.js";
import type { Block, Commit, Validator } from "../types/block.js";
import { concatBytes, readU64be, u64be } from "../types/bytes.js";
import type { BlockMeta, BlockStoreReader, Database, WriteBatch } from "../store/types.js";
import type { CommittedBlock } from "./committedBlock.js";
import type { ValidatorSet } from "./proposer.js";
import {
  decodeBlock,
  decodeCommit,
  decodeFinalizeBlockResponse,
  decodeValidators,
  encodeBlock,
  encodeCommit,
  encodeFinalizeBlockResponse,
  headerFromProto,
  headerToProto,
  validatorsToProto,
} from "./protoCodec.js";
import { BlockMeta as PbBlockMeta } from "cosmjs-types/tendermint/types/types";
import { ValidatorSet as PbValidatorSet } from "cosmjs-types/tendermint/types/validator";

const PREFIX = {
  state: 0x10,
  block: 0x11,
  meta: 0x12,
  seenCommit: 0x13,
  results: 0x14,
  validators: 0x15,
  hashIndex: 0x16,
  /** The commit for height h taken from block h+1's last_commit. */
  commit: 0x17,
  /** The validator list scheduled for height h by the end block of h-2 (staking updates). */
  scheduled: 0x18,
  /** Keys of committed evidence: each is included in at most one block. */
  evidence: 0x19,
  /** The lowest height kept, u64, once pruning moved it (the state record's base is the first saved height). */
  base: 0x1a,
} as const;

const STATE_KEY = Uint8Array.of(PREFIX.state);
const BASE_KEY = Uint8Array.of(PREFIX.base);

/** Heights deleted per batch: each height is ~10 deletes, the batch stays small next to a block's. */
const PRUNE_BATCH_HEIGHTS = 256;

function heightKey(prefix: number, h: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(prefix), u64be(h));
}

export interface BlockStore extends BlockStoreReader {
  /** Puts the block and everything stored with it into `batch` (not yet visible). */
  save(batch: WriteBatch, c: CommittedBlock, validatorSet?: ValidatorSet): void;
  /** Makes a height visible after its batch was written. */
  markSaved(height: bigint): void;
  /**
   * Resolves once `height` is saved (at once if it is): news of a commit told to clients is
   * held until then, so that a client told "committed" finds the block and its tx on this node.
   */
  saved(height: bigint): Promise<void>;
  /** The set with its proposer (for restarting proposer selection). */
  loadValidatorSet(height: bigint): Promise<ValidatorSet | undefined>;
  /** Records, in the block's batch, the validator list that takes effect at `height`. */
  saveScheduledValidators(batch: WriteBatch, height: bigint, validators: readonly Validator[]): void;
  loadScheduledValidators(height: bigint): Promise<Validator[] | undefined>;
  markEvidenceCommitted(batch: WriteBatch, key: string): void;
  isEvidenceCommitted(key: string): Promise<boolean>;
  /**
   * Deletes every height below `retainHeight` (never the latest), in batches of its own;
   * resolves once the base is there. Calls while one runs raise its target (0n: nothing).
   */
  pruneBelow(retainHeight: bigint): Promise<void>;
}

/** What is stored per height (the hash index is keyed by the block's hash, read from its meta). */
const HEIGHT_PREFIXES = [
  PREFIX.block,
  PREFIX.meta,
  PREFIX.seenCommit,
  PREFIX.commit,
  PREFIX.results,
  PREFIX.validators,
  PREFIX.scheduled,
] as const;

function heights(from: bigint, to: bigint): bigint[] {
  const out: bigint[] = [];
  for (let h = from; h < to; h++) out.push(h);
  return out;
}

function minBig(...xs: bigint[]): bigint {
  return xs.reduce((a, b) => (b < a ? b : a));
}

export async function openBlockStore(db: Database): Promise<BlockStore> {
  let base = 0n;
  let height = 0n;
  /** Readers of `saved`, waiting for a height not yet written. */
  const savedWaiters: { height: bigint; resolve: () => void }[] = [];
  const st = await db.get(STATE_KEY);
  if (st !== undefined && st.length === 16) {
    base = readU64be(st, 0);
    height = readU64be(st, 8);
  }
  const pruned = await db.get(BASE_KEY);
  if (pruned !== undefined && pruned.length === 8 && readU64be(pruned, 0) > base) base = readU64be(pruned, 0);
  /** The retain height asked for last, and the run deleting towards it. */
  let pruneTarget = 0n;
  let pruning: Promise<void> | undefined;

  const loadBlock = async (h: bigint): Promise<Block | undefined> => {
    const b = await db.get(heightKey(PREFIX.block, h));
    return b === undefined ? undefined : decodeBlock(b);
  };
  const loadValidatorSet = async (h: bigint): Promise<ValidatorSet | undefined> => {
    const v = await db.get(heightKey(PREFIX.validators, h));
    if (v === undefined) return undefined;
    const pb = PbValidatorSet.decode(v);
    const conv = (x: (typeof pb.validators)[number]): Validator => ({
      address: x.address,
      pubKey: x.pubKey.ed25519 ?? new Uint8Array(0),
      votingPower: x.votingPower,
      proposerPriority: x.proposerPriority,
    });
    const validators = pb.validators.map(conv);
    const proposer = pb.proposer === undefined ? validators[0]! : conv(pb.proposer);
    return { validators, proposer };
  };

  /** Deletes heights [base, pruneTarget) batch by batch; the base moves with each batch written. */
  const prune = async (): Promise<void> => {
    while (base > 0n && base < pruneTarget && base < height) {
      const to = minBig(pruneTarget, height, base + BigInt(PRUNE_BATCH_HEIGHTS));
      const batch = db.batch();
      const metas = await db.getMany(heights(base, to).map((h) => heightKey(PREFIX.meta, h)));
      for (const [i, h] of heights(base, to).entries()) {
        const m = metas[i];
        if (m !== undefined)
          batch.del(concatBytes(Uint8Array.of(PREFIX.hashIndex), PbBlockMeta.decode(m).blockId.hash));
        for (const prefix of HEIGHT_PREFIXES) batch.del(heightKey(prefix, h));
      }
      batch.put(BASE_KEY, u64be(to));
      await batch.write();
      base = to;
    }
  };

  return {
    get base() {
      return base;
    },
    pruneBelow(retainHeight) {
      if (retainHeight > pruneTarget) pruneTarget = retainHeight;
      pruning ??= prune().finally(() => (pruning = undefined));
      return pruning;
    },
    get height() {
      return height;
    },
    save(batch, c, validatorSet) {
      const h = c.block.header.height;
      const blockBytes = encodeBlock(c.block);
      batch.put(heightKey(PREFIX.block, h), blockBytes);
      batch.put(
        heightKey(PREFIX.meta, h),
        PbBlockMeta.encode({
          blockId: { hash: c.blockId.hash, partSetHeader: c.blockId.partSetHeader },
          blockSize: BigInt(blockBytes.length),
          header: headerToProto(c.block.header),
          numTxs: BigInt(c.block.txs.length),
        }).finish(),
      );
      batch.put(heightKey(PREFIX.seenCommit, h), encodeCommit(c.commit));
      if (c.block.lastCommit.height > 0n)
        batch.put(heightKey(PREFIX.commit, c.block.lastCommit.height), encodeCommit(c.block.lastCommit));
      batch.put(heightKey(PREFIX.results, h), encodeFinalizeBlockResponse(c.results));
      const pbSet = validatorsToProto(validatorSet?.validators ?? c.validators);
      if (validatorSet !== undefined) pbSet.proposer = validatorsToProto([validatorSet.proposer]).validators[0]!;
      batch.put(heightKey(PREFIX.validators, h), PbValidatorSet.encode(pbSet).finish());
      batch.put(concatBytes(Uint8Array.of(PREFIX.hashIndex), c.blockId.hash), u64be(h));
      batch.put(STATE_KEY, concatBytes(u64be(base === 0n ? h : base), u64be(h > height ? h : height)));
    },
    markSaved(h) {
      if (base === 0n) base = h;
      if (h > height) height = h;
      for (let i = savedWaiters.length - 1; i >= 0; i--) {
        if (savedWaiters[i]!.height <= height) {
          savedWaiters[i]!.resolve();
          savedWaiters.splice(i, 1);
        }
      }
    },
    saved(h) {
      if (h <= height) return Promise.resolve();
      return new Promise((resolve) => savedWaiters.push({ height: h, resolve }));
    },
    loadBlock,
    async loadBlockMeta(h): Promise<BlockMeta | undefined> {
      const m = await db.get(heightKey(PREFIX.meta, h));
      if (m === undefined) return undefined;
      const pb = PbBlockMeta.decode(m);
      return {
        blockId: {
          hash: pb.blockId.hash,
          partSetHeader: { total: pb.blockId.partSetHeader.total, hash: pb.blockId.partSetHeader.hash },
        },
        blockSize: Number(pb.blockSize),
        header: headerFromProto(pb.header),
        numTxs: Number(pb.numTxs),
      };
    },
    async loadBlockByHash(hash) {
      const h = await db.get(concatBytes(Uint8Array.of(PREFIX.hashIndex), hash));
      return h === undefined ? undefined : loadBlock(readU64be(h));
    },
    async loadCommit(h): Promise<Commit | undefined> {
      const c = (await db.get(heightKey(PREFIX.commit, h))) ?? (await db.get(heightKey(PREFIX.seenCommit, h)));
      return c === undefined ? undefined : decodeCommit(c);
    },
    async loadBlockResults(h): Promise<FinalizeBlockResponse | undefined> {
      const r = await db.get(heightKey(PREFIX.results, h));
      return r === undefined ? undefined : decodeFinalizeBlockResponse(r);
    },
    async loadValidators(h) {
      const set = await loadValidatorSet(h);
      return set === undefined ? undefined : [...set.validators];
    },
    loadValidatorSet,
    saveScheduledValidators(batch, h, validators) {
      batch.put(heightKey(PREFIX.scheduled, h), PbValidatorSet.encode(validatorsToProto(validators)).finish());
    },
    markEvidenceCommitted(batch, key) {
      batch.put(concatBytes(Uint8Array.of(PREFIX.evidence), Buffer.from(key, "hex")), Uint8Array.of(1));
    },
    async isEvidenceCommitted(key) {
      return (await db.get(concatBytes(Uint8Array.of(PREFIX.evidence), Buffer.from(key, "hex")))) !== undefined;
    },
    async loadScheduledValidators(h) {
      const v = await db.get(heightKey(PREFIX.scheduled, h));
      return v === undefined ? undefined : decodeValidators(v);
    },
  };
}
