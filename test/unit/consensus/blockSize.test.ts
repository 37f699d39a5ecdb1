/**
 * A proposal carries its whole block in one consensus message, so the txs a proposer puts in
 * a block are bounded by that message's limit as well as by the consensus params: with the
 * default genesis (max_bytes 21 MiB) a block filled to the data limit still goes out as a
 * message the peers accept. Before, a flood of txs could make every proposer build a block
 * no peer would receive, and no round would ever carry one.
 */
import test from "ava";
import { maxBlockDataBytes } from "../../../chain/consensus/driver.js";
import { encodeConsensusMessage } from "../../../chain/consensus/gossip.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "../../../chain/p2p/index.js";
import { blockTxBytes, type Block, type BlockId, type Header } from "../../../chain/types/block.js";
import { defaultConsensusParams } from "../../../genesis/genesis.js";

const LIMIT = DEFAULT_MAX_MESSAGE_BYTES.consensus;
const DEFAULT_GENESIS_BLOCK_MAX_BYTES = BigInt(defaultConsensusParams().block.max_bytes);
const z = (n: number) => new Uint8Array(n).fill(7);
const blockId: BlockId = { hash: z(32), partSetHeader: { total: 1, hash: z(32) } };
const header: Header = {
  version: { block: 11n, app: 0n },
  chainId: "strike-local-1",
  height: 9n,
  time: { seconds: 1700000000n, nanos: 123 },
  lastBlockId: blockId,
  lastCommitHash: z(32),
  dataHash: z(32),
  validatorsHash: z(32),
  nextValidatorsHash: z(32),
  consensusHash: z(32),
  appHash: z(32),
  lastResultsHash: z(32),
  evidenceHash: z(32),
  proposerAddress: z(20),
};

/** A block of `dataBytes` of 250-byte txs, with a last commit signed by 150 validators. */
function fullBlock(dataBytes: number): Block {
  const txs: Uint8Array[] = [];
  // Counted as the mempool's reap and the sequencer count them: with their framing.
  for (let used = 0; used + blockTxBytes(250) <= dataBytes; used += blockTxBytes(250)) txs.push(z(250));
  const signatures = Array.from({ length: 150 }, () => ({
    blockIdFlag: 2 as const,
    validatorAddress: z(20),
    timestamp: { seconds: 1700000000n, nanos: 999_999_999 },
    signature: z(64),
  }));
  return { header, txs, evidence: [], lastCommit: { height: 8n, round: 3, blockId, signatures } };
}

test("with the default genesis max_bytes a block is bounded by the consensus message limit, not by the params alone", (t) => {
  const data = maxBlockDataBytes(DEFAULT_GENESIS_BLOCK_MAX_BYTES, LIMIT);
  t.true(data < LIMIT, `${data} bytes of txs`);
  t.true(data > LIMIT - 128 * 1024, "the limit, not a much smaller figure, is what binds");
  const proposalOf = (block: Block) =>
    encodeConsensusMessage({
      kind: "proposal",
      proposal: { height: 9n, round: 0, polRound: -1, blockId, timestamp: header.time, signature: z(64) },
      block,
    });
  const full = fullBlock(data);
  const message = proposalOf(full);
  t.true(message.length <= LIMIT, `a full block's proposal is ${message.length} bytes, the limit ${LIMIT}`);
  // The count is exact: the txs add to the encoded block what blockTxBytes says, plus the
  // few bytes by which the data field's own length prefix grows.
  const added = message.length - proposalOf({ ...full, txs: [] }).length - full.txs.length * blockTxBytes(250);
  t.true(added >= 0 && added <= 4, `${added} bytes besides the txs'`);
});

test("a tx's block bytes are its length plus its field tag and varint length prefix", (t) => {
  t.is(blockTxBytes(0), 2);
  t.is(blockTxBytes(127), 129);
  t.is(blockTxBytes(128), 131);
  t.is(blockTxBytes(16_383), 16_386);
  t.is(blockTxBytes(16_384), 16_388);
  t.is(blockTxBytes(1_048_576), 1_048_580);
});

test("small max_bytes still bind as before; max_bytes -1 (unlimited) is bounded by the message limit", (t) => {
  t.is(maxBlockDataBytes(1_000_000n, LIMIT), 1_000_000 - 16 * 1024);
  t.is(maxBlockDataBytes(1_000_000n), 1_000_000 - 16 * 1024);
  t.is(maxBlockDataBytes(-1n, LIMIT), LIMIT - 64 * 1024);
  t.is(maxBlockDataBytes(DEFAULT_GENESIS_BLOCK_MAX_BYTES), Number(DEFAULT_GENESIS_BLOCK_MAX_BYTES) - 16 * 1024);
});
