/**
 * Signature verification ahead of CheckTx, off the main thread: the node hands a tx here as
 * it arrives (RPC or gossip); its signers' verification inputs are built exactly as the
 * ante's verifySignatures builds them (public key, digest of the SIGN_MODE_DIRECT sign doc
 * for the account's number and this chain, signature), verified by the pool, and the
 * results recorded in the signature cache. CheckTx then finds them there; the ante stays
 * the only judge (a tx this step could not prepare — bad bytes, unknown account — is left
 * for CheckTx to refuse with its usual error).
 */
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { sha256 } from "../crypto/hash.js";
import { txHash } from "../crypto/txHash.js";
import type { SignatureCache, SignatureClaim, SignatureInput } from "../crypto/sigCache.js";
import type { SignatureVerifier } from "../crypto/verifyPool.js";
import type { KVStore } from "../store/types.js";
import { signDocBytes, validateBasicTx, type AnteAccountKeeper } from "./ante/index.js";
import { signerPubKey } from "./ante/setPubKey.js";
import { createContext } from "./context.js";
import { createGasMeter } from "./gas.js";
import type { DecodedTxCache } from "./txCache.js";
import { decodeTx, type DecodedTx } from "./txDecode.js";
import type { BlockInfo, MsgRoute } from "./types.js";

export interface PreverifyEnv {
  msgRoutes: ReadonlyMap<string, MsgRoute<unknown>>;
  accounts: AnteAccountKeeper;
  sigCache: SignatureCache;
  decodedTxs: DecodedTxCache;
  maxTxBytes: number;
}

interface Pending {
  signerIndex: number;
  claim: SignatureClaim;
  input: SignatureInput;
}

/** The tx's decoded form (kept for CheckTx), or undefined when it does not decode or validate. */
function decoded(env: PreverifyEnv, bytes: Uint8Array, hash: Uint8Array): DecodedTx | undefined {
  const cached = env.decodedTxs.get(hash);
  if (cached !== undefined) return cached;
  try {
    const tx = decodeTx(bytes, env.msgRoutes, hash);
    validateBasicTx(tx);
    env.decodedTxs.add(tx);
    return tx;
  } catch {
    return undefined;
  }
}

/** The signers' verification inputs not yet in the cache, read from `store` (the check state). */
export function pendingSignatures(
  env: PreverifyEnv,
  store: KVStore,
  block: BlockInfo,
  bytes: Uint8Array,
): { hash: Uint8Array; pending: Pending[] } | undefined {
  if (bytes.length > env.maxTxBytes) return undefined;
  const hash = txHash(bytes);
  const tx = decoded(env, bytes, hash);
  if (tx === undefined) return undefined;
  // Reads only; an unmetered context over the check state.
  const ctx = createContext({ block, mode: "check", store, gasMeter: createGasMeter(undefined) });
  const pending: Pending[] = [];
  for (const [i, signer] of tx.signers.entries()) {
    const info = tx.authInfo.signerInfos[i];
    if (info?.modeInfo?.single?.mode !== SignMode.SIGN_MODE_DIRECT) continue;
    let account;
    let pubkey: Uint8Array | undefined;
    try {
      account = env.accounts.getAccount(ctx, signer);
      pubkey = account?.pubKey ?? signerPubKey(info.publicKey, i);
    } catch {
      continue;
    }
    if (account === undefined || pubkey === undefined) continue;
    const claim: SignatureClaim = {
      pubkey,
      signature: tx.signatures[i]!,
      chainId: block.chainId,
      accountNumber: account.accountNumber,
    };
    if (env.sigCache.lookup(hash, i, claim) !== undefined) continue;
    const digest = sha256(signDocBytes(tx.bodyBytes, tx.authInfoBytes, block.chainId, account.accountNumber));
    pending.push({ signerIndex: i, claim, input: { pubkey, digest, signature: claim.signature } });
  }
  return { hash, pending };
}

/** Verifies what `pendingSignatures` found in `verifier` and records the results. */
export async function preverifySignatures(
  env: PreverifyEnv,
  verifier: SignatureVerifier,
  prepared: { hash: Uint8Array; pending: Pending[] } | undefined,
): Promise<void> {
  if (prepared === undefined || prepared.pending.length === 0) return;
  const results = await verifier.verify(prepared.pending.map((p) => p.input));
  prepared.pending.forEach((p, i) => env.sigCache.record(prepared.hash, p.signerIndex, p.claim, results[i] === true));
}
