export type { PriceSource } from "./source.js";
export { feederErrors } from "./errors.js";
export { createSimulatedSource, simulatedShock, type SimulatedSourceOptions } from "./simulatedSource.js";
export {
  createHttpJsonSource,
  pickField,
  priceFromJson,
  DEFAULT_HTTP_TIMEOUT_MS,
  type HttpJsonSourceOptions,
} from "./httpJsonSource.js";
export { runFeeder, formatPrice, type RunFeederOptions, type FeederStats, type Submission } from "./runFeeder.js";
export {
  createChainSubmitter,
  createSequencedSender,
  expectedSequenceOf,
  submitPricesMsg,
  MSG_SUBMIT_PRICES_TYPE_URL,
  type ChainSubmitterOptions,
  type SequencedSenderOptions,
  type SignerPosition,
} from "./submitter.js";
