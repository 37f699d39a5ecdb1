/**
 * A three-block chain built from real encodings (header hashes, data hashes, commits signed
 * by an ed25519 validator, cosmos TxRaw txs) behind fake node services, for driving the
 * RPC server with real clients.
 */
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { AuthInfo, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { createEd25519Signer } from "../../../chain/crypto/ed25519.js";
import {
  addressFromPubKey,
  commitHash,
  dataHash,
  emptyBlockId,
  headerHash,
  resultsHash,
  validatorsHash,
  voteSignBytes,
} from "../../../chain/consensus/encoding.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { createEventBus } from "../../../chain/indexer/eventBus.js";
import { openTxIndexer } from "../../../chain/indexer/txIndexer.js";
import type { EventBus, TxIndexer } from "../../../chain/indexer/types.js";
import type { RpcServices } from "../../../chain/rpc/services.js";
import { createMemoryDatabase } from "../../../chain/store/memoryDb.js";
import type { BlockMeta, BlockStoreReader } from "../../../chain/store/types.js";
import type {
  FinalizeBlockResponse,
  QueryRequest,
  QueryResponse,
  Timestamp,
  TxResult,
} from "../../../chain/types/abci.js";
import type { Block, BlockId, Commit, Header, Validator } from "../../../chain/types/block.js";
import { equalBytes, utf8 } from "../../../chain/types/bytes.js";

export const CHAIN_ID = "strike-test-1";
export const GENESIS_SECONDS = 1_700_000_000n;

const signer = createEd25519Signer(new Uint8Array(32).fill(7));
export const validator: Validator = {
  address: addressFromPubKey(signer.publicKey),
  pubKey: signer.publicKey,
  votingPower: 10n,
  proposerPriority: 0n,
};

export function cosmosTx(memo: string, amount: string): Uint8Array {
  const msg = MsgSend.fromPartial({
    fromAddress: "strike1alice",
    toAddress: "strike1bob",
    amount: [{ denom: "ustrike", amount }],
  });
  const body = TxBody.encode(
    TxBody.fromPartial({
      messages: [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: MsgSend.encode(msg).finish() }],
      memo,
    }),
  ).finish();
  const authInfo = AuthInfo.encode(AuthInfo.fromPartial({ fee: { gasLimit: 200000n, amount: [] } })).finish();
  return TxRaw.encode({ bodyBytes: body, authInfoBytes: authInfo, signatures: [new Uint8Array(64).fill(1)] }).finish();
}

export function transferResult(sender: string, amount: string): TxResult {
  return {
    code: 0,
    codespace: "",
    log: "",
    info: "",
    data: utf8("ok"),
    gasWanted: 200000n,
    gasUsed: 61234n,
    events: [
      {
        type: "message",
        attributes: [
          { key: "action", value: "/cosmos.bank.v1beta1.MsgSend", index: true },
          { key: "sender", value: sender, index: true },
        ],
      },
      { type: "transfer", attributes: [{ key: "amount", value: `${amount}ustrike`, index: true }] },
    ],
  };
}

export interface Chain {
  blocks: Block[];
  metas: BlockMeta[];
  commits: Commit[];
  results: FinalizeBlockResponse[];
}

function time(height: bigint, nanos = 0): Timestamp {
  return { seconds: GENESIS_SECONDS + height * 5n, nanos };
}

function signCommit(height: bigint, blockId: BlockId, t: Timestamp): Commit {
  const signature = signer.sign(voteSignBytes(CHAIN_ID, { type: 2, height, round: 0, blockId, timestamp: t }));
  return {
    height,
    round: 0,
    blockId,
    signatures: [{ blockIdFlag: 2, validatorAddress: validator.address, timestamp: t, signature }],
  };
}

/** Blocks 1..3: block 1 empty, block 2 with two transfers, block 3 with one. */
export function buildChain(): Chain {
  const txsPerBlock = [[], [cosmosTx("a", "100"), cosmosTx("b", "250")], [cosmosTx("c", "7")]];
  const resultsPerBlock = [
    [],
    [transferResult("strike1alice", "100"), transferResult("strike1carol", "250")],
    [transferResult("strike1alice", "7")],
  ];
  const chain: Chain = { blocks: [], metas: [], commits: [], results: [] };
  let lastBlockId = emptyBlockId();
  let lastCommit: Commit = { height: 0n, round: 0, blockId: emptyBlockId(), signatures: [] };
  let lastResults: TxResult[] = [];
  const valHash = validatorsHash([validator]);
  txsPerBlock.forEach((txs, i) => {
    const height = BigInt(i + 1);
    const header: Header = {
      version: { block: 11n, app: 1n },
      chainId: CHAIN_ID,
      height,
      time: time(height, i === 1 ? 123_456_000 : 0),
      lastBlockId,
      lastCommitHash: commitHash(lastCommit),
      dataHash: dataHash(txs),
      validatorsHash: valHash,
      nextValidatorsHash: valHash,
      consensusHash: sha256(utf8("params")),
      appHash: sha256(utf8(`app-${i}`)),
      lastResultsHash: resultsHash(lastResults),
      evidenceHash: sha256(),
      proposerAddress: validator.address,
    };
    const block: Block = { header, txs, evidence: [], lastCommit };
    const blockId: BlockId = {
      hash: headerHash(header),
      partSetHeader: { total: 1, hash: sha256(utf8(`parts-${i}`)) },
    };
    const results: FinalizeBlockResponse = {
      events: [{ type: "mint", attributes: [{ key: "amount", value: `${height}000`, index: true }] }],
      txResults: resultsPerBlock[i]!,
      validatorUpdates: [],
      appHash: sha256(utf8(`app-${i + 1}`)),
    };
    const commit = signCommit(height, blockId, time(height + 1n));
    chain.blocks.push(block);
    chain.metas.push({ blockId, blockSize: 1000 + i, header, numTxs: txs.length });
    chain.commits.push(commit);
    chain.results.push(results);
    lastBlockId = blockId;
    lastCommit = commit;
    lastResults = results.txResults;
  });
  return chain;
}

export function fakeBlockStore(chain: Chain): BlockStoreReader {
  const at = <T>(list: T[], h: bigint): T | undefined =>
    h >= 1n && h <= BigInt(list.length) ? list[Number(h) - 1] : undefined;
  return {
    base: 1n,
    height: BigInt(chain.blocks.length),
    loadBlock: async (h) => at(chain.blocks, h),
    loadBlockMeta: async (h) => at(chain.metas, h),
    loadBlockByHash: async (hash) => chain.blocks[chain.metas.findIndex((m) => equalBytes(m.blockId.hash, hash))],
    loadCommit: async (h) => at(chain.commits, h),
    loadBlockResults: async (h) => at(chain.results, h),
    loadValidators: async (h) => (at(chain.blocks, h) ? [validator] : undefined),
  };
}

export interface Harness {
  chain: Chain;
  services: RpcServices;
  indexer: TxIndexer;
  bus: EventBus;
  /** Txs the fake mempool admitted. */
  admitted: Uint8Array[];
}

export async function buildHarness(): Promise<Harness> {
  const chain = buildChain();
  const db = createMemoryDatabase();
  const indexer = await openTxIndexer(db);
  for (const [i, block] of chain.blocks.entries()) {
    const batch = db.batch();
    indexer.index(batch, block.header.height, block.txs, chain.results[i]!.txResults);
    await batch.write();
  }
  const bus = createEventBus();
  const admitted: Uint8Array[] = [];
  const services: RpcServices = {
    node: {
      nodeInfo: () => ({
        id: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
        listenAddr: "tcp://127.0.0.1:26656",
        network: CHAIN_ID,
        appVersion: 1n,
        channels: "40202122233038606100",
        moniker: "test-node",
        txIndex: "on",
        rpcAddress: "tcp://127.0.0.1:26657",
      }),
      validatorInfo: () => ({
        address: validator.address,
        pubKey: validator.pubKey,
        votingPower: validator.votingPower,
      }),
      isCatchingUp: () => false,
      peers: () => [],
    },
    app: {
      info: () => ({
        data: "strike",
        version: "0.1.0",
        appVersion: 1n,
        lastBlockHeight: 3n,
        lastBlockAppHash: chain.results[2]!.appHash,
      }),
      query: async (req: QueryRequest): Promise<QueryResponse> => ({
        code: 0,
        codespace: "",
        log: "",
        info: "",
        index: 0n,
        key: req.data,
        value: utf8(`answer to ${req.path}`),
        proofOps: req.prove ? [{ type: "ics23:iavl", key: req.data, data: Uint8Array.of(1, 2, 3) }] : [],
        height: req.height === 0n ? 3n : req.height,
      }),
    },
    blocks: fakeBlockStore(chain),
    txIndexer: indexer,
    eventBus: bus,
    mempool: {
      checkAndAdd: (tx) => {
        if (new TextDecoder().decode(tx) === "bad") {
          return {
            code: 5,
            codespace: "sdk",
            log: "insufficient funds",
            info: "",
            data: new Uint8Array(),
            gasWanted: 0n,
            gasUsed: 0n,
            events: [],
          };
        }
        admitted.push(tx);
        return {
          code: 0,
          codespace: "",
          log: "",
          info: "",
          data: new Uint8Array(),
          gasWanted: 200000n,
          gasUsed: 0n,
          events: [],
        };
      },
      size: () => admitted.length,
      sizeBytes: () => admitted.reduce((n, tx) => n + tx.length, 0),
      txs: (limit) => admitted.slice(0, limit),
    },
    genesis: () => ({
      genesis_time: "2023-11-14T22:13:20Z",
      chain_id: CHAIN_ID,
      initial_height: "1",
      consensus_params: {
        block: { max_bytes: "22020096", max_gas: "-1" },
        evidence: { max_age_num_blocks: "100000", max_age_duration: "172800000000000", max_bytes: "1048576" },
        validator: { pub_key_types: ["ed25519"] },
        version: { app: "1" },
      },
      validators: [
        {
          address: Buffer.from(validator.address).toString("hex").toUpperCase(),
          pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.from(validator.pubKey).toString("base64") },
          power: "10",
          name: "val0",
        },
      ],
      app_hash: "",
      app_state: { bank: { balances: [] } },
    }),
  };
  return { chain, services, indexer, bus, admitted };
}
