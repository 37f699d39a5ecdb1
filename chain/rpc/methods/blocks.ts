/** Block data: block, block_by_hash, header, header_by_hash, block_results, blockchain, commit. */
import type { Block } from "../../types/block.js";
import type { CallContext, RouteTable } from "../context.js";
import { rpcErrors } from "../errors.js";
import type { Args } from "../params.js";
import { blockResultsJson } from "../render/abci.js";
import { blockIdJson, blockJson, blockMetaJson, commitJson, headerJson } from "../render/block.js";
import { int64 } from "../render/encoding.js";
import { resolveHeight } from "./paging.js";

/** CometBFT's `blockchain` returns at most 20 metas per call. */
const MAX_BLOCKCHAIN_METAS = 20n;

async function blockResponse({ services }: CallContext, block: Block | undefined) {
  // As CometBFT: an unknown block is an empty block id and a null block, not an error.
  if (block === undefined) return { block_id: blockIdJson(undefined), block: null };
  const meta = await services.blocks.loadBlockMeta(block.header.height);
  return { block_id: blockIdJson(meta?.blockId), block: blockJson(block) };
}

async function blockAt(ctx: CallContext, args: Args) {
  const height = resolveHeight(ctx.services.blocks, args.int("height"));
  return blockResponse(ctx, await ctx.services.blocks.loadBlock(height));
}

async function blockByHash(ctx: CallContext, args: Args) {
  const hash = args.bytes("hash");
  if (hash === undefined) throw rpcErrors.invalidParams("hash is required");
  return blockResponse(ctx, await ctx.services.blocks.loadBlockByHash(hash));
}

async function header({ services }: CallContext, args: Args) {
  const height = resolveHeight(services.blocks, args.int("height"));
  const meta = await services.blocks.loadBlockMeta(height);
  return { header: meta ? headerJson(meta.header) : null };
}

async function headerByHash({ services }: CallContext, args: Args) {
  const hash = args.bytes("hash");
  if (hash === undefined) throw rpcErrors.invalidParams("hash is required");
  const block = await services.blocks.loadBlockByHash(hash);
  return { header: block ? headerJson(block.header) : null };
}

async function blockResults({ services }: CallContext, args: Args) {
  const height = resolveHeight(services.blocks, args.int("height"));
  const results = await services.blocks.loadBlockResults(height);
  if (results === undefined) throw rpcErrors.notFound(`could not find results for height #${height}`);
  return blockResultsJson(height, results);
}

async function blockchain({ services }: CallContext, args: Args) {
  const { blocks } = services;
  let min = args.int("minHeight") ?? 0n;
  let max = args.int("maxHeight") ?? 0n;
  if (min < 0n || max < 0n) throw rpcErrors.heightOutOfRange("heights must be non-negative");
  if (min === 0n) min = 1n;
  if (max === 0n || max > blocks.height) max = blocks.height;
  if (min < blocks.base) min = blocks.base;
  if (min < max - MAX_BLOCKCHAIN_METAS + 1n) min = max - MAX_BLOCKCHAIN_METAS + 1n;
  if (min > max) throw rpcErrors.heightOutOfRange(`min height ${min} can't be greater than max height ${max}`);
  const metas = [];
  for (let h = max; h >= min; h--) {
    const meta = await blocks.loadBlockMeta(h);
    if (meta !== undefined) metas.push(blockMetaJson(meta));
  }
  return { last_height: int64(blocks.height), block_metas: metas };
}

async function commit({ services }: CallContext, args: Args) {
  const { blocks } = services;
  const height = resolveHeight(blocks, args.int("height"));
  const [meta, commitData] = await Promise.all([blocks.loadBlockMeta(height), blocks.loadCommit(height)]);
  if (meta === undefined || commitData === undefined)
    throw rpcErrors.notFound(`commit for height ${height} is not available`);
  // The latest block's commit is the node's own "seen" commit, which the next block may replace.
  return {
    signed_header: { header: headerJson(meta.header), commit: commitJson(commitData) },
    canonical: height < blocks.height,
  };
}

const height = [{ name: "height", kind: "int" }] as const;
const hash = [{ name: "hash", kind: "bytes" }] as const;

export const blockRoutes: RouteTable = {
  block: { args: height, handler: blockAt },
  block_by_hash: { args: hash, handler: blockByHash },
  header: { args: height, handler: header },
  header_by_hash: { args: hash, handler: headerByHash },
  block_results: { args: height, handler: blockResults },
  blockchain: {
    args: [
      { name: "minHeight", kind: "int" },
      { name: "maxHeight", kind: "int" },
    ],
    handler: blockchain,
  },
  commit: { args: height, handler: commit },
};
