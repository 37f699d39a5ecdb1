/** CometBFT's argument rules shared by several methods (rpc/core/env.go). */
import type { BlockStoreReader } from "../../store/types.js";
import { rpcErrors } from "../errors.js";

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;

export function validatePerPage(perPage: number | undefined): number {
  if (perPage === undefined || perPage < 1) return DEFAULT_PER_PAGE;
  return Math.min(perPage, MAX_PER_PAGE);
}

/** 1-based page, checked against the number of pages that `totalCount` results fill. */
export function validatePage(page: number | undefined, perPage: number, totalCount: number): number {
  if (page === undefined) return 1;
  const pages = Math.max(1, Math.ceil(totalCount / perPage));
  if (page <= 0 || page > pages)
    throw rpcErrors.invalidPage(`page should be within [1, ${pages}] range, given ${page}`);
  return page;
}

/** The height a method reads: the latest when absent, else one that the store still holds. */
export function resolveHeight(blocks: BlockStoreReader, height: bigint | undefined, latest = blocks.height): bigint {
  if (height === undefined) return latest;
  if (height <= 0n) throw rpcErrors.heightOutOfRange(`height must be greater than zero (requested height: ${height})`);
  if (height > latest) {
    throw rpcErrors.heightOutOfRange(
      `height ${height} must be less than or equal to the current blockchain height ${latest}`,
    );
  }
  if (height < blocks.base)
    throw rpcErrors.heightOutOfRange(`height ${height} is not available, lowest height is ${blocks.base}`);
  return height;
}
