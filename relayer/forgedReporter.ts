/**
 * Sends MsgForgedCheckpoint from the relayer's Strike account: one tx per report, signed at
 * the account's committed sequence and waited for until it is in a block, so that the next
 * report never races it. What came of it is sorted for the watcher: accepted, already
 * punished (code 15: done, whoever reported it), refused for good (another checkpoint code),
 * or worth retrying (anything else: the sequence, the fee, the node, a timeout).
 */
import type { OfflineDirectSigner } from "@cosmjs/proto-signing";
import { SigningStargateClient, type StdFee } from "@cosmjs/stargate";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { jsonRpcQuerier } from "../chain/client/comet.js";
import { cosmosQueries } from "../chain/client/queries.js";
import { createQueryRpc } from "../chain/client/queryRpc.js";
import type { SignedCheckpointFields } from "../chain/codec/generated/strike/checkpoint/v1/checkpoint.js";
import { createStrikeRegistry } from "../chain/codec/registry.js";

export const MSG_FORGED_CHECKPOINT_TYPE_URL = "/strike.checkpoint.v1.MsgForgedCheckpoint";
const ALREADY_PUNISHED = 15;
const NOT_CHECKPOINTED_YET = 24;

export type ReportOutcomeKind = "accepted" | "already_punished" | "refused" | "retry";

export interface ForgedReportOutcome {
  kind: ReportOutcomeKind;
  code: number;
  codespace: string;
  log: string;
  txhash?: string;
  height?: string;
}

export interface ForgedReporter {
  /** The Strike account that signs and pays for the reports. */
  readonly address: string;
  report(validator: string, signed: SignedCheckpointFields): Promise<ForgedReportOutcome>;
}

/** What a tx's code means for a report: only the checkpoint module's own refusals are final. */
export function reportOutcomeKind(code: number, codespace: string): ReportOutcomeKind {
  if (code === 0) return "accepted";
  if (codespace !== "checkpoint") return "retry";
  if (code === ALREADY_PUNISHED) return "already_punished";
  return code === NOT_CHECKPOINTED_YET ? "retry" : "refused";
}

export interface ForgedReporterOptions {
  rpcUrl: string;
  wallet: OfflineDirectSigner;
  fee: StdFee;
  /** How long to wait for a report to be in a block (default 30 s). */
  timeoutMs?: number;
}

interface JsonRpcAnswer<T> {
  result?: T;
  error?: { code: number; message: string; data?: string };
}

export async function createForgedReporter(o: ForgedReporterOptions): Promise<ForgedReporter> {
  const url = o.rpcUrl.replace(/^tcp:\/\//, "http://");
  const [account] = await o.wallet.getAccounts();
  const address = account!.address;
  const signer = await SigningStargateClient.offline(o.wallet, { registry: createStrikeRegistry() });
  const auth = cosmosQueries(createQueryRpc(jsonRpcQuerier(url, { timeoutMs: 10_000 }))).auth;
  const call = async <T>(method: string, params: Record<string, unknown>): Promise<JsonRpcAnswer<T>> => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(10_000),
    });
    return (await res.json()) as JsonRpcAnswer<T>;
  };
  const timeoutMs = o.timeoutMs ?? 30_000;
  return {
    address,
    async report(validator, signed) {
      const status = await call<{ node_info: { network: string } }>("status", {});
      const chainId = status.result?.node_info.network ?? "";
      const acc = await auth.Account({ address });
      const base = BaseAccount.decode(acc.account!.value);
      const raw = await signer.sign(
        address,
        [{ typeUrl: MSG_FORGED_CHECKPOINT_TYPE_URL, value: { submitter: address, validator, signed } }],
        o.fee,
        "forged checkpoint seen on L1",
        { accountNumber: base.accountNumber, sequence: Number(base.sequence), chainId },
      );
      const tx = Buffer.from(TxRaw.encode(raw).finish()).toString("base64");
      const sent = await call<{
        code: number;
        codespace?: string;
        log?: string;
        hash: string;
        receipt?: { receipt?: { status?: string; code?: number; codespace?: string; log?: string } } | null;
      }>("broadcast_tx_sync", { tx });
      if (sent.result === undefined)
        return { kind: "retry", code: -1, codespace: "rpc", log: sent.error?.message ?? "no result" };
      const r = sent.result;
      const codespace = r.codespace ?? "";
      if (r.code !== 0)
        return {
          kind: reportOutcomeKind(r.code, codespace),
          code: r.code,
          codespace,
          log: r.log ?? "",
          txhash: r.hash,
        };
      // The sequencer signed a rejection (its checks failed): the tx will be in no block.
      const rejected = r.receipt?.receipt;
      if (rejected?.status === "rejected")
        return {
          kind: "retry",
          code: rejected.code ?? -1,
          codespace: rejected.codespace ?? "",
          log: rejected.log ?? "rejected by the sequencer",
          txhash: r.hash,
        };
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await call<{ height: string; tx_result: { code: number; codespace?: string; log?: string } }>(
          "tx",
          { hash: Buffer.from(r.hash, "hex").toString("base64") },
        );
        if (found.result !== undefined) {
          const d = found.result.tx_result;
          return {
            kind: reportOutcomeKind(d.code, d.codespace ?? ""),
            code: d.code,
            codespace: d.codespace ?? "",
            log: d.log ?? "",
            txhash: r.hash,
            height: found.result.height,
          };
        }
        if (Date.now() > deadline)
          return { kind: "retry", code: -1, codespace: "rpc", log: "not in a block in time", txhash: r.hash };
        await new Promise((res) => setTimeout(res, 200));
      }
    },
  };
}
