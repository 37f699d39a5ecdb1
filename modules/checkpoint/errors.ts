/** checkpoint's registered codes: consensus data, never renumber one. */
import { registerError } from "../../chain/types/errors.js";
import { MODULE_NAME } from "./keys.js";

export const checkpointErrors = {
  unknownCheckpoint: registerError(MODULE_NAME, 2, "no checkpoint at that height"),
  noDomain: registerError(MODULE_NAME, 3, "checkpoints are not signed: the genesis sets no L1 chain id and contract"),
  notInSet: registerError(MODULE_NAME, 4, "the validator is not in the set that signs this checkpoint"),
  noEthKey: registerError(MODULE_NAME, 5, "the validator has no registered Ethereum key: register one first"),
  badSignature: registerError(MODULE_NAME, 6, "invalid checkpoint signature: it must be 65 bytes r||s||v, low s"),
  wrongSigner: registerError(MODULE_NAME, 7, "the signature does not recover to the validator's Ethereum address"),
  duplicateSignature: registerError(MODULE_NAME, 8, "the validator already signed this checkpoint"),
  keyTaken: registerError(MODULE_NAME, 9, "that Ethereum address is already registered"),
  keyAlreadySet: registerError(MODULE_NAME, 10, "the validator already registered an Ethereum key"),
  notValidator: registerError(MODULE_NAME, 11, "not a validator operator"),
  badEthAddress: registerError(MODULE_NAME, 12, "invalid Ethereum address: use 0x and 40 hex digits, not zero"),
  badProof: registerError(MODULE_NAME, 13, "the proof is not the Ethereum key's signature of the registration"),
  notEquivocation: registerError(
    MODULE_NAME,
    14,
    "not an equivocation: two signatures of one key over different digests for one height are needed",
  ),
  alreadyPunished: registerError(
    MODULE_NAME,
    15,
    "already punished: a validator is punished once per height for an equivocation or a forged checkpoint",
  ),
  badRoot: registerError(MODULE_NAME, 16, "a bridge root must be 32 bytes"),
  noBlsKey: registerError(MODULE_NAME, 17, "the validator has no registered BLS key: register one first"),
  badBlsKey: registerError(
    MODULE_NAME,
    18,
    "invalid BLS key: a 128-byte EIP-2537 G1 point in the subgroup, not infinity",
  ),
  badBlsProof: registerError(
    MODULE_NAME,
    19,
    "the proof of possession is not the BLS key's signature of its own encoding",
  ),
  blsKeyTaken: registerError(MODULE_NAME, 20, "that BLS key is already registered"),
  blsKeyAlreadySet: registerError(MODULE_NAME, 21, "the validator already registered a BLS key"),
  wrongBlsSigner: registerError(
    MODULE_NAME,
    22,
    "the BLS signature is not the validator's key's over the checkpoint digest",
  ),
  expiredEvidence: registerError(
    MODULE_NAME,
    23,
    "the evidence is too old to judge: its height is below the checkpoint evidence horizon (keep_heights below the newest checkpoint)",
  ),
  notCheckpointedYet: registerError(
    MODULE_NAME,
    24,
    "the height is above the newest checkpoint: the chain may yet record that digest, so it cannot be judged; report it once a checkpoint at or above that height is recorded",
  ),
  notForged: registerError(
    MODULE_NAME,
    25,
    "not a forged checkpoint: the signed digest is the chain's own checkpoint at that height, which is what honest validators sign",
  ),
  badSignedCheckpoint: registerError(
    MODULE_NAME,
    26,
    "malformed signed checkpoint: app hash, block hash, withdrawal and exit roots are 32 bytes each, the next set hash 32 bytes or empty",
  ),
  invalidGenesis: registerError(MODULE_NAME, 100, "invalid checkpoint genesis"),
};
