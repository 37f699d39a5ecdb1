/** Strike's soft-finality methods: a tx's signed receipt, its finality ladder, and who the sequencer is. */
import type { CallContext, RouteTable } from "../context.js";
import type { SpeculativeQueryAnswer } from "../services.js";
import { rpcErrors } from "../errors.js";
import type { Args } from "../params.js";
import { hexUpper } from "../render/encoding.js";
import { isStrikeError } from "../../types/errors.js";
import { toBase64 } from "../../types/bytes.js";
import { MAX_WAIT_MS, waitLeft } from "../waits.js";

async function receipt(ctx: CallContext, args: Args) {
  const { services } = ctx;
  const hash = args.bytes("hash");
  if (hash === undefined || hash.length !== 32) throw rpcErrors.invalidParams("hash (32 bytes, hex) is required");
  // At most MAX_WAIT_MS, and in a batch only what is left of it since the batch began.
  const wait = waitLeft(ctx, Math.min(Math.max(args.smallInt("wait_ms") ?? 0, 0), MAX_WAIT_MS));
  const found = await services.sequencer?.receipt(hash, wait);
  if (found === undefined)
    throw rpcErrors.notFound(`no receipt for tx ${hexUpper(hash)} on this node${whyNot(services, hash)}`);
  return found;
}

/** What this node's ladder knows of a tx it has no receipt for. */
function whyNot(services: CallContext["services"], hash: Uint8Array): string {
  const status = services.sequencer?.txStatus?.(hash) as { stage?: string; height?: string } | undefined;
  if (status === undefined) return " (it has not seen the tx)";
  if (status.stage === "committed")
    return ` (the tx committed at height ${status.height ?? "?"}, but its receipt never reached this node: ask the sequencer's node)`;
  return ` (the tx is ${status.stage ?? "known"} here; its receipt has not arrived yet)`;
}

async function txStatus({ services }: CallContext, args: Args) {
  const hash = args.bytes("hash");
  if (hash === undefined || hash.length !== 32) throw rpcErrors.invalidParams("hash (32 bytes, hex) is required");
  const found = services.sequencer?.txStatus?.(hash);
  if (found === undefined) throw rpcErrors.notFound(`tx ${hexUpper(hash)} has not been seen by this node`);
  return found;
}

/** Module queries only (`/strike.margin.v1.Query/Subaccounts`, …): no raw store reads, no simulation. */
const QUERY_PATH = /^\/[A-Za-z0-9_.]+\/[A-Za-z0-9_]+$/;
/** A module query's arguments are small; the sequencer refuses a forwarded query with more (remoteQuery.ts). */
const MAX_QUERY_DATA_BYTES = 16 * 1024;

async function speculativeQuery(ctx: CallContext, args: Args) {
  const { services } = ctx;
  const path = args.string("path") ?? "";
  if (!QUERY_PATH.test(path))
    throw rpcErrors.invalidParams(
      `path must be a module query such as /strike.margin.v1.Query/Subaccounts, got "${path}"`,
    );
  const data = args.bytes("data") ?? new Uint8Array(0);
  if (data.length > MAX_QUERY_DATA_BYTES)
    throw rpcErrors.invalidParams(
      `data is ${data.length} bytes; a query's data may be at most ${MAX_QUERY_DATA_BYTES}`,
    );
  // A relayed query may wait seconds for the sequencer: a batch of them stops relaying once it has waited MAX_WAIT_MS.
  if (waitLeft(ctx, MAX_WAIT_MS) === 0)
    throw rpcErrors.timeout(
      `this batch has waited ${MAX_WAIT_MS} ms on its calls already: send the rest of its speculative queries again`,
    );
  let found: SpeculativeQueryAnswer;
  try {
    found = await services.sequencer?.speculativeQuery?.(path, data);
  } catch (e) {
    throw rpcErrors.invalidParams(isStrikeError(e) || e instanceof Error ? e.message : String(e));
  }
  if (found === undefined)
    throw rpcErrors.notFound(
      "this node is not sequencing a height right now: ask the sequencer's node (strike_sequencer names it)",
    );
  if ("unavailable" in found) throw rpcErrors.notFound(found.unavailable);
  return {
    height: found.height.toString(),
    value: toBase64(found.value),
    ...(found.relayedFrom === undefined ? {} : { relayed_from: found.relayedFrom }),
  };
}

async function l1Finality({ services }: CallContext) {
  const found = services.sequencer?.l1Finality?.();
  if (found === undefined) throw rpcErrors.notFound("this node keeps no finality ladder");
  return found;
}

async function sequencer({ services }: CallContext) {
  const info = services.sequencer?.info();
  if (info === undefined) throw rpcErrors.notFound("the sequencer schedule has not started");
  return info;
}

export const sequencerRoutes: RouteTable = {
  strike_receipt: {
    args: [
      { name: "hash", kind: "hexbytes" },
      { name: "wait_ms", kind: "int" },
    ],
    handler: receipt,
  },
  strike_sequencer: { args: [], handler: sequencer },
  strike_l1_finality: { args: [], handler: l1Finality },
  strike_speculative_query: {
    args: [
      { name: "path", kind: "string" },
      { name: "data", kind: "hexbytes" },
    ],
    handler: speculativeQuery,
  },
  strike_tx_status: { args: [{ name: "hash", kind: "hexbytes" }], handler: txStatus },
};
