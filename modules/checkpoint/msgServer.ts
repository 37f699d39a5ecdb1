/** checkpoint's messages, one thin handler each: validate, call the keeper. */
import {
  MsgCheckpointEquivocation,
  MsgCheckpointEquivocationResponse,
  MsgForgedCheckpoint,
  MsgForgedCheckpointResponse,
  MsgRegisterBlsKey,
  MsgRegisterBlsKeyResponse,
  MsgRegisterEthKey,
  MsgRegisterEthKeyResponse,
  MsgSignCheckpoint,
  MsgSignCheckpointResponse,
} from "../../chain/codec/generated/strike/checkpoint/v1/tx.js";
import type { SignedCheckpointFields } from "../../chain/codec/generated/strike/checkpoint/v1/checkpoint.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import type { MsgRoute } from "../../chain/runtime/types.js";
import { equalBytes } from "../../chain/types/bytes.js";
import { sdkErrors } from "../../chain/types/errors.js";
import { checkpointErrors } from "./errors.js";
import { recoverSigner, registrationDigest, type DigestFields } from "./ethSig.js";
import type { CheckpointKeeper } from "./keeper.js";
import {
  MODULE_NAME,
  MSG_EQUIVOCATION_RESPONSE_TYPE_URL,
  MSG_EQUIVOCATION_TYPE_URL,
  MSG_FORGED_CHECKPOINT_RESPONSE_TYPE_URL,
  MSG_FORGED_CHECKPOINT_TYPE_URL,
  MSG_REGISTER_BLS_KEY_RESPONSE_TYPE_URL,
  MSG_REGISTER_BLS_KEY_TYPE_URL,
  MSG_REGISTER_ETH_KEY_RESPONSE_TYPE_URL,
  MSG_REGISTER_ETH_KEY_TYPE_URL,
  MSG_SIGN_CHECKPOINT_RESPONSE_TYPE_URL,
  MSG_SIGN_CHECKPOINT_TYPE_URL,
} from "./keys.js";
import { encodeMessage } from "../../chain/codec/encode.js";

function checkAddress(field: string, address: string): void {
  if (!isValidAddress(address)) throw sdkErrors.invalidAddress(`invalid ${field} "${address.slice(0, 100)}"`);
}

/** "0x" and 40 hex digits, not the zero address → 20 bytes. */
export function parseEthAddress(text: string): Uint8Array {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) throw checkpointErrors.badEthAddress(`got "${text.slice(0, 60)}"`);
  const out = Uint8Array.from(Buffer.from(text.slice(2), "hex"));
  if (out.every((b) => b === 0)) throw checkpointErrors.badEthAddress("the zero address");
  return out;
}

export function msgRegisterEthKeyRoute(keeper: CheckpointKeeper): MsgRoute<MsgRegisterEthKey> {
  return {
    typeUrl: MSG_REGISTER_ETH_KEY_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgRegisterEthKey.decode(b),
    signers: (msg) => [msg.operator],
    validateBasic(msg) {
      checkAddress("operator", msg.operator);
      parseEthAddress(msg.ethAddress);
      if (msg.proof.length !== 65) throw checkpointErrors.badProof("the proof must be a 65-byte signature");
    },
    handle(ctx, msg) {
      const address = parseEthAddress(msg.ethAddress);
      let signer: Uint8Array;
      try {
        signer = recoverSigner(registrationDigest(ctx.block.chainId, msg.operator), msg.proof);
      } catch {
        throw checkpointErrors.badProof();
      }
      if (!equalBytes(signer, address)) throw checkpointErrors.badProof(`it recovers to another address`);
      keeper.registerEthKey(ctx, msg.operator, address);
      return {
        typeUrl: MSG_REGISTER_ETH_KEY_RESPONSE_TYPE_URL,
        value: encodeMessage(MsgRegisterEthKeyResponse, {}),
      };
    },
  };
}

export function msgRegisterBlsKeyRoute(keeper: CheckpointKeeper): MsgRoute<MsgRegisterBlsKey> {
  return {
    typeUrl: MSG_REGISTER_BLS_KEY_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgRegisterBlsKey.decode(b),
    signers: (msg) => [msg.operator],
    validateBasic(msg) {
      checkAddress("operator", msg.operator);
      if (msg.publicKey.length !== 128) throw checkpointErrors.badBlsKey(`got ${msg.publicKey.length} bytes`);
      if (msg.proofOfPossession.length !== 256)
        throw checkpointErrors.badBlsProof(`the proof must be 256 bytes, got ${msg.proofOfPossession.length}`);
      if (msg.operatorSignature.length !== 256)
        throw checkpointErrors.badBlsProof(
          `the operator signature must be 256 bytes, got ${msg.operatorSignature.length}`,
        );
    },
    handle(ctx, msg) {
      keeper.registerBlsKey(ctx, msg.operator, msg.publicKey, msg.proofOfPossession, msg.operatorSignature);
      return {
        typeUrl: MSG_REGISTER_BLS_KEY_RESPONSE_TYPE_URL,
        value: encodeMessage(MsgRegisterBlsKeyResponse, {}),
      };
    },
  };
}

export function msgSignCheckpointRoute(keeper: CheckpointKeeper): MsgRoute<MsgSignCheckpoint> {
  return {
    typeUrl: MSG_SIGN_CHECKPOINT_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgSignCheckpoint.decode(b),
    signers: (msg) => [msg.submitter],
    validateBasic(msg) {
      checkAddress("submitter", msg.submitter);
      checkAddress("validator", msg.validator);
      // 65 bytes under ecdsa, 256 under bls: the keeper checks the one its scheme takes.
      if (msg.signature.length !== 65 && msg.signature.length !== 256)
        throw checkpointErrors.badSignature(`got ${msg.signature.length} bytes`);
    },
    handle(ctx, msg) {
      const complete = keeper.signCheckpoint(ctx, msg.height, msg.validator, msg.signature);
      return {
        typeUrl: MSG_SIGN_CHECKPOINT_RESPONSE_TYPE_URL,
        value: encodeMessage(MsgSignCheckpointResponse, { complete }),
      };
    },
  };
}

/** The signed fields and their signature; `malformed` is the error of the message they came in. */
function fieldsOf(
  f: SignedCheckpointFields | undefined,
  malformed: (m: string) => Error = checkpointErrors.notEquivocation,
  missing = "both signed checkpoints are required",
): [DigestFields, Uint8Array] {
  if (f === undefined) throw malformed(missing);
  for (const b of [f.appHash, f.blockHash, f.withdrawalRoot, f.exitRoot])
    if (b.length !== 32) throw malformed("app hash, block hash and roots are 32 bytes each");
  if (f.nextValidatorSetHash.length !== 0 && f.nextValidatorSetHash.length !== 32)
    throw malformed("the next set hash is 32 bytes or empty");
  return [f, f.signature];
}

export function msgCheckpointEquivocationRoute(keeper: CheckpointKeeper): MsgRoute<MsgCheckpointEquivocation> {
  return {
    typeUrl: MSG_EQUIVOCATION_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgCheckpointEquivocation.decode(b),
    signers: (msg) => [msg.submitter],
    validateBasic(msg) {
      checkAddress("submitter", msg.submitter);
      checkAddress("validator", msg.validator);
      fieldsOf(msg.first);
      fieldsOf(msg.second);
    },
    handle(ctx, msg) {
      const [a, sigA] = fieldsOf(msg.first);
      const [b, sigB] = fieldsOf(msg.second);
      keeper.punishEquivocation(ctx, msg.validator, a, sigA, b, sigB);
      return {
        typeUrl: MSG_EQUIVOCATION_RESPONSE_TYPE_URL,
        value: encodeMessage(MsgCheckpointEquivocationResponse, {}),
      };
    },
  };
}

const forgedFieldsOf = (msg: MsgForgedCheckpoint) =>
  fieldsOf(msg.signed, checkpointErrors.badSignedCheckpoint, "the signed checkpoint is required");

export function msgForgedCheckpointRoute(keeper: CheckpointKeeper): MsgRoute<MsgForgedCheckpoint> {
  return {
    typeUrl: MSG_FORGED_CHECKPOINT_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgForgedCheckpoint.decode(b),
    signers: (msg) => [msg.submitter],
    validateBasic(msg) {
      checkAddress("submitter", msg.submitter);
      checkAddress("validator", msg.validator);
      const [, signature] = forgedFieldsOf(msg);
      // 65 bytes under ecdsa, 256 under bls: the keeper checks the one its scheme takes.
      if (signature.length !== 65 && signature.length !== 256)
        throw checkpointErrors.badSignature(`got ${signature.length} bytes`);
    },
    handle(ctx, msg) {
      const [fields, signature] = forgedFieldsOf(msg);
      keeper.punishForgedCheckpoint(ctx, msg.validator, fields, signature);
      return {
        typeUrl: MSG_FORGED_CHECKPOINT_RESPONSE_TYPE_URL,
        value: encodeMessage(MsgForgedCheckpointResponse, {}),
      };
    },
  };
}
