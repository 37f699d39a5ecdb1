/**
 * Decodes a Cosmos TxRaw, keeping the body and auth-info bytes exactly as signed (the sign
 * doc is rebuilt from them, never from re-encoded structs), and resolves each message
 * through the router: an unknown type URL is a decode error (sdk code 2), as in Cosmos.
 */
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { sha256 } from "../crypto/hash.js";
import { StrikeError, sdkErrors } from "../types/errors.js";
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

/** `hash` may be passed when the caller already has sha256(bytes). */
export function decodeTx(
  bytes: Uint8Array,
  msgRoutes: ReadonlyMap<string, MsgRoute<unknown>>,
  hash?: Uint8Array,
): DecodedTx {
  let raw: TxRaw;
  let body: TxBody;
  let authInfo: AuthInfo;
  try {
    raw = TxRaw.decode(bytes);
    body = TxBody.decode(raw.bodyBytes);
    authInfo = AuthInfo.decode(raw.authInfoBytes);
  } catch (e) {
    throw sdkErrors.txDecode(`malformed tx bytes (${e instanceof Error ? e.message : "decode error"})`);
  }
  const msgs = body.messages.map((any, i): DecodedMsg => {
    const route = msgRoutes.get(any.typeUrl);
    if (route === undefined) throw sdkErrors.txDecode(`unable to resolve type URL ${any.typeUrl}`);
    try {
      return { any: { typeUrl: any.typeUrl, value: any.value }, route, msg: route.decode(any.value) };
    } catch (e) {
      if (e instanceof StrikeError) throw e;
      throw sdkErrors.txDecode(`malformed message ${i} (${any.typeUrl})`);
    }
  });
  const signers: string[] = [];
  for (const m of msgs) for (const s of m.route.signers(m.msg)) if (!signers.includes(s)) signers.push(s);
  return {
    bytes,
    hash: hash ?? sha256(bytes),
    bodyBytes: raw.bodyBytes,
    authInfoBytes: raw.authInfoBytes,
    signatures: raw.signatures,
    body,
    authInfo,
    msgs,
    signers,
  };
}
