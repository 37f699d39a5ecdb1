/**
 * The home's fee-paying account (its feeder key) as the in-node services use it: the price
 * feeder, the checkpoint signer and the deposit watcher sign their messages with it and hand
 * them to this node's mempool. The account number and sequence are read from state once and
 * then counted here. The services share the key, so a tx refused for a wrong sequence is
 * signed again, once, at the sequence the node names; any other refusal forgets the count.
 */
import { DirectSecp256k1Wallet, type EncodeObject } from "@cosmjs/proto-signing";
import { SigningStargateClient, type StdFee } from "@cosmjs/stargate";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { createStrikeRegistry } from "../chain/codec/registry.js";
import { BECH32_PREFIX } from "../chain/crypto/address.js";
import type { FeederKey } from "../chain/node/feederKey.js";
import type { TxResult } from "../chain/types/abci.js";

/** The ante's wrong-sequence code (codespace "sdk"). */
const WRONG_SEQUENCE = 32;

export interface AccountPosition {
  accountNumber: bigint;
  sequence: number;
}

/** The number and sequence of an auth query's account (a BaseAccount). */
export function accountPosition(account: Any): AccountPosition {
  const acc = BaseAccount.decode(account.value);
  return { accountNumber: acc.accountNumber, sequence: Number(acc.sequence) };
}

export interface NodeAccountOptions {
  key: Pick<FeederKey, "privKey" | "address">;
  chainId: string;
  fee: StdFee;
  /** The account's number and sequence in committed state (the caller's errors if it cannot). */
  readPosition(): Promise<AccountPosition>;
  /** Admits a tx to this node's mempool, as broadcast_tx_sync does. */
  submitTx(tx: Uint8Array): TxResult;
}

export interface Sent {
  tx: Uint8Array;
  result: TxResult;
  /** The sequence the tx was signed at. */
  sequence: number;
}

export interface NodeAccount {
  /** Signs `msgs` at the next sequence and submits them; the caller judges `result`. */
  send(msgs: EncodeObject[]): Promise<Sent>;
}

export async function createNodeAccount(o: NodeAccountOptions): Promise<NodeAccount> {
  const wallet = await DirectSecp256k1Wallet.fromKey(o.key.privKey, BECH32_PREFIX);
  const signer = await SigningStargateClient.offline(wallet, { registry: createStrikeRegistry() });
  let position: AccountPosition | undefined;

  const signAndSubmit = async (msgs: EncodeObject[], at: AccountPosition): Promise<Sent> => {
    const raw = await signer.sign(o.key.address, msgs, o.fee, "", { ...at, chainId: o.chainId });
    const tx = TxRaw.encode(raw).finish();
    return { tx, result: o.submitTx(tx), sequence: at.sequence };
  };

  return {
    async send(msgs) {
      position ??= await o.readPosition();
      let sent = await signAndSubmit(msgs, position);
      const expected = /expected (\d+)/.exec(sent.result.log);
      if (sent.result.code === WRONG_SEQUENCE && sent.result.codespace === "sdk" && expected !== null) {
        position = { ...position, sequence: Number(expected[1]) };
        sent = await signAndSubmit(msgs, position);
      }
      position = sent.result.code === 0 ? { ...position, sequence: position.sequence + 1 } : undefined;
      return sent;
    },
  };
}

/** "5000ustrike,10uusdc" as coins; for text that is not that, throws `bad(text)` (the caller's own error). */
export function parseFeeCoins(text: string, bad: (text: string) => Error): { denom: string; amount: string }[] {
  return text
    .split(",")
    .filter((x) => x !== "")
    .map((part) => {
      const m = /^(\d+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/.exec(part.trim());
      if (m === null) throw bad(text);
      return { amount: m[1]!, denom: m[2]! };
    });
}
