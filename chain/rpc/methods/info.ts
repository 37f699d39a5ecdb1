/** Node and chain information: status, health, net_info, genesis, abci_info, validators, mempool counts. */
import { toBase64, utf8 } from "../../types/bytes.js";
import type { CallContext, RouteTable } from "../context.js";
import { rpcErrors } from "../errors.js";
import type { Args } from "../params.js";
import { abciInfoJson } from "../render/abci.js";
import { validatorJson } from "../render/block.js";
import { ed25519PubKeyJson, hexUpper, int64, rfc3339Nano } from "../render/encoding.js";
import { COMET_VERSION, PROTOCOL_VERSION } from "../services.js";
import { resolveHeight, validatePage, validatePerPage } from "./paging.js";

async function status({ services }: CallContext) {
  const { node, blocks } = services;
  const info = node.nodeInfo();
  const validator = node.validatorInfo();
  const [latest, earliest] = await Promise.all([
    blocks.height > 0n ? blocks.loadBlockMeta(blocks.height) : undefined,
    blocks.base > 0n ? blocks.loadBlockMeta(blocks.base) : undefined,
  ]);
  const epoch = { seconds: 0n, nanos: 0 };
  return {
    node_info: {
      protocol_version: {
        p2p: int64(PROTOCOL_VERSION.p2p),
        block: int64(PROTOCOL_VERSION.block),
        app: int64(info.appVersion),
      },
      id: info.id,
      listen_addr: info.listenAddr,
      network: info.network,
      version: COMET_VERSION,
      channels: info.channels,
      moniker: info.moniker,
      other: { tx_index: info.txIndex, rpc_address: info.rpcAddress },
    },
    sync_info: {
      latest_block_hash: latest ? hexUpper(latest.blockId.hash) : "",
      latest_app_hash: latest ? hexUpper(latest.header.appHash) : "",
      latest_block_height: int64(blocks.height),
      latest_block_time: rfc3339Nano(latest?.header.time ?? epoch),
      earliest_block_hash: earliest ? hexUpper(earliest.blockId.hash) : "",
      earliest_app_hash: earliest ? hexUpper(earliest.header.appHash) : "",
      earliest_block_height: int64(blocks.base),
      earliest_block_time: rfc3339Nano(earliest?.header.time ?? epoch),
      catching_up: node.isCatchingUp(),
    },
    validator_info: {
      address: hexUpper(validator.address),
      pub_key: ed25519PubKeyJson(validator.pubKey),
      voting_power: int64(validator.votingPower),
    },
    // Strike's addition (clients reading CometBFT's shape ignore it): the current sequencer epoch.
    ...(services.sequencer === undefined ? {} : { sequencer_info: services.sequencer.info() ?? null }),
  };
}

function netInfo({ services }: CallContext) {
  const info = services.node.nodeInfo();
  const peers = services.node.peers();
  return {
    listening: true,
    listeners: [`Listener(@${info.listenAddr})`],
    n_peers: int64(peers.length),
    peers: peers.map((p) => ({
      node_info: { id: p.nodeId, moniker: p.moniker, network: info.network, version: COMET_VERSION },
      is_outbound: p.isOutbound,
      remote_ip: p.remoteIp,
    })),
  };
}

/** CometBFT's genesis_chunked chunk size: 16 MB of JSON per chunk. */
const GENESIS_CHUNK_BYTES = 16 * 1024 * 1024;

function genesisChunked({ services }: CallContext, args: Args) {
  const bytes = utf8(JSON.stringify(services.genesis()));
  const total = Math.max(1, Math.ceil(bytes.length / GENESIS_CHUNK_BYTES));
  const chunk = args.smallInt("chunk") ?? 0;
  if (chunk < 0 || chunk >= total) throw rpcErrors.invalidParams(`there are ${total} chunks, ${chunk} is invalid`);
  return {
    chunk: int64(chunk),
    total: int64(total),
    data: toBase64(bytes.subarray(chunk * GENESIS_CHUNK_BYTES, (chunk + 1) * GENESIS_CHUNK_BYTES)),
  };
}

async function validators({ services }: CallContext, args: Args) {
  const height = resolveHeight(services.blocks, args.int("height"));
  const all = await services.blocks.loadValidators(height);
  if (all === undefined) throw rpcErrors.notFound(`validator set for height ${height} is not available`);
  const perPage = validatePerPage(args.smallInt("per_page"));
  const page = validatePage(args.smallInt("page"), perPage, all.length);
  const slice = all.slice((page - 1) * perPage, page * perPage);
  return {
    block_height: int64(height),
    validators: slice.map(validatorJson),
    count: int64(slice.length),
    total: int64(all.length),
    ...(services.sequencer === undefined ? {} : { sequencer: services.sequencer.info() ?? null }),
  };
}

function unconfirmedTxs({ services }: CallContext, args: Args) {
  const { mempool } = services;
  const txs = mempool.txs(validatePerPage(args.smallInt("limit")));
  return {
    n_txs: int64(txs.length),
    total: int64(mempool.size()),
    total_bytes: int64(mempool.sizeBytes()),
    txs: txs.map(toBase64),
  };
}

function numUnconfirmedTxs({ services }: CallContext) {
  const { mempool } = services;
  return {
    n_txs: int64(mempool.size()),
    total: int64(mempool.size()),
    total_bytes: int64(mempool.sizeBytes()),
    txs: null,
  };
}

export const infoRoutes: RouteTable = {
  health: { args: [], handler: async () => ({}) },
  status: { args: [], handler: status },
  net_info: { args: [], handler: async (ctx) => netInfo(ctx) },
  genesis: { args: [], handler: async ({ services }) => ({ genesis: services.genesis() }) },
  genesis_chunked: { args: [{ name: "chunk", kind: "int" }], handler: async (ctx, args) => genesisChunked(ctx, args) },
  abci_info: { args: [], handler: async ({ services }) => ({ response: abciInfoJson(services.app.info()) }) },
  validators: {
    args: [
      { name: "height", kind: "int" },
      { name: "page", kind: "int" },
      { name: "per_page", kind: "int" },
    ],
    handler: validators,
  },
  unconfirmed_txs: { args: [{ name: "limit", kind: "int" }], handler: async (ctx, args) => unconfirmedTxs(ctx, args) },
  num_unconfirmed_txs: { args: [], handler: async (ctx) => numUnconfirmedTxs(ctx) },
};
