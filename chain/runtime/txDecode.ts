/**
 * Decodes a Cosmos TxRaw, keeping the body and auth-info bytes exactly as signed (the sign
 * doc is rebuilt from them, never from re-encoded structs), and resolves each message
 * through the router: an unknown type URL is a decode error (sdk code 2), as in Cosmos.
 * As Cosmos, it first refuses a non-canonical envelope and unknown fields (txCanonical.ts).
 */
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { PubKey as Ed25519PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { PubKey as Secp256k1PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { txHash } from "../crypto/txHash.js";
import { StrikeError, sdkErrors } from "../types/errors.js";
import { assertCanonicalTxRaw, decodeStrict } from "./txCanonical.js";
import type { AnyMsg, MsgRoute } from "./types.js";

export interface DecodedMsg {
  any: AnyMsg;
  route: MsgRoute<unknown>;
  msg: unknown;
}

export interface DecodedTx {
  bytes: Uint8Array;
  /** sha256 of the tx bytes: CometBFT's tx hash. */
  hash: Uint8Array;
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  signatures: Uint8Array[];
  body: TxBody;
  authInfo: AuthInfo;
  msgs: DecodedMsg[];
  /** Distinct msg signers in order of first appearance (Cosmos GetSigners). */
  signers: string[];
}

/** Public key types whose encoding is checked for unknown fields; others are refused later by the ante. */
const publicKeyDecoders = new Map<string, (b: Uint8Array) => unknown>([
  ["/cosmos.crypto.secp256k1.PubKey", (b) => Secp256k1PubKey.decode(b)],
  ["/cosmos.crypto.ed25519.PubKey", (b) => Ed25519PubKey.decode(b)],
]);

/** `hash` may be passed when the caller already has sha256(bytes). */
export function decodeTx(
  bytes: Uint8Array,
  msgRoutes: ReadonlyMap<string, MsgRoute<unknown>>,
  hash?: Uint8Array,
): DecodedTx {
  let raw: TxRaw;
  assertCanonicalTxRaw(bytes);
  try {
    raw = TxRaw.decode(bytes);
  } catch (e) {
    throw sdkErrors.txDecode(`malformed tx bytes (${e instanceof Error ? e.message : "decode error"})`);
  }
  const body = decodeStrict((b) => TxBody.decode(b), raw.bodyBytes, { what: "TxBody", allowNonCritical: true });
  const authInfo = decodeStrict((b) => AuthInfo.decode(b), raw.authInfoBytes, {
    what: "AuthInfo",
    allowNonCritical: false,
  });
  for (const [i, signer] of authInfo.signerInfos.entries()) {
    const key = signer.publicKey;
    const decodeKey = key === undefined ? undefined : publicKeyDecoders.get(key.typeUrl);
    if (key !== undefined && decodeKey !== undefined) {
      decodeStrict(decodeKey, key.value, { what: `public key of signer ${i}`, allowNonCritical: false });
    }
  }
  const msgs = body.messages.map((any, i): DecodedMsg => {
    const route = msgRoutes.get(any.typeUrl);
    if (route === undefined) throw sdkErrors.txDecode(`unable to resolve type URL ${any.typeUrl}`);
    try {
      // Messages are part of the body, so Cosmos tolerates their non-critical fields too.
      const msg = decodeStrict(
        (b) => route.decode(b),
        any.value,
        {
          what: `message ${i} (${any.typeUrl})`,
          allowNonCritical: true,
        },
        any.typeUrl.startsWith("/strike."),
      );
      return { any: { typeUrl: any.typeUrl, value: any.value }, route, msg };
    } catch (e) {
      if (e instanceof StrikeError) throw e;
      throw sdkErrors.txDecode(`malformed message ${i} (${any.typeUrl})`);
    }
  });
  const signers: string[] = [];
  for (const m of msgs) for (const s of m.route.signers(m.msg)) if (!signers.includes(s)) signers.push(s);
  return {
    bytes,
    hash: hash ?? txHash(bytes),
    bodyBytes: raw.bodyBytes,
    authInfoBytes: raw.authInfoBytes,
    signatures: raw.signatures,
    body,
    authInfo,
    msgs,
    signers,
  };
}
