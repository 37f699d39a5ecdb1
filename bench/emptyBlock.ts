/**
 * The cost of a block with nothing in it — the end-block work every block pays (expiries,
 * triggers, the liquidation and negative-equity scans, options, funding samples, commit) —
 * with many idle accounts: half the subaccounts hold an option position, every account has
 * a parked stop order far from the price. Measured at several sizes on the memory store to
 * show that the cost does not grow with the number of idle accounts. Also measures blocks
 * whose only tx is a small oracle move (triggers and safe bands are checked against it).
 * The machine's limit is the same block on a chain with no accounts at all: the floor of
 * the fixed per-block work on this machine. Both wall and CPU time per block are recorded; the
 * ratios use CPU time, which a shared machine's load distorts less.
 *
 * Blocks carry the previous block's hash as a node's do, so the checkpoint module records a
 * checkpoint every `interval` (10) blocks, and that block's begin-block computes the exit
 * root over every account's equity (modules/bridge). Those blocks are reported apart
 * (`checkpointBlock`): their cost grows with the number of accounts. So are the blocks
 * that pay perpetual funding (`fundingBlock`, every BENCH_FUNDING_INTERVAL blocks here, the
 * genesis default being 600): the other half of the accounts hold ETH-PERP, and every holder
 * pays or receives.
 * Writes bench/results/empty-block.json.
 *
 * A last run repeats the first loaded size beside BENCH_IDLE accounts that only hold uusdc
 * (they never signed, so they have no L1 address, but their claims count toward the cut):
 * the exit root reads an account again only when something of it changed.
 *
 * A last run takes the genesis `strike testnet` writes (what `make start` runs: four validators
 * signing every block, their feeders, staking, the checkpoint set with Ethereum keys, the
 * default markets), with the four signing each block as a node's last commit says: the fixed
 * cost every block of the localnet pays on each validator before any tx. Its prices are kept
 * fresh (stale_after_seconds raised) as the validators' feeders keep them on a live localnet.
 *
 *   npx tsx bench/emptyBlock.ts        (BENCH_SIZES=0,2000,10000 BENCH_BLOCKS=200 BENCH_FUNDING_INTERVAL=50 BENCH_IDLE=20000)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MsgDeposit } from "../chain/codec/generated/strike/margin/v1/tx.js";
import { OptionKind } from "../chain/codec/generated/strike/orderbook/v1/market.js";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
} from "../chain/codec/generated/strike/orderbook/v1/order.js";
import { MsgPlaceOrder, type OrderSpec } from "../chain/codec/generated/strike/orderbook/v1/tx.js";
import { MsgSubmitPrices } from "../chain/codec/generated/strike/oracle/v1/tx.js";
import { addressToBech32 } from "../chain/crypto/address.js";
import { createMemoryDatabase } from "../chain/store/memoryDb.js";
import { openStateStore } from "../chain/store/stateStore.js";
import { createStrikeApp } from "../app/strikeApp.js";
import { parseDecCoins } from "../chain/runtime/coins.js";
import { defaultBankGenesis } from "../modules/bank/genesis.js";
import { defaultMarginGenesis } from "../modules/margin/genesis.js";
import { defaultAuthGenesis, baseAccountJson } from "../modules/auth/genesis.js";
import { addOracleFeeder, defaultOracleGenesis } from "../modules/oracle/index.js";
import { defaultOrderbookGenesis, optionMarketId } from "../modules/orderbook/index.js";
import { defaultExpiries } from "../modules/orderbook/markets.js";
import { percentile, writeResult } from "./lib/machine.js";
import { genesisValidators, initChainRequest } from "../app/genesisState.js";
import type { GenesisDoc } from "../genesis/index.js";
import { senderFromKey, sha256, signMessages, type Sender } from "./lib/sendTx.js";
import { runAsNode } from "./lib/nodeFlags.js";

runAsNode(import.meta.url);

const SIZES = (process.env.BENCH_SIZES ?? "0,2000,10000").split(",").map(Number);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 200);
const MOVE_BLOCKS = Number(process.env.BENCH_MOVE_BLOCKS ?? 50);
const FUNDING_INTERVAL = Number(process.env.BENCH_FUNDING_INTERVAL ?? 50);
const IDLE = Number(process.env.BENCH_IDLE ?? 20_000);
const TXS_PER_BLOCK = 1000;
const CHAIN_ID = "strike-bench-1";
const GENESIS_SECONDS = 1_700_000_000n;
const TARGET_MS = 5;
const EXPIRY = defaultExpiries(GENESIS_SECONDS)[0]!;
const SERIES = [2600n, 2800n, 3000n, 3200n, 3400n].flatMap((k) => [
  optionMarketId("ETH", EXPIRY, k, OptionKind.OPTION_KIND_CALL),
  optionMarketId("ETH", EXPIRY, k, OptionKind.OPTION_KIND_PUT),
]);

const senderCache: Sender[] = [];
function sender(i: number): Sender {
  while (senderCache.length <= i) {
    const n = senderCache.length;
    senderCache.push(senderFromKey(sha256(new TextEncoder().encode(`strike bench key ${n}`)), BigInt(n)));
  }
  return senderCache[i]!;
}

function spec(market: string, side: Side, size: string, price: string, extra: Partial<OrderSpec> = {}): OrderSpec {
  return {
    market,
    side,
    price,
    size,
    timeInForce: TimeInForce.TIME_IN_FORCE_UNSPECIFIED,
    orderType: OrderType.ORDER_TYPE_LIMIT,
    reduceOnly: false,
    clientId: 0n,
    goodTilBlock: 0n,
    goodTilTime: 0n,
    triggerType: TriggerType.TRIGGER_TYPE_UNSPECIFIED,
    triggerPrice: "",
    selfTrade: SelfTradePrevention.SELF_TRADE_PREVENTION_UNSPECIFIED,
    selfTradeAllSubaccounts: false,
    ...extra,
  };
}
const placeMsg = (owner: string, order: OrderSpec) => ({
  typeUrl: "/strike.orderbook.v1.MsgPlaceOrder",
  value: MsgPlaceOrder.encode({ owner, subaccount: 0, order }).finish(),
});
const depositMsg = (owner: string) => ({
  typeUrl: "/strike.margin.v1.MsgDeposit",
  value: MsgDeposit.encode({ owner, subaccount: 0, amount: "10000000000" }).finish(),
});

/** An account that only ever received uusdc: no key, no subaccount, no tx. */
function idleAddress(i: number): string {
  const b = new Uint8Array(20).fill(0xee);
  new DataView(b.buffer).setUint32(16, i);
  return addressToBech32(b);
}

async function newChain(accounts: number, idle = 0) {
  const senders = Array.from({ length: accounts + 1 }, (_, i) => sender(i));
  const feeder = senders[accounts]!;
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const app = createStrikeApp({ state, minGasPrices: parseDecCoins("0.025ustrike") });
  const auth = defaultAuthGenesis();
  const idles = Array.from({ length: idle }, (_, i) => idleAddress(i));
  auth.accounts = [
    ...senders.map((s) => baseAccountJson(s.address, s.accountNumber)),
    ...idles.map((a, i) => baseAccountJson(a, BigInt(senders.length + i))),
  ];
  const bank = defaultBankGenesis();
  bank.balances = [
    ...senders.map((s) => ({
      address: s.address,
      coins: [
        { denom: "ustrike", amount: "1000000000000000" },
        { denom: "uusdc", amount: "1000000000000" },
      ],
    })),
    ...idles.map((address) => ({ address, coins: [{ denom: "uusdc", amount: "1000000" }] })),
  ];
  const oracle = addOracleFeeder(defaultOracleGenesis(), feeder.address, 1n);
  // Blocks are a second apart: the feeder's one price stays fresh for the whole run.
  (oracle["params"] as Record<string, string>)["stale_after_seconds"] = "1000000000";
  app.initChain({
    chainId: CHAIN_ID,
    time: { seconds: GENESIS_SECONDS, nanos: 0 },
    initialHeight: 1n,
    consensusParams: {
      block: { maxBytes: 64_000_000n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    validators: [],
    appState: {
      auth,
      bank,
      oracle,
      orderbook: defaultOrderbookGenesis(GENESIS_SECONDS),
      margin: { params: { ...defaultMarginGenesis().params, fundingIntervalBlocks: String(FUNDING_INTERVAL) } },
    },
  });
  let height = 0n;
  const block = async (txs: Uint8Array[]) => {
    height += 1n;
    const res = app.finalizeBlock({
      txs,
      height,
      time: { seconds: GENESIS_SECONDS + height, nanos: 0 },
      hash: new Uint8Array(32),
      proposerAddress: new Uint8Array(20),
      // A node's blocks name the last block: with it, begin-block records checkpoints.
      lastBlockHash: new Uint8Array(32).fill(1),
      misbehavior: [],
    });
    const batch = db.batch();
    app.commit(batch);
    await batch.write();
    for (const r of res.txResults)
      if (r.code !== 0) throw new TypeError(`setup tx failed: ${r.codespace}/${r.code} ${r.log}`);
    return res;
  };
  return { senders: senders.slice(0, accounts), feeder, block };
}

/**
 * Every account deposits and parks a stop sell far below the price; in the first half pairs
 * trade 0.01 of an option series, in the second half 0.01 ETH-PERP; then 4 ETH bid above the
 * price and 4 ETH asked over it rest, more than the 10,000 USDC impact notional a side, so
 * funding has a rate (the capped one, as the 2990/3020 mid of 0.01 ETH quotes gave before).
 */
async function populate(chain: Awaited<ReturnType<typeof newChain>>): Promise<void> {
  const { senders, block } = chain;
  const setup = senders.map((s, i) =>
    signMessages(
      s,
      [
        depositMsg(s.address),
        placeMsg(
          s.address,
          spec("ETH-PERP", Side.SIDE_SELL, "0.01", "1000", {
            triggerType: TriggerType.TRIGGER_TYPE_STOP,
            triggerPrice: String(1500 + (i % 1000)),
          }),
        ),
      ],
      0n,
      CHAIN_ID,
      2_000_000n,
    ),
  );
  for (let i = 0; i < setup.length; i += TXS_PER_BLOCK) await block(setup.slice(i, i + TXS_PER_BLOCK));
  // Half the accounts hold options: account 2k writes 0.01 of a series, account 2k+1 buys it.
  const trades: Uint8Array[] = [];
  for (let k = 0; 2 * k + 1 < senders.length / 2; k++) {
    const market = SERIES[k % SERIES.length]!;
    const [seller, buyer] = [senders[2 * k]!, senders[2 * k + 1]!];
    trades.push(
      signMessages(
        seller,
        [placeMsg(seller.address, spec(market, Side.SIDE_SELL, "0.01", "100"))],
        1n,
        CHAIN_ID,
        2_000_000n,
      ),
    );
    trades.push(
      signMessages(
        buyer,
        [
          placeMsg(
            buyer.address,
            spec(market, Side.SIDE_BUY, "0.01", "100", { timeInForce: TimeInForce.TIME_IN_FORCE_IOC }),
          ),
        ],
        1n,
        CHAIN_ID,
        2_000_000n,
      ),
    );
  }
  const half = Math.floor(senders.length / 2);
  for (let k = 0; half + 2 * k + 1 < senders.length; k++) {
    const [seller, buyer] = [senders[half + 2 * k]!, senders[half + 2 * k + 1]!];
    trades.push(
      signMessages(
        seller,
        [placeMsg(seller.address, spec("ETH-PERP", Side.SIDE_SELL, "0.01", "3000"))],
        1n,
        CHAIN_ID,
        2_000_000n,
      ),
      signMessages(
        buyer,
        [
          placeMsg(
            buyer.address,
            spec("ETH-PERP", Side.SIDE_BUY, "0.01", "3000", { timeInForce: TimeInForce.TIME_IN_FORCE_IOC }),
          ),
        ],
        1n,
        CHAIN_ID,
        2_000_000n,
      ),
    );
  }
  for (let i = 0; i < trades.length; i += TXS_PER_BLOCK) await block(trades.slice(i, i + TXS_PER_BLOCK));
  if (senders.length < 4) return; // accounts 0 and 1 traded options above
  const [bidder, asker] = [senders[0]!, senders[1]!];
  await block([
    signMessages(bidder, [placeMsg(bidder.address, spec("ETH-PERP", Side.SIDE_BUY, "4", "3010"))], 2n, CHAIN_ID),
    signMessages(asker, [placeMsg(asker.address, spec("ETH-PERP", Side.SIDE_SELL, "4", "3020"))], 2n, CHAIN_ID),
  ]);
}

function stats(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  return {
    meanMs: Number(mean.toFixed(3)),
    p50Ms: Number(percentile(sorted, 50).toFixed(3)),
    p99Ms: Number(percentile(sorted, 99).toFixed(3)),
  };
}

async function measure(accounts: number, idle = 0) {
  const chain = await newChain(accounts, idle);
  const s0 = performance.now();
  if (accounts > 0) await populate(chain);
  const setupSeconds = (performance.now() - s0) / 1000;
  for (let i = 0; i < 20; i++) await chain.block([]); // warm-up
  const empty: number[] = [];
  // CPU time as well as wall time: on a shared machine the wall clock also counts waiting for a core.
  const emptyCpu: number[] = [];
  const checkpoint: number[] = [];
  const checkpointCpu: number[] = [];
  const funding: number[] = [];
  const fundingCpu: number[] = [];
  for (let i = 0; i < BLOCKS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const res = await chain.block([]);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1000;
    // Funding heights (h mod interval = 0) and checkpoint heights (h mod 10 = 1) are apart.
    if (res.events.some((e) => e.type === "funding")) {
      funding.push(ms);
      fundingCpu.push(cpu);
    } else if (res.events.some((e) => e.type === "checkpoint")) {
      checkpoint.push(ms);
      checkpointCpu.push(cpu);
    } else {
      empty.push(ms);
      emptyCpu.push(cpu);
    }
  }
  // One small oracle move per block (3000 ↔ 3001.5): the feeder's tx and what a move makes the end block read.
  const moves: number[] = [];
  for (let i = 0; i < MOVE_BLOCKS; i++) {
    const price = i % 2 === 0 ? "3001.5" : "3000";
    const tx = signMessages(
      chain.feeder,
      [
        {
          typeUrl: "/strike.oracle.v1.MsgSubmitPrices",
          value: MsgSubmitPrices.encode({ feeder: chain.feeder.address, prices: [{ asset: "ETH", price }] }).finish(),
        },
      ],
      BigInt(i),
      CHAIN_ID,
    );
    const t0 = performance.now();
    const res = await chain.block([tx]);
    // A checkpoint or funding height's cost is theirs (above), not the move's.
    if (!res.events.some((e) => e.type === "checkpoint" || e.type === "funding")) moves.push(performance.now() - t0);
  }
  return {
    subaccounts: accounts,
    idleAccounts: idle,
    withOptionPositions: accounts === 0 ? 0 : Math.floor(accounts / 2),
    withPerpPositions: 2 * Math.floor((accounts - Math.floor(accounts / 2)) / 2),
    parkedTriggers: accounts,
    setupSeconds: Number(setupSeconds.toFixed(1)),
    emptyBlock: stats(empty),
    emptyBlockCpu: stats(emptyCpu),
    checkpointBlocks: checkpoint.length,
    checkpointBlock: checkpoint.length === 0 ? null : stats(checkpoint),
    checkpointBlockCpu: checkpoint.length === 0 ? null : stats(checkpointCpu),
    fundingBlocks: funding.length,
    fundingBlock: funding.length === 0 ? null : stats(funding),
    fundingBlockCpu: funding.length === 0 ? null : stats(fundingCpu),
    checkpointCpuMsPerSubaccount:
      accounts === 0 || checkpointCpu.length === 0 ? null : Number((stats(checkpointCpu).meanMs / accounts).toFixed(4)),
    priceMoveBlock: stats(moves),
  };
}

/** `strike testnet`'s genesis (four validators), written by the CLI into a temporary folder. */
function testnetGenesis(): GenesisDoc {
  const dir = mkdtempSync(join(tmpdir(), "strike-empty-block-"));
  try {
    const cli = fileURLToPath(new URL("../bin/strike.js", import.meta.url));
    execFileSync(process.execPath, [cli, "testnet", "--output", dir], { stdio: "ignore" });
    return JSON.parse(readFileSync(join(dir, "node0", "config", "genesis.json"), "utf8")) as GenesisDoc;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Empty blocks on the testnet's genesis, the four validators signing each, a node's block times (100 ms apart). */
async function measureTestnet() {
  const genesis = testnetGenesis();
  const oracle = (genesis.app_state as Record<string, { params: Record<string, string> }>)["oracle"]!;
  oracle.params["stale_after_seconds"] = "1000000000";
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const app = createStrikeApp({ state, minGasPrices: parseDecCoins("0.025ustrike") });
  app.initChain(initChainRequest(genesis));
  const validators = genesisValidators(genesis);
  const start = BigInt(Math.floor(Date.parse(genesis.genesis_time) / 1000));
  let height = 0n;
  const block = async () => {
    height += 1n;
    app.finalizeBlock({
      txs: [],
      height,
      time: { seconds: start + height / 10n, nanos: Number(height % 10n) * 100_000_000 },
      hash: new Uint8Array(32).fill(2),
      proposerAddress: validators[Number(height % BigInt(validators.length))]!.address,
      lastBlockHash: new Uint8Array(32).fill(1),
      misbehavior: [],
      decidedLastCommit: {
        votes: validators.map((v) => ({ validatorAddress: v.address, power: v.votingPower, signed: true })),
      },
    });
    const batch = db.batch();
    app.commit(batch);
    await batch.write();
  };
  for (let i = 0; i < 300; i++) await block(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < BLOCKS * 2; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await block();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { validators: validators.length, blocks: wall.length, emptyBlock: stats(wall), emptyBlockCpu: stats(cpu) };
}

const results = [];
for (const n of SIZES) {
  const r = await measure(n);
  console.log(JSON.stringify(r));
  results.push(r);
}
// The same chain as the first loaded size, beside accounts that only hold uusdc: a checkpoint
// reads an account again only when something of it changed, so they cost it nothing.
const idleRun = IDLE > 0 ? await measure(SIZES.find((n) => n > 0) ?? 0, IDLE) : undefined;
if (idleRun !== undefined) console.log(JSON.stringify(idleRun));
const testnet = await measureTestnet();
console.log(JSON.stringify({ testnetGenesis: testnet }));
const floor = results.find((r) => r.subaccounts === 0)?.emptyBlockCpu.meanMs;
const largest = results[results.length - 1]!;
const smallestLoaded = results.find((r) => r.subaccounts > 0);
const path = writeResult("empty-block", {
  target: { emptyBlockMs: TARGET_MS, independentOfIdleAccounts: true },
  blocksMeasured: BLOCKS,
  priceMoveBlocksMeasured: MOVE_BLOCKS,
  loadAverage: loadavg(),
  results,
  // The machine's limit: the same empty block with no accounts at all.
  machineFloorMs: floor ?? null,
  // Ratios of CPU time per empty block (the wall clock on a loaded machine mostly measures the queue).
  largestOverFloor: floor === undefined ? null : Number((largest.emptyBlockCpu.meanMs / floor).toFixed(2)),
  largestOverTarget: Number((largest.emptyBlockCpu.meanMs / TARGET_MS).toFixed(3)),
  largestOverSmallest:
    smallestLoaded === undefined
      ? null
      : Number((largest.emptyBlockCpu.meanMs / smallestLoaded.emptyBlockCpu.meanMs).toFixed(2)),
  fundingInterval: FUNDING_INTERVAL,
  // The same for checkpoint heights: the exit root reads every account.
  /** The first loaded size again with IDLE accounts that only hold uusdc (never signed, no subaccount). */
  withIdleAccounts: idleRun ?? null,
  /** `strike testnet`'s genesis, its four validators signing every block: what each localnet validator pays per block. */
  testnetGenesis: testnet,
  testnetOverFloor: floor === undefined ? null : Number((testnet.emptyBlockCpu.meanMs / floor).toFixed(2)),
  checkpointLargestOverSmallest:
    smallestLoaded?.checkpointBlockCpu == null || largest.checkpointBlockCpu === null
      ? null
      : Number((largest.checkpointBlockCpu.meanMs / smallestLoaded.checkpointBlockCpu.meanMs).toFixed(2)),
});
console.log(`wrote ${path}`);
