/**
 * A node's soft-finality wiring (chain/sequencer/service.ts) on the memory store, for what a
 * node does with the receipts its peers relay: no mempool, no height ever opened. A full node
 * by default; a validator when given its ed25519 seed.
 */
import { ed25519Address } from "../../chain/crypto/ed25519.js";
import type { Mempool } from "../../chain/mempool/mempool.js";
import { openSequencing, type Sequencing } from "../../chain/sequencer/service.js";
import { createMemoryDatabase } from "../../chain/store/memoryDb.js";

/** A mempool nothing is admitted to. */
export const noMempool: Mempool = {
  checkAndAdd: () => {
    throw new TypeError("not used");
  },
  reap: () => [],
  update: () => {},
  size: () => 0,
  sizeBytes: () => 0,
  txs: () => [],
  onTxAvailable: () => {},
  has: () => false,
};

export function openRelayingNode(o: {
  chainId: string;
  /** The validator set's keys, 10 voting power each. */
  validators: readonly { publicKey: Uint8Array }[];
  /** This node's validator seed; a full node without it. */
  validatorSeed?: Uint8Array;
}): Promise<Sequencing> {
  const set = o.validators.map((s) => ({
    address: ed25519Address(s.publicKey),
    pubKey: s.publicKey,
    votingPower: 10n,
    proposerPriority: 0n,
  }));
  return openSequencing({
    db: createMemoryDatabase(),
    chainId: o.chainId,
    initialHeight: 1n,
    epochLength: 16n,
    app: {
      openSpeculativeBlock: () => {
        throw new TypeError("no height is opened here");
      },
    },
    mempool: noMempool,
    validatorSeed: o.validatorSeed,
    maxBlockBytes: 1 << 20,
    maxBlockGas: -1n,
    validators: () => set,
  });
}
