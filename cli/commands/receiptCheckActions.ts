/** What `strike receipt check` does when it runs (receiptCheck.ts defines it). */
import { readReceiptFile } from "./receiptFile.js";
import type { Command } from "commander";
import { verifyReceiptJson } from "../../chain/sequencer/client.js";
import { decodedReceiptJson } from "../../chain/sequencer/receiptJson.js";
import { falseFills } from "../../chain/sequencer/receiptTrades.js";
import { checkReceipt, type CommittedHeight } from "../../chain/sequencer/receiptVerdict.js";
import type { AbciEvent, TxResult } from "../../chain/types/abci.js";
import { fromBase64, fromHex } from "../../chain/types/bytes.js";
import { isNetworkError } from "../client.js";
import { globalOptions, rpcHttpUrl } from "../context.js";
import { cliErrors } from "../errors.js";
import { print } from "../output.js";

interface TxResultJson {
  code?: number;
  codespace?: string;
  log?: string;
  info?: string;
  data?: string | null;
  gas_wanted?: string;
  gas_used?: string;
  events?: { type: string; attributes?: { key: string; value: string; index?: boolean }[] }[] | null;
}

async function rpcCall<T>(url: string, method: string, params: Record<string, string>): Promise<T | undefined> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
  } catch (e) {
    if (isNetworkError(e)) throw cliErrors.notFound(`cannot reach the node at ${url}`);
    throw e;
  }
  const body = (await res.json()) as { result?: T; error?: unknown };
  return body.error === undefined ? body.result : undefined;
}

function txResultOf(j: TxResultJson): TxResult {
  return {
    code: j.code ?? 0,
    codespace: j.codespace ?? "",
    log: j.log ?? "",
    info: j.info ?? "",
    data: j.data ? fromBase64(j.data) : new Uint8Array(0),
    gasWanted: BigInt(j.gas_wanted ?? "0"),
    gasUsed: BigInt(j.gas_used ?? "0"),
    events: (j.events ?? []).map((e): AbciEvent => ({
      type: e.type,
      attributes: (e.attributes ?? []).map((a) => ({ key: a.key, value: a.value, index: a.index ?? false })),
    })),
  };
}

/** The committed block at `height` with its results, or undefined when the node has not committed it. */
async function committedHeight(url: string, height: bigint): Promise<CommittedHeight | undefined> {
  const status = await rpcCall<{ sync_info: { latest_block_height: string } }>(url, "status", {});
  if (status === undefined) throw cliErrors.notFound(`the node at ${url} did not answer status`);
  if (BigInt(status.sync_info.latest_block_height) < height) return undefined;
  const block = await rpcCall<{ block: { header: { proposer_address: string }; data: { txs: string[] | null } } }>(
    url,
    "block",
    { height: height.toString() },
  );
  const results = await rpcCall<{ txs_results: TxResultJson[] | null }>(url, "block_results", {
    height: height.toString(),
  });
  if (block === undefined || results === undefined)
    throw cliErrors.notFound(`the node at ${url} no longer has block ${height} (pruned?)`);
  return {
    height,
    proposer: fromHex(block.block.header.proposer_address),
    txs: (block.block.data.txs ?? []).map(fromBase64),
    results: (results.txs_results ?? []).map(txResultOf),
  };
}

export async function receiptCheck(file: string, _flags: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const receipt = verifyReceiptJson(readReceiptFile(file), g.chainId === undefined ? {} : { chainId: g.chainId });
  const url = rpcHttpUrl(g.node);
  const block = await committedHeight(url, receipt.height);
  // A receipt that contradicts the result it promises is violated whatever the block holds.
  const lie = falseFills(receipt);
  const { verdict, reason } =
    lie === undefined
      ? checkReceipt(receipt, block)
      : { verdict: "violated" as const, reason: `the receipt contradicts itself: ${lie}` };
  // Where the tx ended up (after a revert it is committed later, elsewhere).
  const decoded = decodedReceiptJson(receipt);
  const committed = await rpcCall<{ height: string; index: number; tx_result: { code: number } }>(url, "tx", {
    hash: Buffer.from(receipt.txHash).toString("base64"),
  });
  const out = {
    verdict,
    reason,
    receipt: decoded,
    committed:
      committed === undefined
        ? null
        : { height: committed.height, index: committed.index, code: committed.tx_result.code },
  };
  print(g.output, out, () =>
    [
      `${verdict === "violated" ? "VIOLATED" : verdict}: ${reason}`,
      `  tx ${String(decoded["tx_hash"])}: ${committed === undefined ? "not committed (yet)" : `committed at height ${committed.height} index ${committed.index}, code ${committed.tx_result.code}`}`,
    ].join("\n"),
  );
  if (verdict === "violated") process.exitCode = 3;
}
