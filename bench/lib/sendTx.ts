/** Signed bank sends built directly with native secp256k1, fast enough not to bottleneck a benchmark. */
import { TxRaw, TxBody, AuthInfo, SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { addressToBech32, secp256k1PubKeyToAddressBytes } from "../../chain/crypto/address.js";
import { secp256k1PublicKey, signSecp256k1 } from "../../chain/crypto/secp256k1.js";

export { sha256 } from "../../chain/crypto/hash.js";

export interface Sender {
  key: Uint8Array;
  pub: Uint8Array;
  address: string;
  accountNumber: bigint;
}

/** A sender whose private key is `key` (32 bytes, a valid secp256k1 scalar). */
export function senderFromKey(key: Uint8Array, accountNumber = 0n): Sender {
  const pub = secp256k1PublicKey(key);
  const address = addressToBech32(secp256k1PubKeyToAddressBytes(pub));
  return { key, pub, address, accountNumber };
}

export function signSend(s: Sender, to: string, sequence: bigint, chainId: string): Uint8Array {
  const send = {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: MsgSend.encode({
      fromAddress: s.address,
      toAddress: to,
      amount: [{ denom: "uusdc", amount: "1" }],
    }).finish(),
  };
  return signMessages(s, [send], sequence, chainId);
}

/** A tx of already-encoded messages, signed SIGN_MODE_DIRECT by `s`. */
export function signMessages(
  s: Sender,
  messages: { typeUrl: string; value: Uint8Array }[],
  sequence: bigint,
  chainId: string,
  gasLimit = 200000n,
): Uint8Array {
  const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages })).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: PubKey.encode({ key: s.pub }).finish() },
          modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
          sequence,
        },
      ],
      fee: { amount: [{ denom: "ustrike", amount: (gasLimit / 40n).toString() }], gasLimit },
    }),
  ).finish();
  const signDoc = SignDoc.encode({ bodyBytes, authInfoBytes, chainId, accountNumber: s.accountNumber }).finish();
  return TxRaw.encode({
    bodyBytes,
    authInfoBytes,
    signatures: [signSecp256k1(s.key, signDoc)],
  }).finish();
}
