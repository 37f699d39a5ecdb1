/**
 * A small client for soft finality, usable beside cosmjs: submit a signed TxRaw to any
 * node and get the sequencer's receipt (from `broadcast_tx_sync`'s added field, or by
 * waiting on `strike_receipt`), verify it, and wait for the commit. Plain JSON-RPC over
 * fetch: it needs no Strike node code, only the receipt codec and an ed25519 verifier.
 */
import { sha256 } from "../crypto/hash.js";
import { fromHex, toBase64, toHex } from "../types/bytes.js";
import { sequencerErrors } from "./errors.js";
import { verifyReceipt, type Receipt } from "./receipt.js";
import type { MissingReceiptJson } from "./missingReceipt.js";
import { signedReceiptFromJson, type ReceiptJson } from "./receiptJson.js";

export interface CheckTxJson {
  code: number;
  codespace: string;
  log: string;
  hash: string;
}

export interface SubmitOutcome {
  hash: string;
  checkTx: CheckTxJson;
  receipt: ReceiptJson | undefined;
  /** From sending to having the receipt (ms), when there is one. */
  receiptLatencyMs: number | undefined;
  /** Without a receipt: why, as the node said in its broadcast_tx_sync answer (older nodes say nothing). */
  receiptMissing: MissingReceiptJson | undefined;
}

export interface SequencerInfo {
  epoch: string;
  epoch_length: string;
  start_height: string;
  planned_end_height: string;
  address: string;
  is_self: boolean;
}

/** JSON-RPC 2.0's code for an unknown method. */
const METHOD_NOT_FOUND = -32601;

async function call<T>(url: string, method: string, params: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { code: number; message: string; data?: string } };
  if (body.error !== undefined) {
    const e = new Error(`${method}: ${body.error.message}${body.error.data ? ` (${body.error.data})` : ""}`);
    (e as Error & { rpcCode: number }).rpcCode = body.error.code;
    throw e;
  }
  return body.result as T;
}

export interface SoftFinalityClient {
  /** Sends a signed TxRaw with broadcast_tx_sync; waits up to receiptWaitMs more for the receipt if it was not in the answer. */
  submit(tx: Uint8Array, o?: { receiptWaitMs?: number }): Promise<SubmitOutcome>;
  /** The tx's receipt as this node knows it (stage included), waiting up to waitMs; undefined if none. */
  receipt(hash: string, waitMs?: number): Promise<ReceiptJson | undefined>;
  sequencer(): Promise<SequencerInfo>;
  /** Polls `tx` until the tx is in a block or timeoutMs passes. */
  waitForCommit(hash: string, timeoutMs: number): Promise<{ height: string; index: number; code: number } | undefined>;
}

export function createSoftFinalityClient(rpcUrl: string): SoftFinalityClient {
  const client: SoftFinalityClient = {
    async submit(tx, o = {}) {
      const started = performance.now();
      const r = await call<CheckTxJson & { receipt?: ReceiptJson | null; receipt_missing?: MissingReceiptJson }>(
        rpcUrl,
        "broadcast_tx_sync",
        { tx: toBase64(tx) },
      );
      let receipt = r.receipt ?? undefined;
      if (receipt === undefined && r.code === 0 && (o.receiptWaitMs ?? 0) > 0)
        receipt = await client.receipt(r.hash, o.receiptWaitMs);
      return {
        hash: r.hash,
        checkTx: { code: r.code, codespace: r.codespace, log: r.log, hash: r.hash },
        receipt,
        receiptLatencyMs: receipt === undefined ? undefined : performance.now() - started,
        receiptMissing: receipt === undefined ? r.receipt_missing : undefined,
      };
    },
    async receipt(hash, waitMs = 0) {
      try {
        return await call<ReceiptJson>(rpcUrl, "strike_receipt", { hash, wait_ms: String(waitMs) });
      } catch (e) {
        const code = (e as { rpcCode?: number }).rpcCode;
        // No receipt yet, or a node without soft finality (JSON-RPC "method not found").
        if ((code !== undefined && /no receipt/.test(String(e))) || code === METHOD_NOT_FOUND) return undefined;
        throw e;
      }
    },
    sequencer: () => call<SequencerInfo>(rpcUrl, "strike_sequencer", {}),
    async waitForCommit(hash, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          const r = await call<{ height: string; index: number; tx_result: { code: number } }>(rpcUrl, "tx", {
            hash: toBase64(fromHex(hash)),
          });
          return { height: r.height, index: r.index, code: r.tx_result.code };
        } catch (e) {
          if ((e as { rpcCode?: number }).rpcCode === undefined) throw e;
        }
        if (Date.now() > deadline) return undefined;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  return client;
}

/** The tx hash CometBFT and the receipt use: hex of sha256(tx). */
export function txHashHex(tx: Uint8Array): string {
  return toHex(sha256(tx)).toUpperCase();
}

/**
 * Verifies a receipt's JSON offline: signature, chain, and (when given) that it comes from
 * the expected sequencer; returns the decoded receipt. Throws the sequencer's typed errors.
 */
export function verifyReceiptJson(json: unknown, o: { chainId?: string; sequencerAddress?: string } = {}): Receipt {
  const signed = signedReceiptFromJson(json);
  let chainId = o.chainId;
  if (chainId === undefined) {
    const claimed = (json as { receipt?: { chain_id?: unknown } } | undefined)?.receipt?.chain_id;
    if (typeof claimed !== "string")
      throw sequencerErrors.malformedReceipt("no chain id given and none in the receipt's JSON");
    chainId = claimed;
  }
  return verifyReceipt(signed, {
    chainId,
    ...(o.sequencerAddress === undefined ? {} : { sequencerAddress: fromHex(o.sequencerAddress) }),
  });
}

/** The plain JSON-RPC call this client uses (errors carry `rpcCode`), for the other client rooms. */
export { call as rpcCall };
