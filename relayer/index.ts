export {
  startRelayer,
  nextToRelay,
  revertNameOf,
  errorKindOf,
  type Relayer,
  type RelayerOptions,
  type RelayerStatus,
} from "./relayer.js";
export { createStrikeSource, type StrikeSource, type ChainCheckpoint } from "./strikeSource.js";
export { checkpointCall, encodeSet, l1SetOf, type CheckpointCall } from "./calldata.js";
export { blsCheckpointCall, blsL1SetOf, checkpointCallFor, isBlsCheckpoint } from "./blsCalldata.js";
export { startStatusServer, type StatusServer } from "./statusServer.js";
export { relayerErrors } from "./errors.js";
export { createRelayerMetrics, type RelayerMetrics } from "./metrics.js";
export {
  blsSetKeys,
  createBlsRegistrationSource,
  registerMissingBlsKeys,
  type BlsRegistrationSource,
} from "./blsKeys.js";
export { createEvidenceSource, type EvidenceSource } from "./evidenceSource.js";
export { judgeLanded, evidenceHorizonOf, type LandedVerdict, type ChainView } from "./forgedCheck.js";
export {
  createForgedReporter,
  reportOutcomeKind,
  type ForgedReporter,
  type ForgedReportOutcome,
} from "./forgedReporter.js";
export { createForgedWatch, reportForgedCommand, signedFieldsOf, type ForgedWatch } from "./forgedWatch.js";
export {
  decodeEcdsaSignatures,
  decodeLandedCheckpoint,
  landedDigest,
  recoverLandedSigners,
  type LandedCheckpoint as LandedCalldata,
  type LandedFields,
  type LandedSignature,
} from "./landedCalldata.js";
