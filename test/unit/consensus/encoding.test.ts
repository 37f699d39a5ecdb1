import test from "ava";
import {
  commitHash,
  consensusParamsHash,
  dataHash,
  GO_ZERO_TIME,
  headerHash,
  proposalSignBytes,
  voteSignBytes,
} from "../../../chain/consensus/encoding.js";
import { merkleRoot } from "../../../chain/consensus/merkle.js";
import { decodeBlock, encodeBlock } from "../../../chain/consensus/protoCodec.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { toHex, utf8 } from "../../../chain/types/bytes.js";
import type { Header } from "../../../chain/types/block.js";

const EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const zeroTs = GO_ZERO_TIME;

test("vote sign bytes match CometBFT's TestVoteSignBytesTestVectors", (t) => {
  const ts = "0b088092b8c398feffffff01";
  t.is(toHex(voteSignBytes("", { type: 0, height: 0n, round: 0, blockId: undefined, timestamp: zeroTs })), "0d2a" + ts);
  t.is(
    toHex(voteSignBytes("", { type: 2, height: 1n, round: 1, blockId: undefined, timestamp: zeroTs })),
    "210802110100000000000000190100000000000000" + "2a" + ts,
  );
  t.is(
    toHex(voteSignBytes("", { type: 1, height: 1n, round: 1, blockId: undefined, timestamp: zeroTs })),
    "210801110100000000000000190100000000000000" + "2a" + ts,
  );
  t.is(
    toHex(voteSignBytes("test_chain_id", { type: 0, height: 1n, round: 1, blockId: undefined, timestamp: zeroTs })),
    "2e110100000000000000190100000000000000" + "2a" + ts + "320d" + toHex(utf8("test_chain_id")),
  );
});

test("header hash matches CometBFT's TestHeaderHash golden value", (t) => {
  const s = (x: string) => sha256(utf8(x));
  const header: Header = {
    version: { block: 1n, app: 2n },
    chainId: "chainId",
    height: 3n,
    time: { seconds: BigInt(Date.UTC(2019, 9, 13, 16, 14, 44) / 1000), nanos: 0 },
    lastBlockId: { hash: new Uint8Array(32), partSetHeader: { total: 6, hash: new Uint8Array(32) } },
    lastCommitHash: s("last_commit_hash"),
    dataHash: s("data_hash"),
    validatorsHash: s("validators_hash"),
    nextValidatorsHash: s("next_validators_hash"),
    consensusHash: s("consensus_hash"),
    appHash: s("app_hash"),
    lastResultsHash: s("last_results_hash"),
    evidenceHash: s("evidence_hash"),
    proposerAddress: s("proposer_address").subarray(0, 20),
  };
  t.is(toHex(headerHash(header)).toUpperCase(), "F740121F553B5418C3EFBD343C2DBFE9E007BB67B0D020A0741374BAB65242A4");
  t.is(headerHash({ ...header, validatorsHash: new Uint8Array(0) }).length, 0, "no validators hash, no header hash");
});

test("merkle root follows RFC 6962 (empty, one leaf, unbalanced split)", (t) => {
  t.is(toHex(merkleRoot([])), EMPTY_SHA);
  const [a, b, c] = [utf8("a"), utf8("b"), utf8("c")];
  const leaf = (x: Uint8Array) => sha256(Uint8Array.of(0), x);
  const inner = (l: Uint8Array, r: Uint8Array) => sha256(Uint8Array.of(1), l, r);
  t.is(toHex(merkleRoot([a])), toHex(leaf(a)));
  t.is(toHex(merkleRoot([a, b, c])), toHex(inner(inner(leaf(a), leaf(b)), leaf(c))));
});

test("empty data, empty commit hash to sha256 of nothing; data hash is over tx hashes", (t) => {
  t.is(toHex(dataHash([])), EMPTY_SHA);
  t.is(
    toHex(
      commitHash({
        height: 0n,
        round: 0,
        blockId: { hash: new Uint8Array(), partSetHeader: { total: 0, hash: new Uint8Array() } },
        signatures: [],
      }),
    ),
    EMPTY_SHA,
  );
  const tx = utf8("tx1");
  t.is(toHex(dataHash([tx])), toHex(merkleRoot([sha256(tx)])));
});

test("consensus hash is sha256 of HashedParams{max_bytes, max_gas}", (t) => {
  const h = consensusParamsHash({
    block: { maxBytes: 22020096n, maxGas: -1n },
    evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
    validator: { pubKeyTypes: ["ed25519"] },
  });
  // HashedParams: field 1 varint 22020096, field 2 varint -1 (10 bytes).
  t.is(
    toHex(h),
    toHex(
      sha256(
        Uint8Array.from([
          0x08, 0x80, 0x80, 0xc0, 0x0a, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ]),
      ),
    ),
  );
});

test("proposal sign bytes carry type 32 and pol_round", (t) => {
  const bytes = proposalSignBytes("c", {
    height: 1n,
    round: 0,
    polRound: -1,
    blockId: { hash: new Uint8Array(32).fill(1), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(2) } },
    timestamp: { seconds: 1n, nanos: 0 },
  });
  t.is(bytes[1], 0x08);
  t.is(bytes[2], 32);
  t.true(toHex(bytes).includes("20ffffffffffffffffff01"), "pol_round -1 is a 10-byte varint");
});

test("a block survives an encode/decode round trip", (t) => {
  const header: Header = {
    version: { block: 11n, app: 0n },
    chainId: "strike-1",
    height: 7n,
    time: { seconds: 1700000000n, nanos: 5 },
    lastBlockId: { hash: new Uint8Array(32).fill(9), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(8) } },
    lastCommitHash: new Uint8Array(32),
    dataHash: new Uint8Array(32),
    validatorsHash: new Uint8Array(32).fill(3),
    nextValidatorsHash: new Uint8Array(32).fill(3),
    consensusHash: new Uint8Array(32),
    appHash: new Uint8Array(32),
    lastResultsHash: new Uint8Array(0),
    evidenceHash: new Uint8Array(32),
    proposerAddress: new Uint8Array(20).fill(4),
  };
  const block = {
    header,
    txs: [utf8("a"), utf8("bb")],
    evidence: [],
    lastCommit: {
      height: 6n,
      round: 1,
      blockId: header.lastBlockId,
      signatures: [
        {
          blockIdFlag: 2 as const,
          validatorAddress: new Uint8Array(20).fill(4),
          timestamp: { seconds: 5n, nanos: 1 },
          signature: new Uint8Array(64).fill(7),
        },
      ],
    },
  };
  const back = decodeBlock(encodeBlock(block));
  t.deepEqual(back, block);
  t.is(toHex(headerHash(back.header)), toHex(headerHash(header)));
});
