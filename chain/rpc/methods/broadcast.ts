/** broadcast_tx_async / _sync / _commit: hand a tx to the mempool, optionally wait for its block. */
import { txHash } from "../../crypto/txHash.js";
import type { IndexedTx } from "../../indexer/types.js";
import type { TxResult } from "../../types/abci.js";
import type { CallContext, RouteTable } from "../context.js";
import { rpcErrors } from "../errors.js";
import type { Args } from "../params.js";
import { EMPTY_TX_RESULT, txResultJson } from "../render/abci.js";
import { hexUpper, int64 } from "../render/encoding.js";
import { waitLeft } from "../waits.js";

function txArg(args: Args): Uint8Array {
  const tx = args.bytes("tx");
  if (tx === undefined || tx.length === 0) throw rpcErrors.invalidParams("tx is required");
  return tx;
}

/** ResultBroadcastTx: `data` is HexBytes there, unlike in tx results. */
function broadcastJson(hash: Uint8Array, r: TxResult) {
  return { code: r.code, data: hexUpper(r.data), log: r.log, codespace: r.codespace, hash: hexUpper(hash) };
}

async function broadcastAsync({ services }: CallContext, args: Args) {
  const tx = txArg(args);
  // Fire and forget, as CometBFT: the caller learns only the hash. Admission starts here, not
  // in a later microtask, so that the tx joins the mempool's queue in its batch's request
  // order with the sync broadcasts around it (chain/rpc/batch.ts starts them together).
  try {
    void Promise.resolve(services.mempool.checkAndAdd(tx)).catch(() => undefined);
  } catch {
    // Refused at once: the caller of an async broadcast is not told, as in CometBFT.
  }
  return broadcastJson(txHash(tx), EMPTY_TX_RESULT);
}

/**
 * How long broadcast_tx_sync waits for the sequencer's receipt after CheckTx, unless the node
 * says otherwise (config.toml `rpc.receipt_wait`). On the sequencer's node it is immediate while
 * a height is open; through another node it is the forward to the sequencer, its admission and
 * the receipt's relay back, which on a loaded machine can take longer: then the answer says why
 * it has none (`receipt_missing`).
 */
export const DEFAULT_RECEIPT_WAIT_MS = 1_500;

async function broadcastSync(ctx: CallContext, args: Args) {
  const { services, limits } = ctx;
  const tx = txArg(args);
  const hash = txHash(tx);
  const checked = await services.mempool.checkAndAdd(tx);
  const sequencer = services.sequencer;
  if (sequencer === undefined) return broadcastJson(hash, checked);
  // Strike's addition to CometBFT's shape: the signed receipt, or null and why there is none.
  const started = performance.now();
  const receipt = await sequencer.receipt(hash, checked.code === 0 ? waitLeft(ctx, limits.receiptWaitMs) : 0);
  if (receipt !== undefined) return { ...broadcastJson(hash, checked), receipt };
  const missing = sequencer.missingReceipt?.(checked.code === 0, performance.now() - started);
  return {
    ...broadcastJson(hash, checked),
    receipt: null,
    ...(missing === undefined ? {} : { receipt_missing: missing }),
  };
}

let commitWaiters = 0;

async function broadcastCommit(ctx: CallContext, args: Args) {
  const { services, limits } = ctx;
  const tx = txArg(args);
  const hash = txHash(tx);
  // In a batch the wait counts from the batch's start: once it has run out the tx is not even
  // checked, so that a call that could not wait for its block changes nothing.
  const timeoutMs = waitLeft(ctx, limits.timeoutBroadcastTxCommitMs);
  if (timeoutMs === 0 && limits.timeoutBroadcastTxCommitMs > 0)
    throw rpcErrors.timeout(
      `this batch has waited timeout_broadcast_tx_commit (${limits.timeoutBroadcastTxCommitMs} ms) already; the tx was not broadcast: send it again on its own`,
    );
  const bus = services.eventBus;
  if (bus.numClients() >= limits.maxSubscriptionClients) {
    throw rpcErrors.subscription(`max_subscription_clients ${limits.maxSubscriptionClients} reached`);
  }
  // Subscribe before CheckTx so that a block committed in between cannot be missed.
  const subscriber = `broadcast_tx_commit-${++commitWaiters}`;
  const query = `tm.event='Tx' AND tx.hash='${hexUpper(hash)}'`;
  let settle: (tx: IndexedTx | Error) => void = () => {};
  const included = new Promise<IndexedTx | Error>((resolve) => (settle = resolve));
  bus.subscribe(
    subscriber,
    query,
    (msg) => {
      if (msg.data.type === "Tx") settle(msg.data.tx);
    },
    { capacity: 1, onCancel: (reason) => settle(reason) },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    const checkTx = await services.mempool.checkAndAdd(tx);
    if (checkTx.code !== 0) {
      return {
        check_tx: txResultJson(checkTx),
        tx_result: txResultJson(EMPTY_TX_RESULT),
        hash: hexUpper(hash),
        height: "0",
      };
    }
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const outcome = await Promise.race([included, timeout]);
    if (outcome === "timeout") throw rpcErrors.timeout("timed out waiting for tx to be included in a block");
    if (outcome instanceof Error)
      throw rpcErrors.subscription(`subscription was canceled (reason: ${outcome.message})`);
    return {
      check_tx: txResultJson(checkTx),
      tx_result: txResultJson(outcome.result),
      hash: hexUpper(hash),
      height: int64(outcome.height),
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (bus.numClientSubscriptions(subscriber) > 0) bus.unsubscribeAll(subscriber);
  }
}

const txOnly = [{ name: "tx", kind: "bytes" }] as const;

export const broadcastRoutes: RouteTable = {
  broadcast_tx_async: { args: txOnly, overlaps: true, handler: broadcastAsync },
  broadcast_tx_sync: { args: txOnly, overlaps: true, handler: broadcastSync },
  // Not broadcast_tx_commit: each waiting call holds an event-bus subscription slot.
  broadcast_tx_commit: { args: txOnly, handler: broadcastCommit },
};
