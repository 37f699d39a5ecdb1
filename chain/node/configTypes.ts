/** The node configuration as the code sees it, and its defaults (CometBFT and Cosmos SDK values). */
export type PruningStrategy = "default" | "nothing" | "everything" | "custom";
export type TxIndexer = "kv" | "null";

export type LogFormat = "plain" | "json";
export type FeederSourceKind = "simulated" | "http";

/** One HTTP JSON price endpoint of the in-process feeder (see feeder/httpJsonSource.ts). */
export interface HttpSourceConfig {
  url: string;
  field: string;
  /** Weight in the median across sources. */
  weight: number;
  timeoutMs: number;
}

export interface NodeConfig {
  moniker: string;
  /** CometBFT syntax: "info", or per module "consensus:debug,*:info". */
  logLevel: string;
  logFormat: LogFormat;
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
    /** How long broadcast_tx_sync waits for the sequencer's receipt; 0 answers at once. */
    receiptWaitMs: number;
    // Connection and reply bounds (issue 9, holes 2 and 6).
    maxOpenConnections: number;
    maxBatchRequests: number;
    maxBatchResponseBytes: number;
    websocketWriteBufferBytes: number;
    /** Bytes of answers queued for all RPC clients together (chain/rpc/sendBudget.ts). */
    writeBufferTotalBytes: number;
  };
  sequencer: {
    /**
     * While this node is the sequencer, its event-loop thread runs this many nice levels above
     * the rest of the machine (0: never).
     */
    priorityBoost: number;
    /**
     * While this node is the sequencer, its event-loop thread runs under Linux's real-time
     * round-robin policy at this priority (1–99; 0: never).
     */
    realtimePriority: number;
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
    /** Blocks kept below the latest (Cosmos's min-retain-blocks; 0 = all), at least the evidence max age. */
    minRetainBlocks: number;
    haltHeight: number;
    /** The JavaScript heap's room above its live size before a full collection, in percent (0: V8's own). */
    heapGrowingPercent: number;
  };
  /** CometBFT's [instrumentation]: Prometheus metrics. */
  instrumentation: { prometheus: boolean; prometheusListenAddr: string; namespace: string };
  /** app.toml [oracle-feeder]: the validator's price feeder, run inside the node. */
  oracleFeeder: {
    enable: boolean;
    source: FeederSourceKind;
    assets: string[];
    intervalMs: number;
    /** secp256k1 key that signs the votes (a feeder registered for this validator, or its operator). */
    keyFile: string;
    gasLimit: number;
    fees: string;
    simSeed: string;
    /** Per-step log-return deviation of the simulated source, a decimal. */
    simVolatility: string;
    /** HTTP sources further than this fraction from the weighted median are dropped from a round. */
    maxDeviation: string;
    httpSources: HttpSourceConfig[];
  };
  /** app.toml [bridge]: the validator's L1 deposit watcher, run inside the node. */
  bridge: {
    enable: boolean;
    l1Rpc: string;
    contract: string;
    confirmations: number;
    pollIntervalMs: number;
    startBlock: number;
    keyFile: string;
    gasLimit: number;
    fees: string;
  };
  /** app.toml [settlement]: the finality ladder's L1 rungs, read from the settlement contract. */
  settlement: {
    enable: boolean;
    l1Rpc: string;
    contract: string;
    confirmations: number;
    pollIntervalMs: number;
  };
}

export function defaultConfig(moniker: string): NodeConfig {
  return {
    moniker,
    logLevel: "info",
    logFormat: "plain",
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
      receiptWaitMs: 1_500,
      maxOpenConnections: 900,
      maxBatchRequests: 1000,
      maxBatchResponseBytes: 25_000_000,
      websocketWriteBufferBytes: 16_777_216,
      writeBufferTotalBytes: 268_435_456,
    },
    sequencer: { priorityBoost: 0, realtimePriority: 0 },
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
      minRetainBlocks: 0,
      haltHeight: 0,
      heapGrowingPercent: 100,
    },
    instrumentation: { prometheus: false, prometheusListenAddr: ":26660", namespace: "cometbft" },
    oracleFeeder: {
      enable: false,
      source: "simulated",
      assets: ["ETH", "BTC"],
      intervalMs: 1000,
      keyFile: "config/feeder_key.json",
      gasLimit: 200_000,
      fees: "5000ustrike",
      simSeed: moniker === "" ? "1" : moniker,
      simVolatility: "0.0005",
      maxDeviation: "0.1",
      httpSources: [],
    },
    bridge: {
      enable: false,
      l1Rpc: "http://127.0.0.1:8545",
      contract: "",
      confirmations: 2,
      pollIntervalMs: 1000,
      startBlock: 0,
      keyFile: "config/feeder_key.json",
      gasLimit: 200_000,
      fees: "5000ustrike",
    },
    settlement: {
      enable: false,
      l1Rpc: "http://127.0.0.1:8545",
      contract: "",
      confirmations: 2,
      pollIntervalMs: 250,
    },
  };
}

/** `logLevel`: CometBFT's "info" or "consensus:debug,*:info"; `httpSources`: an array of tables. */
export type FieldKind =
  | "string"
  | "duration"
  | "uint"
  | "bool"
  | "list"
  | "decimal"
  | "logLevel"
  | "httpSources"
  | { oneOf: readonly string[] };
export type FieldValue = string | number | boolean | string[] | HttpSourceConfig[];

export interface ConfigField {
  file: "config.toml" | "app.toml";
  /** The TOML key, dotted by table; also the `--flag` name of `strike start`. */
  key: string;
  kind: FieldKind;
  description: string;
  /** The largest value allowed (a duration in ms, or a uint); the smallest is 0. */
  max?: number;
  get(c: NodeConfig): FieldValue;
  set(c: NodeConfig, v: FieldValue): void;
}

export function field(
  file: ConfigField["file"],
  key: string,
  kind: FieldKind,
  description: string,
  get: (c: NodeConfig) => FieldValue,
  set: (c: NodeConfig, v: never) => void,
  bounds?: { max: number },
): ConfigField {
  return { file, key, kind, description, get, set: set as ConfigField["set"], ...bounds };
}
