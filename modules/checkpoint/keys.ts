/**
 * checkpoint store layout (inside "checkpoint/"). Heights are big-endian u64 so that
 * checkpoints iterate in height order; addresses are raw bytes.
 *
 *   0x00                       params
 *   0x01 | height              checkpoint
 *   0x02 | height | operator   a validator's signature on that checkpoint
 *   0x03 | operator            the validator's registered Ethereum address
 *   0x04 | eth address         the operator that registered it (a key is registered once)
 *   0x05                       the signing set: the set the L1 contract holds (or will, once relayed)
 *   0x06                       latest checkpoint height
 *   0x07 | operator | height   a fault already punished (equivocation or forged checkpoint)
 *   0x08 | operator            the validator's registered BLS key and proof of possession
 *   0x09 | keccak256(bls key)  the operator that registered it
 *   0x0a                       the height below which no plain checkpoint is left (pruning resumes there)
 */
export const MODULE_NAME = "checkpoint";
export const STORE_KEY = "checkpoint";

export const PARAMS_KEY = Uint8Array.of(0x00);
export const CHECKPOINTS_PREFIX = Uint8Array.of(0x01);
export const SIGNATURES_PREFIX = Uint8Array.of(0x02);
export const ETH_KEYS_PREFIX = Uint8Array.of(0x03);
export const ETH_OWNERS_PREFIX = Uint8Array.of(0x04);
export const SIGNING_SET_KEY = Uint8Array.of(0x05);
export const LATEST_KEY = Uint8Array.of(0x06);
export const EQUIVOCATIONS_PREFIX = Uint8Array.of(0x07);
export const BLS_KEYS_PREFIX = Uint8Array.of(0x08);
export const BLS_OWNERS_PREFIX = Uint8Array.of(0x09);
export const PRUNED_BELOW_KEY = Uint8Array.of(0x0a);

export const MSG_REGISTER_ETH_KEY_TYPE_URL = "/strike.checkpoint.v1.MsgRegisterEthKey";
export const MSG_REGISTER_ETH_KEY_RESPONSE_TYPE_URL = "/strike.checkpoint.v1.MsgRegisterEthKeyResponse";
export const MSG_REGISTER_BLS_KEY_TYPE_URL = "/strike.checkpoint.v1.MsgRegisterBlsKey";
export const MSG_REGISTER_BLS_KEY_RESPONSE_TYPE_URL = "/strike.checkpoint.v1.MsgRegisterBlsKeyResponse";
export const MSG_SIGN_CHECKPOINT_TYPE_URL = "/strike.checkpoint.v1.MsgSignCheckpoint";
export const MSG_SIGN_CHECKPOINT_RESPONSE_TYPE_URL = "/strike.checkpoint.v1.MsgSignCheckpointResponse";
export const MSG_EQUIVOCATION_TYPE_URL = "/strike.checkpoint.v1.MsgCheckpointEquivocation";
export const MSG_EQUIVOCATION_RESPONSE_TYPE_URL = "/strike.checkpoint.v1.MsgCheckpointEquivocationResponse";
export const MSG_FORGED_CHECKPOINT_TYPE_URL = "/strike.checkpoint.v1.MsgForgedCheckpoint";
export const MSG_FORGED_CHECKPOINT_RESPONSE_TYPE_URL = "/strike.checkpoint.v1.MsgForgedCheckpointResponse";
export const QUERY_PATH_PREFIX = "/strike.checkpoint.v1.Query/";
