/** Signed bank sends built directly with native secp256k1, fast enough not to bottleneck a benchmark. */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { toBech32 } from "@cosmjs/encoding";
import { TxRaw, TxBody, AuthInfo, SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";

const secp = createRequire(import.meta.url)("secp256k1") as {
  publicKeyCreate(k: Uint8Array, compressed?: boolean): Uint8Array;
  ecdsaSign(msg: Uint8Array, k: Uint8Array): { signature: Uint8Array };
};

export const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(b).digest());

export interface Sender {
  key: Uint8Array;
  pub: Uint8Array;
  address: string;
  accountNumber: bigint;
}

/** A sender whose private key is `key` (32 bytes, a valid secp256k1 scalar). */
export function senderFromKey(key: Uint8Array, accountNumber = 0n): Sender {
  const pub = secp.publicKeyCreate(key, true);
  const address = toBech32("strike", new Uint8Array(createHash("ripemd160").update(sha256(pub)).digest()));
  return { key, pub, address, accountNumber };
}

export function signSend(s: Sender, to: string, sequence: bigint, chainId: string): Uint8Array {
  const bodyBytes = TxBody.encode(
    TxBody.fromPartial({
      messages: [
        {
          typeUrl: "/cosmos.bank.v1beta1.MsgSend",
          value: MsgSend.encode({
            fromAddress: s.address,
            toAddress: to,
            amount: [{ denom: "uusdc", amount: "1" }],
          }).finish(),
        },
      ],
    }),
  ).finish();
  const authInfoBytes = AuthInfo.encode(
    AuthInfo.fromPartial({
      signerInfos: [
        {
          publicKey: { typeUrl: "/cosmos.crypto.secp256k1.PubKey", value: PubKey.encode({ key: s.pub }).finish() },
          modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
          sequence,
        },
      ],
      fee: { amount: [{ denom: "ustrike", amount: "5000" }], gasLimit: 200000n },
    }),
  ).finish();
  const signDoc = SignDoc.encode({ bodyBytes, authInfoBytes, chainId, accountNumber: s.accountNumber }).finish();
  return TxRaw.encode({
    bodyBytes,
    authInfoBytes,
    signatures: [secp.ecdsaSign(sha256(signDoc), s.key).signature],
  }).finish();
}
