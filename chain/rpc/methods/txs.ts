/** Committed txs and app queries: tx, tx_search, abci_query. */
import type { IndexedTx } from "../../indexer/types.js";
import { toBase64 } from "../../types/bytes.js";
import type { CallContext, RouteTable } from "../context.js";
import { rpcErrors } from "../errors.js";
import type { Args } from "../params.js";
import { abciQueryJson, txResultJson } from "../render/abci.js";
import { hexUpper, int64 } from "../render/encoding.js";
import { txProofJson } from "../render/txProof.js";
import { GET_TX_PATH, getTxFromIndex } from "./getTx.js";
import { validatePage, validatePerPage } from "./paging.js";

/** CometBFT rejects longer queries before parsing them. */
const MAX_QUERY_LENGTH = 512;

async function txJson(ctx: CallContext, tx: IndexedTx, prove: boolean) {
  const out: Record<string, unknown> = {
    hash: hexUpper(tx.hash),
    height: int64(tx.height),
    index: tx.index,
    tx_result: txResultJson(tx.result),
    tx: toBase64(tx.tx),
  };
  if (prove) {
    const block = await ctx.services.blocks.loadBlock(tx.height);
    if (block === undefined)
      throw rpcErrors.notFound(`block ${tx.height} is not available to prove tx ${hexUpper(tx.hash)}`);
    out.proof = txProofJson(block.txs, tx.index);
  }
  return out;
}

async function tx(ctx: CallContext, args: Args) {
  const hash = args.bytes("hash");
  if (hash === undefined) throw rpcErrors.invalidParams("hash is required");
  const found = await ctx.services.txIndexer.getByHash(hash);
  if (found === undefined) throw rpcErrors.notFound(`tx (${hexUpper(hash)}) not found`);
  return txJson(ctx, found, args.bool("prove"));
}

async function txSearch(ctx: CallContext, args: Args) {
  const query = args.string("query") ?? "";
  if (query.length > MAX_QUERY_LENGTH) throw rpcErrors.invalidParams("maximum query length exceeded");
  const orderBy = args.string("order_by") ?? "";
  if (orderBy !== "" && orderBy !== "asc" && orderBy !== "desc") {
    throw rpcErrors.invalidParams("expected order_by to be either `asc` or `desc` or empty");
  }
  const perPage = validatePerPage(args.smallInt("per_page"));
  const requestedPage = args.smallInt("page");
  const { txs, totalCount } = await ctx.services.txIndexer.search(query, {
    page: requestedPage !== undefined && requestedPage > 0 ? requestedPage : 1,
    perPage,
    orderBy: orderBy === "desc" ? "desc" : "asc",
  });
  validatePage(requestedPage, perPage, totalCount);
  const prove = args.bool("prove");
  const rendered = [];
  for (const found of txs) rendered.push(await txJson(ctx, found, prove));
  return { txs: rendered, total_count: int64(totalCount) };
}

async function abciQuery(ctx: CallContext, args: Args) {
  const path = args.string("path") ?? "";
  const data = args.bytes("data") ?? new Uint8Array();
  const height = args.int("height") ?? 0n;
  if (height < 0n) throw rpcErrors.heightOutOfRange(`height must be non-negative, got ${height}`);
  const req = { path, data, height, prove: args.bool("prove") };
  // The tx service's GetTx reads the tx index, which the state machine does not have.
  const response = path === GET_TX_PATH ? await getTxFromIndex(ctx.services, req) : await ctx.services.app.query(req);
  return { response: abciQueryJson(response) };
}

export const txRoutes: RouteTable = {
  tx: {
    args: [
      { name: "hash", kind: "bytes" },
      { name: "prove", kind: "bool" },
    ],
    handler: tx,
  },
  tx_search: {
    args: [
      { name: "query", kind: "string" },
      { name: "prove", kind: "bool" },
      { name: "page", kind: "int" },
      { name: "per_page", kind: "int" },
      { name: "order_by", kind: "string" },
    ],
    handler: txSearch,
  },
  abci_query: {
    args: [
      { name: "path", kind: "string" },
      { name: "data", kind: "hexbytes" },
      { name: "height", kind: "int" },
      { name: "prove", kind: "bool" },
    ],
    handler: abciQuery,
  },
};
