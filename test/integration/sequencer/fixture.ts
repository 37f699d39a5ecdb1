/** A trading chain with funded traders, and a sequencer on it, as the sequencer's integration tests use them. */
import { createEd25519Signer, ed25519Address, type Ed25519Signer } from "../../../chain/crypto/ed25519.js";
import { createMempool } from "../../../chain/mempool/mempool.js";
import { sequencingMempool, type UncheckedAdmissionApp } from "../../../chain/sequencer/admission.js";
import { createReceiptStore } from "../../../chain/sequencer/receiptStore.js";
import { createSequencer } from "../../../chain/sequencer/sequencer.js";
import { CHAIN_ID, queries, type TestAccount } from "../../unit/runtime/fixture.js";
import { queryPath } from "../../../chain/client/queryRpc.js";
import { strikeQueries } from "../../../chain/client/strikeQueries.js";
import { toHex } from "../../../chain/types/bytes.js";
import type { HeightPlan } from "../../../chain/consensus/types.js";
import type { LastCommitInfo } from "../../../chain/types/abci.js";
import { createTradingFixture, deposit, GENESIS_SECONDS, sendBlock, type TradingFixture } from "../trading/fixture.js";

/**
 * The first `count` accounts each deposited 1,000,000 uusdc into margin (one more account is
 * the oracle feeder; with `validator`, also the one bonded validator: VALIDATOR).
 */
export async function fundedTraders(
  count: number,
  o: { validator?: boolean; replayRechecks?: boolean } = {},
): Promise<{ f: TradingFixture; traders: TestAccount[] }> {
  const f = await createTradingFixture({
    accounts: count + 1,
    checkpoints: o.validator === true,
    ...(o.replayRechecks === undefined ? {} : { replayRechecks: o.replayRechecks }),
  });
  const traders = f.accounts.slice(0, count);
  await sendBlock(
    f,
    traders.map((a) => ({ signer: a, msgs: [deposit(a.address, 1_000_000n)] })),
  );
  return { f, traders };
}

/** The consensus address of the trading fixture's bonded validator (`fundedTraders(n, { validator: true })`). */
export const VALIDATOR = ed25519Address(createEd25519Signer(new Uint8Array(32).fill(9)).publicKey);

/** A last commit of VALIDATOR alone (1,000 of power), with its precommit or without it. */
export function validatorVote(signed: boolean): LastCommitInfo {
  return { votes: [{ validatorAddress: VALIDATOR, power: 1_000n, signed }] };
}

export const SEQUENCER_KEY = createEd25519Signer(new Uint8Array(32).fill(3));
export const SEQUENCER = ed25519Address(SEQUENCER_KEY.publicKey);

/** Round 0 of `height`, proposed by SEQUENCER, one second of block time a height after genesis. */
export function heightPlan(height: bigint): HeightPlan {
  return {
    height,
    time: { seconds: GENESIS_SECONDS + height, nanos: 0 },
    proposerAddress: SEQUENCER,
    evidence: [],
    misbehavior: [],
    decidedLastCommit: { votes: [] },
  };
}

/**
 * A sequencer on `f`'s app with its mempool, receipt store and sequencing admission: through
 * `admission` (default: the app itself, as a node admits), or CheckTx first when it is null.
 * Signed by SEQUENCER_KEY in epoch 0 at time 0, without pipelining, unless told otherwise.
 */
export function sequencerOn(
  f: TradingFixture,
  o: {
    maxBlockBytes?: number;
    admission?: UncheckedAdmissionApp | null;
    signer?: Ed25519Signer;
    epoch?: () => bigint;
    now?: () => number;
    mayPipeline?: (height: bigint) => boolean;
  } = {},
) {
  const receipts = createReceiptStore();
  const mempool = createMempool({ app: f.app, maxTxs: 10_000, maxBytes: 1 << 26, maxTxBytes: 1 << 20 });
  const sequencer = createSequencer({
    chainId: CHAIN_ID,
    app: f.app,
    pending: () => mempool.txs(10_000),
    signer: o.signer ?? SEQUENCER_KEY,
    epoch: o.epoch ?? (() => 0n),
    receipts,
    maxBlockBytes: o.maxBlockBytes ?? 4_000_000,
    maxBlockGas: -1n,
    now: o.now ?? (() => 0),
    ...(o.mayPipeline === undefined ? {} : { mayPipeline: o.mayPipeline }),
  });
  const admission = o.admission === undefined ? f.app : (o.admission ?? undefined);
  return { receipts, mempool, sequencer, admit: sequencingMempool(mempool, sequencer, admission) };
}

/** VALIDATOR's missed blocks in slashing's window, on `f`'s committed state. */
export async function missedBlocks(f: TradingFixture): Promise<bigint> {
  return (await queries(f).slashing.SigningInfo({ consAddress: toHex(VALIDATOR) })).info!.missedBlocksCounter;
}

/**
 * VALIDATOR's signing info read by a trader's query on speculative state (`run` answers a
 * query path, as SpeculativeBlock.query and Sequencer.speculativeQuery do).
 */
export async function readSigningInfoOn(run: (path: string, data: Uint8Array) => Uint8Array): Promise<void> {
  const rpc = {
    request: async (service: string, method: string, data: Uint8Array) => run(queryPath(service, method), data),
  };
  await strikeQueries(rpc).slashing.SigningInfo({ consAddress: toHex(VALIDATOR) });
}
