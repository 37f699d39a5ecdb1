/**
 * SIGN_MODE_DIRECT verification: the sign doc is rebuilt from the exact body and auth-info
 * bytes plus this chain's id and the account's number, so a wrong chain id or account
 * number fails here (sdk 4). The sequence is checked first (sdk 32, Cosmos' wording).
 * A signature is verified once per tx: the cache (crypto/sigCache.ts) holds the result of
 * verifying exactly these bytes, filled by the node's verifier pool ahead of CheckTx
 * (runtime/preverify.ts) or here, and read again by re-checks, the sequencer and the block.
 */
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { sha256 } from "../../crypto/hash.js";
import { sdkErrors } from "../../types/errors.js";
import { ProtoWriter } from "../protoWire.js";
import type { AnteStep } from "./types.js";

export function signDocBytes(
  bodyBytes: Uint8Array,
  authInfoBytes: Uint8Array,
  chainId: string,
  accountNumber: bigint,
): Uint8Array {
  // cosmos.tx.v1beta1.SignDoc, written as cosmjs-types writes it.
  return new ProtoWriter()
    .bytes(1, bodyBytes)
    .bytes(2, authInfoBytes)
    .string(3, chainId)
    .uint64(4, accountNumber)
    .finish();
}

export const verifySignatures: AnteStep = (ctx, tx, env) => {
  tx.signers.forEach((signer, i) => {
    const info = tx.authInfo.signerInfos[i]!;
    const account = env.accounts.getAccount(ctx, signer);
    if (account === undefined) throw sdkErrors.unknownAddress(`account ${signer} does not exist`);
    if (info.sequence !== account.sequence) {
      throw sdkErrors.wrongSequence(`account sequence mismatch, expected ${account.sequence}, got ${info.sequence}`);
    }
    if (ctx.mode === "simulate") return;
    const mode = info.modeInfo?.single?.mode;
    if (mode !== SignMode.SIGN_MODE_DIRECT)
      throw sdkErrors.unauthorized(`unsupported sign mode at signer index ${i}; only SIGN_MODE_DIRECT is accepted`);
    if (account.pubKey === undefined) throw sdkErrors.invalidPubKey("pubkey on account is not set");
    const claim = {
      pubkey: account.pubKey,
      signature: tx.signatures[i]!,
      chainId: ctx.block.chainId,
      accountNumber: account.accountNumber,
    };
    let valid = env.sigCache.lookup(tx.hash, i, claim);
    if (valid === undefined) {
      const digest = sha256(signDocBytes(tx.bodyBytes, tx.authInfoBytes, claim.chainId, claim.accountNumber));
      valid = env.verify(claim.pubkey, digest, claim.signature);
      env.sigCache.record(tx.hash, i, claim, valid);
    }
    if (!valid) {
      throw sdkErrors.unauthorized(
        `signature verification failed; please verify account number (${account.accountNumber}), sequence (${account.sequence}) and chain-id (${ctx.block.chainId})`,
      );
    }
  });
};
