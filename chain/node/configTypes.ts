/** The node configuration as the code sees it, and its defaults (CometBFT and Cosmos SDK values). */
export type PruningStrategy = "default" | "nothing" | "everything" | "custom";
export type TxIndexer = "kv" | "null";

export interface NodeConfig {
  moniker: string;
  logLevel: string;
  /** File locations, relative to the home directory unless absolute. */
  genesisFile: string;
  nodeKeyFile: string;
  privValidatorKeyFile: string;
  privValidatorStateFile: string;
  dbDir: string;
  rpc: {
    laddr: string;
    corsAllowedOrigins: string[];
    maxBodyBytes: number;
    maxSubscriptionClients: number;
    timeoutBroadcastTxCommitMs: number;
  };
  p2p: {
    laddr: string;
    externalAddress: string;
    seeds: string[];
    persistentPeers: string[];
    maxNumInboundPeers: number;
    maxNumOutboundPeers: number;
  };
  mempool: {
    size: number;
    maxTxBytes: number;
    maxTxsBytes: number;
    cacheSize: number;
    recheck: boolean;
  };
  consensus: {
    walFile: string;
    timeoutProposeMs: number;
    timeoutProposeDeltaMs: number;
    timeoutPrevoteMs: number;
    timeoutPrevoteDeltaMs: number;
    timeoutPrecommitMs: number;
    timeoutPrecommitDeltaMs: number;
    timeoutCommitMs: number;
    createEmptyBlocks: boolean;
    createEmptyBlocksIntervalMs: number;
  };
  txIndex: { indexer: TxIndexer };
  app: {
    minimumGasPrices: string;
    pruning: PruningStrategy;
    pruningKeepRecent: number;
    pruningInterval: number;
    haltHeight: number;
  };
}

export function defaultConfig(moniker: string): NodeConfig {
  return {
    moniker,
    logLevel: "info",
    genesisFile: "config/genesis.json",
    nodeKeyFile: "config/node_key.json",
    privValidatorKeyFile: "config/priv_validator_key.json",
    privValidatorStateFile: "data/priv_validator_state.json",
    dbDir: "data/strike.db",
    rpc: {
      laddr: "tcp://127.0.0.1:26657",
      corsAllowedOrigins: [],
      maxBodyBytes: 1_000_000,
      maxSubscriptionClients: 100,
      timeoutBroadcastTxCommitMs: 10_000,
    },
    p2p: {
      laddr: "tcp://0.0.0.0:26656",
      externalAddress: "",
      seeds: [],
      persistentPeers: [],
      maxNumInboundPeers: 40,
      maxNumOutboundPeers: 10,
    },
    mempool: { size: 20_000, maxTxBytes: 1_048_576, maxTxsBytes: 1_073_741_824, cacheSize: 100_000, recheck: true },
    consensus: {
      walFile: "data/cs.wal",
      timeoutProposeMs: 3000,
      timeoutProposeDeltaMs: 500,
      timeoutPrevoteMs: 1000,
      timeoutPrevoteDeltaMs: 500,
      timeoutPrecommitMs: 1000,
      timeoutPrecommitDeltaMs: 500,
      timeoutCommitMs: 100,
      createEmptyBlocks: true,
      createEmptyBlocksIntervalMs: 0,
    },
    txIndex: { indexer: "kv" },
    app: {
      minimumGasPrices: "0.025ustrike",
      pruning: "custom",
      pruningKeepRecent: 100_000,
      pruningInterval: 100,
      haltHeight: 0,
    },
  };
}
