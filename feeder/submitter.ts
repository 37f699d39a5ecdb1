/**
 * Signing and broadcasting price votes. The account sequence is tracked locally so that
 * a vote goes out every round without waiting for the previous one to be included; when
 * the node reports a sequence mismatch (a tx was dropped, or another client used the key)
 * the sequence it expects is adopted and the vote is sent again once.
 */
import type { EncodeObject } from "@cosmjs/proto-signing";
import { BroadcastTxError, type SigningStargateClient, type StdFee } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgSubmitPrices } from "../chain/codec/generated/strike/oracle/v1/tx.js";
import { decToString, type Dec } from "../chain/types/fixed/index.js";
import type { Submission } from "./runFeeder.js";

export const MSG_SUBMIT_PRICES_TYPE_URL = "/strike.oracle.v1.MsgSubmitPrices";
/** The SDK's "incorrect account sequence" code. */
const WRONG_SEQUENCE_CODE = 32;

export interface SignerPosition {
  accountNumber: bigint;
  sequence: number;
}

export interface SequencedSenderOptions {
  /** The account's number and sequence as committed on chain. */
  fetchPosition(): Promise<SignerPosition>;
  /** Signs at `position` and broadcasts; returns the tx hash or throws the node's rejection. */
  send(position: SignerPosition): Promise<string>;
}

/** The sequence a node said it expected ("account sequence mismatch, expected 7, got 5"), if this is that error. */
export function expectedSequenceOf(e: unknown): number | undefined {
  if (!(e instanceof BroadcastTxError) || e.code !== WRONG_SEQUENCE_CODE) return undefined;
  const m = /expected (\d+)/.exec(e.log ?? "");
  return m === null ? undefined : Number(m[1]);
}

export function createSequencedSender(o: SequencedSenderOptions): () => Promise<Submission> {
  let position: SignerPosition | undefined;
  return async () => {
    position ??= await o.fetchPosition();
    let txhash: string;
    try {
      txhash = await o.send(position);
    } catch (e) {
      const expected = expectedSequenceOf(e);
      if (expected === undefined) {
        if (!(e instanceof BroadcastTxError)) position = undefined; // outcome unknown: re-read next round
        throw e;
      }
      position = { ...position, sequence: expected };
      txhash = await o.send(position);
    }
    const sent = position;
    position = { ...sent, sequence: sent.sequence + 1 };
    return { txhash, sequence: BigInt(sent.sequence) };
  };
}

export function submitPricesMsg(feeder: string, prices: ReadonlyMap<string, Dec>): EncodeObject {
  return {
    typeUrl: MSG_SUBMIT_PRICES_TYPE_URL,
    value: MsgSubmitPrices.fromPartial({
      feeder,
      prices: [...prices].map(([asset, price]) => ({ asset, price: decToString(price) })),
    }),
  };
}

export interface ChainSubmitterOptions {
  /** Built with createStrikeRegistry() so that MsgSubmitPrices can be encoded. */
  client: SigningStargateClient;
  feeder: string;
  chainId: string;
  fee: StdFee;
  memo?: string;
}

/** submit(prices) for runFeeder: one MsgSubmitPrices per round, broadcast without waiting for the block. */
export function createChainSubmitter(
  o: ChainSubmitterOptions,
): (prices: ReadonlyMap<string, Dec>) => Promise<Submission> {
  let pending: ReadonlyMap<string, Dec> = new Map();
  const sendNext = createSequencedSender({
    fetchPosition: () => o.client.getSequence(o.feeder),
    async send(position) {
      const raw = await o.client.sign(o.feeder, [submitPricesMsg(o.feeder, pending)], o.fee, o.memo ?? "", {
        ...position,
        chainId: o.chainId,
      });
      return o.client.broadcastTxSync(TxRaw.encode(raw).finish());
    },
  });
  return (prices) => {
    pending = prices;
    return sendNext();
  };
}
