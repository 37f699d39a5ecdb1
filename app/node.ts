/**
 * The composition root: builds every component of a node from its home folder and
 * config, wires them together, starts them, and stops them in reverse order.
 *
 * One RocksDB holds everything a block changes (state tree, block, results, market data),
 * and the consensus driver writes it all in one batch per block; the tx index follows in
 * its own batch right after (chain/indexer/indexQueue.ts).
 */
import { createConsensusDriver } from "../chain/consensus/driver.js";
import type { BlockSyncStatus } from "../chain/consensus/blockSync.js";
import type { CommittedBlock } from "../chain/consensus/types.js";
import { publishBlockEvents, createEventBus } from "../chain/indexer/eventBus.js";
import { openTxIndexer } from "../chain/indexer/txIndexer.js";
import { startTxIndexing } from "../chain/indexer/indexQueue.js";
import { openMarketData, type MarketDataUpdate } from "../chain/indexer/marketData.js";
import { createMarketFeed } from "../chain/indexer/marketFeed.js";
import { createBookSource } from "./bookSource.js";
import { createMarkSource } from "./markSource.js";
import { dashboardDir } from "./dashboard.js";
import { createMempool } from "../chain/mempool/mempool.js";
import { sha256 } from "../chain/crypto/hash.js";
import { createSignatureVerifierPool, type VerifierPoolStats } from "../chain/crypto/verifyPool.js";
import { startRpcServer, COMET_VERSION, type RpcServices } from "../chain/rpc/index.js";
import { parseDecCoins } from "../chain/runtime/coins.js";
import { createStrikeApp } from "./strikeApp.js";
import { openBlockStore } from "../chain/consensus/blockStore.js";
import { openRocksDatabase } from "../chain/store/rocksDb.js";
import { retainBlocks } from "./retention.js";
import { diskFullForTesting } from "../chain/store/diskFullForTesting.js";
import { openStateStore } from "../chain/store/stateStore.js";
import { equalBytes, toHex } from "../chain/types/bytes.js";
import { loadGenesis, parseSequencerGenesis } from "../genesis/index.js";
import { resolveHomePath, type NodeConfig } from "../chain/node/config.js";
import { nodeErrors } from "../chain/node/errors.js";
import { consensusParamsOf, genesisValidators, initChainRequest, parseRfc3339 } from "./genesisState.js";
import { loadNodeKey, loadPrivValidatorKey, nodeIdOf } from "../chain/node/home.js";
import { createLogger, type NodeLogger } from "../chain/node/logger.js";
import { createNodeNetwork } from "../chain/node/network.js";
import type { ByzantineMode } from "../chain/sequencer/byzantine.js";
import { openSequencing } from "../chain/sequencer/service.js";
import { maxBlockDataBytes } from "../chain/consensus/driver.js";
import { DEFAULT_MAX_MESSAGE_BYTES, p2pErrors } from "../chain/p2p/index.js";
import type { Validator } from "../chain/types/block.js";
import { loadFeederKey, type FeederKey } from "../chain/node/feederKey.js";

import { createNodeMetrics, timedAdmission, timedFinalize, type NodeMetrics } from "./metrics.js";
import { parseListenAddr, startMetricsServer } from "../chain/node/metricsServer.js";
import { publishFinalityEvents } from "./finalityEvents.js";
import { createPositionSizeReader } from "./positionSource.js";
import { parseFee, startFeederService } from "./feederService.js";
import { startCheckpointSigner } from "./checkpointSigner.js";
import { createAccountTxSender, type AccountTxSender } from "./accountTxSender.js";
import { createSequencerPriority } from "./sequencerPriority.js";
import { ETH_KEY_FILE, loadEthKey } from "../chain/node/ethKey.js";
import { BLS_KEY_FILE, loadBlsKey } from "../chain/node/blsKey.js";
import { existsSync } from "node:fs";
import { startBridgeWatcher } from "./bridgeWatcher.js";
import { ladderSettlement } from "./settlementWiring.js";
import { StrikeError } from "../chain/types/errors.js";

export interface StartNodeOptions {
  home: string;
  config: NodeConfig;
  logger?: NodeLogger;
  /** TESTS ONLY: this validator signs conflicting prevotes (to test evidence and slashing). */
  doubleSignForTesting?: boolean;
  /** TESTS ONLY: as sequencer, this validator breaks one receipt (to test receipt enforcement). */
  byzantineSequencerForTesting?: ByzantineMode;
  /**
   * TESTS ONLY: ms added to the wall clock that consensus reads (block, proposal and vote
   * times, the empty-block interval); negative runs the clock behind. To test clock skew.
   */
  clockSkewMsForTesting?: number;
  /** TESTS ONLY: every database write fails as on a full disk once this height is stored. */
  diskFullAfterHeightForTesting?: bigint;
}

export interface RunningNode {
  /** http://host:port of the RPC server. */
  rpcUrl: string;
  stop(): Promise<void>;
}

/**
 * What a newly connected peer is sent of the receipts it missed: half the receipts channel's
 * send queue (4,096 messages, 4 MiB), so that live receipts still find room behind them.
 */
const RECEIPTS_ON_CONNECT = { maxCount: 2_048, maxBytes: 1024 * 1024 };

/** How many versions of state stay readable, from app.toml's pruning settings. */
export function keepRecentOf(config: NodeConfig): number {
  switch (config.app.pruning) {
    case "nothing":
      return 0;
    case "everything":
      return 2;
    case "default":
      return 362_880;
    case "custom":
      return config.app.pruningKeepRecent;
  }
}

export async function startNode(options: StartNodeOptions): Promise<RunningNode> {
  const { home, config } = options;
  const log = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const genesis = loadGenesis(resolveHomePath(home, config.genesisFile));
  const nodeKey = loadNodeKey(resolveHomePath(home, config.nodeKeyFile));
  const validatorKey = loadPrivValidatorKey(resolveHomePath(home, config.privValidatorKeyFile));
  // Read before anything opens, so a missing or bad key stops the start cleanly.
  const feederKey = config.oracleFeeder.enable
    ? loadFeederKey(resolveHomePath(home, config.oracleFeeder.keyFile))
    : undefined;
  // A bad metrics address stops the start here, before anything opens.
  if (config.instrumentation.prometheus) parseListenAddr(config.instrumentation.prometheusListenAddr);
  // A validator home with an Ethereum key signs checkpoints; its feeder account pays the fees.
  const ethKeyPath = resolveHomePath(home, ETH_KEY_FILE);
  const feederKeyPath = resolveHomePath(home, config.oracleFeeder.keyFile);
  const checkpointKeys =
    existsSync(ethKeyPath) && existsSync(feederKeyPath)
      ? { eth: loadEthKey(ethKeyPath), account: feederKey ?? loadFeederKey(feederKeyPath) }
      : undefined;
  // Its BLS key (if the home has one) signs instead when the chain's scheme is bls.
  const blsKeyPath = resolveHomePath(home, BLS_KEY_FILE);
  const blsKey = checkpointKeys !== undefined && existsSync(blsKeyPath) ? loadBlsKey(blsKeyPath) : undefined;

  const bridgeKey = config.bridge.enable ? loadFeederKey(resolveHomePath(home, config.bridge.keyFile)) : undefined;

  const diskFullAfter = options.diskFullAfterHeightForTesting;
  let storedHeight = (): bigint => 0n;
  const rocks = await openRocksDatabase(resolveHomePath(home, config.dbDir));
  const db = diskFullAfter === undefined ? rocks : diskFullForTesting(rocks, () => storedHeight() >= diskFullAfter);
  const state = await openStateStore({ db, keepRecent: keepRecentOf(config) });
  const app = createStrikeApp({
    state,
    minGasPrices: parseDecCoins(config.app.minimumGasPrices),
    maxTxBytes: config.mempool.maxTxBytes,
    maxBlockGas: consensusParamsOf(genesis.consensus_params).block.maxGas,
    retainBlocks: retainBlocks(
      config.app.minRetainBlocks,
      consensusParamsOf(genesis.consensus_params).evidence.maxAgeNumBlocks,
    ),
    logger: log.with("app"),
  });
  const blockStore = await openBlockStore(db);
  storedHeight = () => blockStore.height;
  const txIndexer = await openTxIndexer(db);
  const eventBus = createEventBus();
  // Candles and the trade tape: caught up with the block store here, then one write per block.
  const marketData = await openMarketData({ db, blocks: blockStore });
  const marketFeed = createMarketFeed(
    createBookSource((req) => app.query(req)),
    createMarkSource((req) => app.query(req)),
  );
  const marketUpdates = new Map<bigint, MarketDataUpdate>();

  const validators = genesisValidators(genesis);
  const consensusParams = consensusParamsOf(genesis.consensus_params);
  // Peers receive a proposal (and its whole block) in one consensus message of at most this.
  const maxProposalMessageBytes = DEFAULT_MAX_MESSAGE_BYTES.consensus;
  if (app.info().lastBlockHeight === 0n && blockStore.height === 0n) {
    const res = app.initChain(initChainRequest(genesis));
    log.info("initialised the chain from genesis", { chain_id: genesis.chain_id, app_hash: res.appHash });
  }
  // The validator key always goes to consensus and the sequencer: each height's set decides
  // whether this node votes, proposes and sequences, so a validator created after genesis
  // (create-validator with this node's key) starts signing two heights after its bond, with
  // no restart, and stops when it leaves the set.
  const validatorPrivKey = validatorKey.privKey.subarray(0, 32);
  /** Told after each block: this node may have entered or left the set (set below, once its services can start). */
  let validatorSetMaybeChanged = (): void => {};

  const mempool = createMempool({
    app,
    maxTxs: config.mempool.size,
    maxBytes: config.mempool.maxTxsBytes,
    maxTxBytes: config.mempool.maxTxBytes,
    cacheSize: config.mempool.cacheSize,
    recheck: config.mempool.recheck,
  });

  // Soft finality: epochs, the sequencer on mempool admission, receipts (chain/sequencer).
  let currentValidators: () => readonly Validator[] = () => validators;
  const settlement = ladderSettlement(config.settlement, genesis, log.with("settlement"));
  let peerCount = (): number => 0;
  let broadcastQuery = (_bytes: Uint8Array, _except?: string): number => 0;
  let sendQuery = (_peer: string, _bytes: Uint8Array): void => {};
  const skewMs = options.clockSkewMsForTesting ?? 0;
  if (skewMs !== 0) log.warn("TESTS ONLY: consensus reads a skewed wall clock", { clock_skew_ms: skewMs });
  const sequencing = await openSequencing({
    db,
    // The sequencer fixes block times too (a pipelined height's, at opening): the same skewed clock.
    ...(skewMs === 0 ? {} : { now: () => performance.timeOrigin + performance.now() + skewMs }),
    chainId: genesis.chain_id,
    initialHeight: BigInt(genesis.initial_height),
    epochLength: parseSequencerGenesis(genesis.app_state["sequencer"]).epochLength,
    app,
    mempool,
    validatorSeed: validatorPrivKey,
    maxBlockBytes: maxBlockDataBytes(consensusParams.block.maxBytes, maxProposalMessageBytes),
    maxBlockGas: consensusParams.block.maxGas,
    validators: () => currentValidators(),
    txAccounts: (tx) => app.txSigners(tx),
    peers: () => peerCount(),
    broadcastQuery: (bytes, except) => broadcastQuery(bytes, except),
    sendQuery: (peer, bytes) => sendQuery(peer, bytes),
    committedHeight: blockStore.height,
    loadCommitted: async (height) => {
      const [block, results] = await Promise.all([blockStore.loadBlock(height), blockStore.loadBlockResults(height)]);
      if (block === undefined || results === undefined) return undefined;
      return { txs: block.txs, results: results.txResults, proposer: block.header.proposerAddress };
    },
    settlement: settlement.view,
    ...(options.byzantineSequencerForTesting === undefined
      ? {}
      : { byzantineForTesting: options.byzantineSequencerForTesting }),
  });
  publishFinalityEvents(
    sequencing,
    eventBus,
    createPositionSizeReader((req) => app.query(req)),
    (height) => blockStore.saved(height),
  );

  // Prometheus metrics ([instrumentation]); the sources are read at scrape time.
  let syncStatus = (): BlockSyncStatus | undefined => undefined;
  let sendDrops = (): Readonly<Record<string, number>> | undefined => undefined;
  let verifierStats = (): VerifierPoolStats | undefined => undefined;
  const metrics: NodeMetrics | undefined = config.instrumentation.prometheus
    ? createNodeMetrics({
        namespace: config.instrumentation.namespace,
        mempool,
        peers: () => peerCount(),
        blockSync: () => syncStatus(),
        sendDrops: () => sendDrops(),
        validators: () => currentValidators(),
        executionReuse: () => app.reuse,
        receiptRelay: () => sequencing.relayStats(),
        verifier: () => verifierStats(),
        database: () => db.stats?.(),
      })
    : undefined;

  // Clients' and peers' txs have their signatures verified in worker threads before CheckTx.
  const verifierPool = createSignatureVerifierPool({
    onWorkerFailure: (e) => log.error("signature verifier worker failed; restarting it", { error: String(e) }),
    // A client waits on the verification (for its receipt, here or through this node): a lone
    // tx is verified at once rather than after a round trip to a worker; bursts still go there.
    inlineWhenIdle: () => true,
  });
  verifierStats = () => verifierPool.stats();
  const sequencerPriority = createSequencerPriority({
    boost: config.sequencer.priorityBoost,
    log: log.with("sequencer"),
    // A receipt waits for its tx's signature check, which is made in these workers.
    followers: (nice) => verifierPool.setPriority(nice),
    realtime: config.sequencer.realtimePriority,
  });
  const network = createNodeNetwork({
    preverify: (tx) => app.preverify(tx, verifierPool),
    arrived: (tx) => sequencing.arrived(tx),
    txSigners: (tx) => app.txSigners(tx),
    receiptServable: (bytes) => sequencing.servableRelayed(bytes),
    config,
    chainId: genesis.chain_id,
    nodeKeySeed: nodeKey.privKey.subarray(0, 32),
    mempool:
      metrics === undefined
        ? sequencing.mempool
        : timedAdmission(sequencing.mempool, metrics, () => sequencing.info()?.is_self === true),
    logger: log,
  });
  peerCount = () => network.host.peers().length;
  syncStatus = () => network.syncStatus();
  sendDrops = () => network.host.sendDrops();
  // A receipt new here is announced to the other peers (chain/node/relay.ts), so that it
  // reaches nodes that do not peer with its sequencer: the client's tx may have come in there.
  // Taken in a batch once the socket read that brought them is handled (the p2p stack
  // delivers a read's messages in one synchronous pass, and the sequencer writes the receipts
  // it signed in one turn together): a sequencer's receipts read together are authenticated
  // by the newest one's signature (chain/sequencer/receiptChain.ts). Not at the end of the
  // loop's turn: a block executed in the same turn would hold them up.
  let relayedReceipts: { peer: string; bytes: Uint8Array }[] = [];
  const takeRelayedReceipts = () => {
    const batch = relayedReceipts;
    relayedReceipts = [];
    try {
      const verdicts = sequencing.relayedBatch(batch.map((m) => m.bytes));
      batch.forEach(({ peer, bytes }, i) => {
        const r = verdicts[i]!;
        if (r.verdict === "invalid") network.host.reportInvalid(peer, r.reason);
        else if (r.verdict === "new") network.relay.announce("receipt", sha256(bytes), bytes, peer);
        else if (r.verdict === "kept") network.relay.saw("receipt", sha256(bytes));
      });
    } catch (e) {
      // As the p2p host does for a message handler that throws: logged, and the node goes on.
      log.error("relayed receipts could not be taken in", { receipts: batch.length, error: String(e) });
    }
  };
  network.host.onMessage("receipts", (peer, bytes) => {
    if (relayedReceipts.push({ peer, bytes }) === 1) queueMicrotask(takeRelayedReceipts);
  });
  sequencing.onPublish((bytes) => {
    network.relay.saw("receipt", sha256(bytes));
    try {
      network.host.broadcast("receipts", bytes);
    } catch (e) {
      // A receipt past the channel's limit stays served here (strike_receipt, the websocket);
      // the tx and its block are not affected.
      log.warn("a receipt too large to relay to peers", { bytes: bytes.length, error: String(e) });
    }
  });
  // Speculative queries forwarded to the sequencer, and its signed answers (remoteQuery.ts).
  broadcastQuery = (bytes, except) => {
    let sent = 0;
    for (const p of network.host.peers()) if (p.id !== except && network.host.send(p.id, "queries", bytes)) sent++;
    return sent;
  };
  sendQuery = (peer, bytes) => void network.host.send(peer, "queries", bytes);
  network.host.onMessage("queries", (peer, bytes) => {
    const r = sequencing.queryMessage(peer, bytes);
    if (r.invalid !== undefined) network.host.reportInvalid(peer, r.invalid);
    else if (r.reply !== undefined) network.host.send(peer, "queries", r.reply);
  });
  // A peer that (re)connects missed the receipts broadcast while it was away: it gets this
  // node's receipts still in flight and those of the heights committed meanwhile (a client
  // waiting on that peer would never see its own, nor could it fetch them there later). They
  // go through the peer's send queue, which writes only as fast as the peer reads.
  network.host.onPeer((e) => {
    if (e.kind !== "connected") return;
    const missed = sequencing.catchUpReceipts(RECEIPTS_ON_CONNECT);
    let sent = 0;
    for (const bytes of missed) {
      if (!network.host.send(e.peerId, "receipts", bytes)) break;
      sent++;
    }
    if (missed.length > 0)
      log.debug("receipts sent to a peer that connected", { peer: e.peerId, sent, held: missed.length });
  });

  const indexing = config.txIndex.indexer === "kv";
  // Written after each block's commit, caught up from the block store at start-up (indexQueue.ts).
  const txIndex = indexing
    ? startTxIndexing({ db, indexer: txIndexer, blocks: blockStore, logger: log.with("txindex") })
    : undefined;
  if (diskFullAfter !== undefined)
    log.warn("TESTS ONLY: database writes fail as on a full disk past a height", { height: String(diskFullAfter) });
  const driver = createConsensusDriver({
    maxProposalMessageBytes,
    ...(skewMs === 0 ? {} : { now: () => Date.now() + skewMs }),
    chainId: genesis.chain_id,
    initialHeight: BigInt(genesis.initial_height),
    genesisTime: parseRfc3339(genesis.genesis_time),
    validators,
    consensusParams,
    app: metrics === undefined ? app : timedFinalize(app, metrics),
    db,
    blockStore,
    privValidator: { privateKey: validatorPrivKey, publicKey: validatorKey.pubKey },
    signStatePath: resolveHomePath(home, config.privValidatorStateFile),
    walPath: resolveHomePath(home, config.consensus.walFile),
    timeouts: {
      proposeMs: config.consensus.timeoutProposeMs,
      proposeDeltaMs: config.consensus.timeoutProposeDeltaMs,
      prevoteMs: config.consensus.timeoutPrevoteMs,
      prevoteDeltaMs: config.consensus.timeoutPrevoteDeltaMs,
      precommitMs: config.consensus.timeoutPrecommitMs,
      precommitDeltaMs: config.consensus.timeoutPrecommitDeltaMs,
      commitMs: config.consensus.timeoutCommitMs,
    },
    createEmptyBlocks: config.consensus.createEmptyBlocks,
    createEmptyBlocksIntervalMs: config.consensus.createEmptyBlocksIntervalMs,
    blockBuilder: {
      reapTxs: (maxBytes) => mempool.reap(maxBytes, consensusParams.block.maxGas),
      size: () => mempool.size(),
      openHeight: (plan) => sequencing.openHeight(plan),
      sealBlock: (height, lastCommit) => sequencing.sealBlock(height, lastCommit),
    },
    proposerSelection: (height, set) => sequencing.proposerSelection(height, set),
    onBlockCommitting(c: CommittedBlock, batch) {
      const height = c.block.header.height;
      for (const h of marketUpdates.keys()) if (h < height) marketUpdates.delete(h);
      marketUpdates.set(height, marketData.index(batch, height, c.block.header.time.seconds, c.results));
      sequencing.blockCommitting(c, batch);
      // In the same synchronous step as the app's Commit (see chain/mempool/mempool.ts), so
      // admissions go on while the block's batch is being written.
      mempool.update(c.block.txs);
    },
    onBlockCommitted(c: CommittedBlock) {
      // Epochs change at block boundaries: after each block, this node's thread takes the sequencer's priority or gives it back.
      sequencerPriority.update(sequencing.info()?.is_self === true);
      // Accounts' sequences moved: a peer's tx that came early may be next now.
      network.retryParked();
      validatorSetMaybeChanged();
      txIndex?.committed(c.block.header.height, c.block.txs, c.results.txResults);
      metrics?.blockCommitted(c);
      const update = marketUpdates.get(c.block.header.height);
      marketUpdates.delete(c.block.header.height);
      // The trade tape keeps the heights the block store keeps (min-retain-blocks).
      marketData.pruneBelow(blockStore.base).catch((e: unknown) => {
        log.error("pruning the trade tape failed", { below: String(blockStore.base), error: String(e) });
      });
      // The subscribers' copies in a turn of their own, in order: rendering a block for them
      // took ~15 ms of a saturated node's 1,000-tx commit turn (CPU profile), which a receipt
      // or an RPC answer waited behind. They still come before the next block's.
      setImmediate(() => {
        try {
          publishBlockEvents(eventBus, c.block, c.blockId, c.results);
          if (update !== undefined) marketFeed.blockCommitted(c.block.header.height, c.results, update);
        } catch (e) {
          log.error("block events could not be published", { height: String(c.block.header.height), error: String(e) });
        }
      });
    },
    network: network.consensus,
    ...(options.doubleSignForTesting === true ? { doubleSignForTesting: true } : {}),
    logger: log.with("consensus"),
    onFatal(e: unknown) {
      // Loud, not a silent stall: stop the process through its normal shutdown, exit code 1.
      log.error("consensus cannot go on: shutting the node down", { error: String(e) });
      process.exitCode = 1;
      process.kill(process.pid, "SIGTERM");
    },
  });

  currentValidators = () => driver.validators;
  const services: RpcServices = {
    node: {
      nodeInfo: () => ({
        id: nodeIdOf(nodeKey),
        listenAddr: config.p2p.laddr,
        network: genesis.chain_id,
        appVersion: 0n,
        channels: "40202122233038606100",
        moniker: config.moniker,
        txIndex: indexing ? "on" : "off",
        rpcAddress: config.rpc.laddr,
      }),
      validatorInfo: () => ({
        address: validatorKey.address,
        pubKey: validatorKey.pubKey,
        votingPower: driver.validators.find((v) => equalBytes(v.pubKey, validatorKey.pubKey))?.votingPower ?? 0n,
      }),
      isCatchingUp: () => network.catchingUp,
      peers: () =>
        network.host.peers().map((p) => ({
          nodeId: p.id,
          moniker: "",
          remoteIp: p.address.replace(/:\d+$/, ""),
          isOutbound: p.persistent,
        })),
    },
    app,
    blocks: blockStore,
    txIndexer: txIndex ?? txIndexer,
    eventBus,
    mempool: {
      checkAndAdd: (tx) => network.admitTx(tx),
      size: () => mempool.size(),
      sizeBytes: () => mempool.sizeBytes(),
      txs: (limit) => mempool.txs(limit),
    },
    genesis: () => genesis,
    sequencer: {
      receipt: (hash, waitMs) => sequencing.receipt(hash, waitMs),
      missingReceipt: (admitted, waitedMs) => sequencing.missingReceipt(admitted, waitedMs),
      info: () => sequencing.info(),
      txStatus: (hash) => sequencing.txStatus(hash),
      l1Finality: () => sequencing.l1Finality(),
      speculativeQuery: (path, data) => sequencing.speculativeQuery(path, data),
    },
    marketData: { index: marketData, feed: marketFeed },
  };
  const rpc = await startRpcServer({
    laddr: config.rpc.laddr,
    services,
    maxBodyBytes: config.rpc.maxBodyBytes,
    timeoutBroadcastTxCommitMs: config.rpc.timeoutBroadcastTxCommitMs,
    receiptWaitMs: config.rpc.receiptWaitMs,
    maxSubscriptionClients: config.rpc.maxSubscriptionClients,
    maxOpenConnections: config.rpc.maxOpenConnections,
    maxBatchRequests: config.rpc.maxBatchRequests,
    maxBatchResponseBytes: config.rpc.maxBatchResponseBytes,
    websocketWriteBufferBytes: config.rpc.websocketWriteBufferBytes,
    writeBufferTotalBytes: config.rpc.writeBufferTotalBytes,
    corsAllowedOrigins: config.rpc.corsAllowedOrigins,
    uiDir: dashboardDir(),
    logger: log.with("rpc"),
  }).catch(async (e: unknown) => {
    await verifierPool.close();
    await txIndex?.close();
    await state.close();
    await db.close();
    const reason = e instanceof Error ? e.message : String(e);
    throw nodeErrors.rpcUnavailable(
      `cannot serve RPC on ${config.rpc.laddr} (${reason}); choose another with --rpc.laddr`,
    );
  });
  await network.start(driver, blockStore).catch(async (e: unknown) => {
    await rpc.close();
    await verifierPool.close();
    await txIndex?.close();
    await state.close();
    await db.close();
    const reason =
      e instanceof StrikeError && p2pErrors.listenFailed.is(e)
        ? String(e.details["reason"])
        : e instanceof Error
          ? e.message
          : String(e);
    throw nodeErrors.p2pUnavailable(
      `cannot listen for peers on ${config.p2p.laddr} (${reason}); choose another with --p2p.laddr`,
    );
  });
  await driver.start();
  const metricsServer =
    metrics === undefined
      ? undefined
      : await startMetricsServer(config.instrumentation.prometheusListenAddr, metrics.registry).catch(
          async (e: unknown) => {
            await driver.stop();
            await network.stop();
            await rpc.close();
            await verifierPool.close();
            await txIndex?.close();
            await state.close();
            await db.close();
            throw e;
          },
        );
  // One sender per hot account: the feeder, the deposit watcher and the checkpoint signer
  // share the feeder key by default, and separate sequence counters collided under load.
  const senders = new Map<string, Promise<AccountTxSender>>();
  const senderFor = (key: FeederKey) => {
    let s = senders.get(key.address);
    if (s === undefined) {
      s = createAccountTxSender({
        key,
        chainId: genesis.chain_id,
        query: (req) => app.query(req),
        submitTx: (tx) => network.submitTx(tx),
        logger: log.with("sender"),
        onRetry: (service, reason) => metrics?.serviceTxRetried(service, reason),
      });
      senders.set(key.address, s);
    }
    return s;
  };
  // The validator's own services (price feeder, deposit watcher, checkpoint signer), where
  // the home configures them, run once this node is in the validator set: at start, or at
  // the first block after a bond made it a validator. A full node never sends their txs.
  const inValidatorSet = () => driver.validators.some((v) => equalBytes(v.pubKey, validatorKey.pubKey));
  const startValidatorServices = async () => ({
    feeder:
      feederKey === undefined
        ? undefined
        : await startFeederService({
            config: config.oracleFeeder,
            key: feederKey,
            sender: await senderFor(feederKey),
            chainId: genesis.chain_id,
            query: (req) => app.query(req),
            submitTx: (tx) => network.submitTx(tx),
            logger: log.with("feeder"),
          }),
    bridgeWatcher:
      bridgeKey === undefined
        ? undefined
        : await startBridgeWatcher({
            config: config.bridge,
            key: bridgeKey,
            sender: await senderFor(bridgeKey),
            chainId: genesis.chain_id,
            query: (req) => app.query(req),
            submitTx: (tx) => network.submitTx(tx),
            logger: log.with("bridge"),
          }),
    checkpointSigner:
      checkpointKeys === undefined
        ? undefined
        : await startCheckpointSigner({
            ethKey: checkpointKeys.eth,
            ...(blsKey === undefined ? {} : { blsKey }),
            account: checkpointKeys.account,
            sender: await senderFor(checkpointKeys.account),
            chainId: genesis.chain_id,
            fees: parseFee(config.oracleFeeder.fees),
            gasLimit: config.oracleFeeder.gasLimit,
            query: (req) => app.query(req),
            submitTx: (tx) => network.submitTx(tx),
            logger: log.with("checkpoint"),
          }),
  });
  let wasValidator = inValidatorSet();
  // In the set at start: a service that cannot start stops the node's start, as a bad config does.
  let validatorServices: Promise<Awaited<ReturnType<typeof startValidatorServices>>> | undefined = wasValidator
    ? Promise.resolve(await startValidatorServices())
    : undefined;
  let stopped = false;
  validatorSetMaybeChanged = () => {
    const now = inValidatorSet();
    if (now === wasValidator) return;
    wasValidator = now;
    log.info(
      now ? "this node's validator key joined the validator set" : "this node's validator key left the validator set",
      {
        address: validatorKey.address,
        height: String(driver.height),
      },
    );
    if (!now || validatorServices !== undefined || stopped) return;
    validatorServices = startValidatorServices();
    validatorServices.catch((e: unknown) =>
      log.error("the validator's services (feeder, deposit watcher, checkpoint signer) did not start", {
        error: String(e),
      }),
    );
  };
  if (!wasValidator)
    log.warn("this node's validator key is not in the validator set: running as a full node until it is", {
      address: validatorKey.address,
    });
  log.info("node started", {
    chain_id: genesis.chain_id,
    height: driver.height,
    rpc: rpc.url,
    node_id: nodeIdOf(nodeKey),
    peer_id: network.host.peerId,
    validator: toHex(validatorKey.address).toUpperCase(),
    in_validator_set: wasValidator,
    comet_compat: COMET_VERSION,
    ...(metricsServer === undefined ? {} : { metrics: `${metricsServer.url}/metrics` }),
  });

  const settlementWatch = settlement.start(sequencing.ladder, blockStore);

  return {
    rpcUrl: rpc.url,
    async stop() {
      if (stopped) return;
      stopped = true;
      const services = await validatorServices?.catch(() => undefined);
      await services?.checkpointSigner?.stop();
      await settlementWatch?.stop();
      await services?.feeder?.stop();
      await metricsServer?.close();
      await services?.bridgeWatcher?.stop();
      await network.stop();
      await driver.stop();
      await rpc.close();
      await verifierPool.close();
      await txIndex?.close();
      await marketData.close();
      eventBus.close();
      await state.close();
      await db.close();
      log.info("node stopped");
    },
  };
}
