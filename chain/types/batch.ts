/**
 * The one write path of a block: everything a block changes goes into one batch, written
 * atomically. Declared here, in the lowest layer, because both the ABCI application
 * interface (`commit(batch)`) and the store speak it; the store's backends implement it.
 */
export interface WriteBatch {
  /** Copies the key and value: the caller may reuse their bytes at once (the state tree refills the buffer its records are views of). */
  put(key: Uint8Array, value: Uint8Array): void;
  del(key: Uint8Array): void;
  write(): Promise<void>;
  readonly length: number;
}
