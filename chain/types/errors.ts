/**
 * One error type for the whole chain. `codespace` is the module that registered the
 * code and `code` its number: both are consensus data (they reach tx results), so the
 * message must never contain stack traces or environment text.
 */
export class StrikeError extends Error {
  readonly codespace: string;
  readonly code: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(codespace: string, code: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "StrikeError";
    this.codespace = codespace;
    this.code = code;
    this.details = details;
  }
}

export function isStrikeError(e: unknown): e is StrikeError {
  return e instanceof StrikeError;
}

/** A registered error: call it to make a StrikeError with a specific message. */
export interface RegisteredError {
  readonly codespace: string;
  readonly code: number;
  readonly description: string;
  (message?: string, details?: Record<string, unknown>): StrikeError;
  is(e: unknown): boolean;
}

const registry = new Map<string, RegisteredError>();

/**
 * Registers a numeric code in a codespace, as Cosmos' `errors.Register` does. Codes are
 * consensus data: never renumber one that has shipped.
 */
export function registerError(codespace: string, code: number, description: string): RegisteredError {
  const id = `${codespace}/${code}`;
  if (registry.has(id)) {
    throw new Error(`error code ${id} registered twice`);
  }
  const make = ((message?: string, details?: Record<string, unknown>) =>
    new StrikeError(
      codespace,
      code,
      message === undefined ? description : `${message}: ${description}`,
      details ?? {},
    )) as RegisteredError;
  Object.assign(make, {
    codespace,
    code,
    description,
    is: (e: unknown) => e instanceof StrikeError && e.codespace === codespace && e.code === code,
  });
  registry.set(id, make);
  return make;
}

/**
 * The Cosmos SDK's root codespace: cosmjs and wallets interpret these numbers, so they
 * keep the SDK's values (types/errors/errors.go).
 */
export const sdkErrors = {
  txDecode: registerError("sdk", 2, "tx parse error"),
  invalidSequence: registerError("sdk", 3, "invalid sequence"),
  unauthorized: registerError("sdk", 4, "unauthorized"),
  insufficientFunds: registerError("sdk", 5, "insufficient funds"),
  unknownRequest: registerError("sdk", 6, "unknown request"),
  invalidAddress: registerError("sdk", 7, "invalid address"),
  invalidPubKey: registerError("sdk", 8, "invalid pubkey"),
  unknownAddress: registerError("sdk", 9, "unknown address"),
  invalidCoins: registerError("sdk", 10, "invalid coins"),
  outOfGas: registerError("sdk", 11, "out of gas"),
  memoTooLarge: registerError("sdk", 12, "memo too large"),
  insufficientFee: registerError("sdk", 13, "insufficient fee"),
  tooManySignatures: registerError("sdk", 14, "maximum number of signatures exceeded"),
  noSignatures: registerError("sdk", 15, "no signatures supplied"),
  invalidRequest: registerError("sdk", 18, "invalid request"),
  txInMempoolCache: registerError("sdk", 19, "tx already in mempool"),
  mempoolIsFull: registerError("sdk", 20, "mempool is full"),
  txTooLarge: registerError("sdk", 21, "tx too large"),
  keyNotFound: registerError("sdk", 22, "key not found"),
  wrongPassword: registerError("sdk", 23, "invalid account password"),
  invalidChainId: registerError("sdk", 28, "invalid chain-id"),
  invalidType: registerError("sdk", 29, "invalid type"),
  unknownExtensionOptions: registerError("sdk", 31, "unknown extension options"),
  wrongSequence: registerError("sdk", 32, "incorrect account sequence"),
  invalidGasLimit: registerError("sdk", 41, "invalid gas limit"),
  notFound: registerError("sdk", 38, "not found"),
  panic: registerError("undefined", 111222, "panic"),
} as const;
