/**
 * The validator's checkpoint signer, run inside the node like the price feeder: it reads
 * the checkpoints this node has committed, signs each one whose signing set names this
 * home's Ethereum key and that it has not signed yet, and submits MsgSignCheckpoint from
 * the home's feeder account (which pays the fee). A checkpoint's digest comes from this
 * node's own state, so it signs only what it executed itself. Under the chain's "bls"
 * scheme (its checkpoint params say which) it signs with the home's BLS key instead.
 */
import { concat, getBytes, hexlify } from "ethers";
import { appQuerier } from "../chain/client/comet.js";
import { chainQueries } from "../chain/client/queries.js";
import { createQueryRpc, refusal } from "../chain/client/queryRpc.js";
import type { MsgSignCheckpoint } from "../chain/codec/generated/strike/checkpoint/v1/tx.js";
import { signDigestEcdsa } from "../chain/l1/ecdsa.js";
import { blsSignDigest, g2ToEip2537 } from "../chain/l1/bls.js";
import type { BlsKey } from "../chain/node/blsKey.js";
import type { EthKey } from "../chain/node/ethKey.js";
import type { FeederKey } from "../chain/node/feederKey.js";
import type { NodeLogger } from "../chain/node/logger.js";
import type { QueryResponse, TxResult } from "../chain/types/abci.js";
import { registerError } from "../chain/types/errors.js";
import { serviceSender, type AccountTxSender } from "./accountTxSender.js";
import { MSG_SIGN_CHECKPOINT_TYPE_URL } from "../modules/checkpoint/index.js";

export interface CheckpointSignerOptions {
  ethKey: EthKey;
  /** Signs under the bls scheme; without it the node signs only ecdsa checkpoints. */
  blsKey?: BlsKey;
  /** The account that submits (and pays for) the signatures. */
  account: FeederKey;
  chainId: string;
  fees: { denom: string; amount: string }[];
  gasLimit: number;
  intervalMs?: number;
  query(req: { path: string; data: Uint8Array; height: bigint; prove: boolean }): Promise<QueryResponse>;
  submitTx(tx: Uint8Array): TxResult;
  logger: NodeLogger;
  /** The account's sender, shared with the node's other services that sign with it. */
  sender?: AccountTxSender;
}

export interface CheckpointSigner {
  stop(): Promise<void>;
}

const signerError = registerError("checkpoint-signer", 1, "the node refused a checkpoint query or signature");
const NOT_FOUND = 5;
/** A submitted signature not committed after this long is sent again. */
const RESUBMIT_MS = 15_000;
/** On start, look this many heights back for checkpoints still unsigned. */
const LOOKBACK_HEIGHTS = 200n;

/** r || s || v, 65 bytes, low s (ethers signs canonically). */
export function signCheckpointDigest(digest: Uint8Array, privateKey: string): Uint8Array {
  const sig = signDigestEcdsa(hexlify(digest), privateKey);
  return getBytes(concat([sig.r, sig.s, Uint8Array.of(sig.v)]));
}

/** A 256-byte EIP-2537 G2 signature over the digest (BlsSettlement's SIGNATURE_DST). */
export function signCheckpointDigestBls(digest: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return getBytes(g2ToEip2537(blsSignDigest(hexlify(digest), secretKey)));
}

export async function startCheckpointSigner(o: CheckpointSignerOptions): Promise<CheckpointSigner> {
  const sender = await serviceSender(o, o.account);
  const me = getBytes(o.ethKey.address);
  const myBls = o.blsKey === undefined ? undefined : o.blsKey.publicKey.toLowerCase();
  let cursor: bigint | undefined;
  const submitted = new Map<bigint, number>();

  const queries = chainQueries(createQueryRpc(appQuerier(o.query)));
  /** The answer, or undefined where the node has none; any other refusal fails the round. */
  const found = async <T>(what: string, answer: Promise<T>): Promise<T | undefined> => {
    try {
      return await answer;
    } catch (e) {
      const r = refusal(e);
      if (r === undefined) throw e;
      if (r.code === NOT_FOUND || /NotFound/.test(r.log)) return undefined;
      throw signerError(`${what}: ${r.codespace}/${r.code} ${r.log}`);
    }
  };
  const submit = async (msg: MsgSignCheckpoint): Promise<void> => {
    const { result } = await sender.send("checkpoint", [{ typeUrl: MSG_SIGN_CHECKPOINT_TYPE_URL, value: msg }], {
      amount: o.fees,
      gas: String(o.gasLimit),
    });
    if (result.code !== 0) throw signerError(`${result.codespace}/${result.code}: ${result.log}`);
  };

  const round = async () => {
    if (cursor === undefined) {
      const latest = await found("the latest checkpoint", queries.checkpoint.Checkpoint({ height: 0n }));
      if (latest?.checkpoint === undefined) return;
      cursor = latest.checkpoint.height > LOOKBACK_HEIGHTS ? latest.checkpoint.height - LOOKBACK_HEIGHTS : 0n;
    }
    const params = await found("checkpoint params", queries.checkpoint.Params({}));
    const bls = params?.params?.scheme === "bls";
    if (bls && myBls === undefined) return;
    const isMe = (m: { ethAddress: Uint8Array; blsPublicKey: Uint8Array }) =>
      bls ? hexlify(m.blsPublicKey) === myBls : hexlify(m.ethAddress) === hexlify(me);
    const page = await found("checkpoints", queries.checkpoint.Checkpoints({ afterHeight: cursor, limit: 50 }));
    let advance = true;
    for (const entry of page?.checkpoints ?? []) {
      const cp = entry.checkpoint!;
      const member = cp.signersSet.find(isMe);
      const signed = member !== undefined && entry.signatures.some((s) => s.validator === member.operator);
      const due = cp.digest.length === 32 && member !== undefined && !signed;
      if (due) {
        const sentAt = submitted.get(cp.height);
        if (sentAt === undefined || Date.now() - sentAt > RESUBMIT_MS) {
          await submit({
            submitter: o.account.address,
            height: cp.height,
            validator: member.operator,
            signature: bls
              ? signCheckpointDigestBls(cp.digest, o.blsKey!.secretKey)
              : signCheckpointDigest(cp.digest, o.ethKey.privateKey),
          });
          submitted.set(cp.height, Date.now());
          o.logger.info("checkpoint signed", { height: cp.height.toString(), digest: hexlify(cp.digest) });
        }
        advance = false;
      } else submitted.delete(cp.height);
      if (advance) cursor = cp.height;
    }
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = round()
      .catch((e: unknown) => o.logger.warn("checkpoint signing round failed", { error: String(e) }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, o.intervalMs ?? 1000);
      });
  };
  tick();
  o.logger.info("checkpoint signer started", { eth_address: o.ethKey.address, account: o.account.address });
  return {
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
