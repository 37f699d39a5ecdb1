/**
 * One sender per hot account of the node. The price feeder, the deposit watcher and the
 * checkpoint signer sign from the same feeder key: each keeping its own sequence made them
 * collide under load (one's tx took the sequence the other had signed with, the second
 * was refused, and a refused checkpoint signature waited for the next round). Sends are
 * serialised here, so the node's own services never race; a sequence mismatch left over
 * (another process using the key, a tx dropped from the mempool) is retried with backoff
 * at the sequence the node expects, and each retry is logged and counted.
 */
import { DirectSecp256k1Wallet, type EncodeObject } from "@cosmjs/proto-signing";
import { SigningStargateClient, type StdFee } from "@cosmjs/stargate";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { appQuerier } from "../chain/client/comet.js";
import { cosmosQueries } from "../chain/client/queries.js";
import { createQueryRpc } from "../chain/client/queryRpc.js";
import { createStrikeRegistry } from "../chain/codec/registry.js";
import { BECH32_PREFIX } from "../chain/crypto/address.js";
import type { FeederKey } from "../chain/node/feederKey.js";
import type { NodeLogger } from "../chain/node/logger.js";
import type { QueryResponse, TxResult } from "../chain/types/abci.js";

export interface AccountTxSenderOptions {
  key: FeederKey;
  chainId: string;
  query(req: { path: string; data: Uint8Array; height: bigint; prove: boolean }): Promise<QueryResponse>;
  submitTx(tx: Uint8Array): TxResult;
  logger: NodeLogger;
  /** Called on each retry: which service's tx, and why (counted by the node's metrics). */
  onRetry?(service: string, reason: "sequence"): void;
  /** Sends of one tx before its refusal is returned (default 5). */
  attempts?: number;
  /** The first retry's delay; doubled at each next one (default 50 ms). */
  backoffMs?: number;
}

export interface SentTx {
  tx: Uint8Array;
  result: TxResult;
  /** The sequence the tx was signed with. */
  sequence: bigint;
}

export interface AccountTxSender {
  readonly address: string;
  /**
   * Signs `msgs` at the account's next sequence and hands the tx to the node's mempool.
   * Never throws for a refusal: the last CheckTx result is returned (code 0 = admitted).
   */
  send(service: string, msgs: EncodeObject[], fee: StdFee): Promise<SentTx>;
}

const WRONG_SEQUENCE = 32;

/** A service's sender: the one the node shares for its account, or (a lone service, a test) its own. */
export async function serviceSender(
  o: Pick<AccountTxSenderOptions, "chainId" | "query" | "submitTx" | "logger"> & { sender?: AccountTxSender },
  key: FeederKey,
): Promise<AccountTxSender> {
  return (
    o.sender ??
    (await createAccountTxSender({ key, chainId: o.chainId, query: o.query, submitTx: o.submitTx, logger: o.logger }))
  );
}

/** Fees written as in app.toml ("5000ustrike", comma-separated); `invalid` makes the caller's error. */
export function parseFeeCoins(text: string, invalid: (message: string) => Error): { denom: string; amount: string }[] {
  return text
    .split(",")
    .filter((x) => x !== "")
    .map((part) => {
      const m = /^(\d+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(part.trim());
      if (m === null) throw invalid(`must look like "5000ustrike", got "${text}"`);
      return { amount: m[1]!, denom: m[2]! };
    });
}

export function isSequenceMismatch(r: TxResult): boolean {
  return r.code === WRONG_SEQUENCE && r.codespace === "sdk";
}

export async function createAccountTxSender(o: AccountTxSenderOptions): Promise<AccountTxSender> {
  const wallet = await DirectSecp256k1Wallet.fromKey(o.key.privKey, BECH32_PREFIX);
  const signer = await SigningStargateClient.offline(wallet, { registry: createStrikeRegistry() });
  const auth = cosmosQueries(createQueryRpc(appQuerier(o.query))).auth;
  const attempts = o.attempts ?? 5;
  const backoffMs = o.backoffMs ?? 50;
  let position: { accountNumber: bigint; sequence: number } | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const readPosition = async () => {
    const res = await auth.Account({ address: o.key.address });
    const acc = BaseAccount.decode(res.account!.value);
    return { accountNumber: acc.accountNumber, sequence: Number(acc.sequence) };
  };

  const sendNow = async (service: string, msgs: EncodeObject[], fee: StdFee): Promise<SentTx> => {
    for (let attempt = 1; ; attempt++) {
      position ??= await readPosition();
      const at = position;
      const raw = await signer.sign(o.key.address, msgs, fee, "", { ...at, chainId: o.chainId });
      const tx = TxRaw.encode(raw).finish();
      const result = o.submitTx(tx);
      if (result.code === 0) {
        position = { ...at, sequence: at.sequence + 1 };
        return { tx, result, sequence: BigInt(at.sequence) };
      }
      if (!isSequenceMismatch(result) || attempt >= attempts) {
        // The next send starts from the chain's view, whatever this refusal left behind.
        position = undefined;
        return { tx, result, sequence: BigInt(at.sequence) };
      }
      // Another sender of the key moved the sequence: take the one the node expects.
      const expected = /expected (\d+)/.exec(result.log);
      position = expected === null ? undefined : { ...at, sequence: Number(expected[1]) };
      const delay = backoffMs * 2 ** (attempt - 1);
      o.onRetry?.(service, "sequence");
      o.logger.warn("tx refused on its sequence; retrying", {
        service,
        account: o.key.address,
        sequence: at.sequence,
        expected: expected?.[1] ?? "unknown",
        attempt,
        retry_ms: delay,
      });
      await new Promise((r) => setTimeout(r, delay));
    }
  };

  return {
    address: o.key.address,
    send(service, msgs, fee) {
      const next = queue.then(() => sendNow(service, msgs, fee));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
