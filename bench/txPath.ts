/**
 * The in-process cost of one signed bank send on the transaction hot path: CheckTx
 * (mempool admission), DeliverTx (finalizeBlock + commit on the memory store, blocks of
 * BLOCK txs) and tx indexing (into a memory Database), without RPC, consensus or disk.
 * The scenario is run ROUNDS times on fresh apps (the first warms the JIT); the best round
 * is reported. A fingerprint of every app hash and tx result pins behaviour: it must not
 * change when the code gets faster. The limit it is set against is measured in the same run:
 * secp256k1 verifications per second on this thread (each tx carries one signature, which
 * CheckTx verifies; DeliverTx finds it in the signature cache). Also the mempool's re-check
 * after a commit, per tx, from records and by running the ante (`recheck`). Writes
 * bench/results/tx-path.json.
 *
 *   npx tsx bench/txPath.ts            (BENCH_TXS, BENCH_ACCOUNTS, BENCH_BLOCK, BENCH_ROUNDS)
 *   BENCH_LABEL=before npx tsx bench/txPath.ts   records the figures as the "before" baseline
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadavg } from "node:os";
import { createMemoryDatabase } from "../chain/store/memoryDb.js";
import { openStateStore } from "../chain/store/stateStore.js";
import { createStrikeApp } from "../app/strikeApp.js";
import { parseDecCoins } from "../chain/runtime/coins.js";
import { openTxIndexer } from "../chain/indexer/txIndexer.js";
import type { TxResult } from "../chain/types/abci.js";
import { defaultBankGenesis } from "../modules/bank/genesis.js";
import { defaultAuthGenesis, baseAccountJson } from "../modules/auth/genesis.js";
import { measureVerificationLimit, resultsDir, writeResult } from "./lib/machine.js";
import { senderFromKey, sha256, signSend, type Sender } from "./lib/sendTx.js";
import { runAsNode } from "./lib/nodeFlags.js";

runAsNode(import.meta.url);

const TXS = Number(process.env.BENCH_TXS ?? 5000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100);
const BLOCK = Number(process.env.BENCH_BLOCK ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LABEL = process.env.BENCH_LABEL ?? "after";
const CHAIN_ID = "strike-bench-1";

function sender(i: number): Sender {
  return senderFromKey(sha256(new TextEncoder().encode(`strike bench key ${i}`)), BigInt(i));
}

/** TXS sends, round-robin over the accounts so that consecutive txs come from different senders. */
function buildTxs(senders: Sender[]): Uint8Array[] {
  const txs: Uint8Array[] = [];
  for (let i = 0; i < TXS; i++) {
    const s = senders[i % senders.length]!;
    const to = senders[(i * 7 + 3) % senders.length]!;
    txs.push(signSend(s, to.address, BigInt(Math.floor(i / senders.length)), CHAIN_ID));
  }
  return txs;
}

async function newApp(senders: Sender[], replayRechecks = true) {
  const db = createMemoryDatabase();
  const state = await openStateStore({ db, keepRecent: 0 });
  const app = createStrikeApp({ state, minGasPrices: parseDecCoins("0.025ustrike"), replayRechecks });
  const auth = defaultAuthGenesis();
  auth.accounts = senders.map((s) => baseAccountJson(s.address, s.accountNumber));
  const bank = defaultBankGenesis();
  bank.balances = senders.map((s) => ({
    address: s.address,
    coins: [
      { denom: "ustrike", amount: "1000000000000" },
      { denom: "uusdc", amount: "1000000000000" },
    ],
  }));
  app.initChain({
    chainId: CHAIN_ID,
    time: { seconds: 1_700_000_000n, nanos: 0 },
    initialHeight: 1n,
    consensusParams: {
      block: { maxBytes: 4_000_000n, maxGas: -1n },
      evidence: { maxAgeNumBlocks: 100000n, maxAgeDurationNs: 172800000000000n, maxBytes: 1048576n },
      validator: { pubKeyTypes: ["ed25519"] },
    },
    validators: [],
    appState: { auth, bank },
  });
  return { app, db };
}

/** Executes and commits block `height` of `txs`; its tx results. */
async function commitBlock(
  app: Awaited<ReturnType<typeof newApp>>["app"],
  db: Awaited<ReturnType<typeof newApp>>["db"],
  height: bigint,
  txs: Uint8Array[],
): Promise<TxResult[]> {
  const res = app.finalizeBlock({
    txs,
    height,
    time: { seconds: 1_700_000_000n + height, nanos: 0 },
    hash: new Uint8Array(32),
    proposerAddress: new Uint8Array(20),
    misbehavior: [],
  });
  const batch = db.batch();
  app.commit(batch);
  await batch.write();
  return res.txResults;
}

/** Everything consensus sees of a result, as text: any behaviour change shows in the fingerprint. */
function resultText(r: TxResult): string {
  const events = r.events
    .map((e) => `${e.type}{${e.attributes.map((a) => `${a.key}=${a.value}${a.index ? "" : "!"}`).join(",")}}`)
    .join(";");
  return `${r.code}|${r.codespace}|${r.log}|${r.info}|${Buffer.from(r.data).toString("hex")}|${r.gasWanted}|${r.gasUsed}|${events}`;
}

interface Round {
  checkTxPerSecond: number;
  deliverTxPerSecond: number;
  indexTxPerSecond: number;
  microsPerTx: { checkTx: number; deliverTx: number; index: number; total: number; indexBuildOnly?: number };
  fingerprint: string;
}

async function round(senders: Sender[], txs: Uint8Array[]): Promise<Round> {
  const { app, db } = await newApp(senders);
  const fp = createHash("sha256");

  let t = performance.now();
  for (const tx of txs) {
    const r = app.checkTx(tx, "new");
    if (r.code !== 0) throw new TypeError(`checkTx failed: ${r.log}`);
    fp.update(resultText(r));
  }
  const checkMs = performance.now() - t;

  const blocks: { height: bigint; txs: Uint8Array[]; results: TxResult[] }[] = [];
  t = performance.now();
  for (let i = 0, h = 1n; i < txs.length; i += BLOCK, h++) {
    const blockTxs = txs.slice(i, i + BLOCK);
    blocks.push({ height: h, txs: blockTxs, results: await commitBlock(app, db, h, blockTxs) });
  }
  const deliverMs = performance.now() - t;
  for (const b of blocks) {
    for (const r of b.results) {
      if (r.code !== 0) throw new TypeError(`deliverTx failed: ${r.log}`);
      fp.update(resultText(r));
    }
  }
  fp.update(Buffer.from(app.info().lastBlockAppHash).toString("hex"));

  const indexDb = createMemoryDatabase();
  const indexer = await openTxIndexer(indexDb);
  // The indexer's own work (keys and records into the batch) apart from the memory database's write.
  let indexBuildMs = 0;
  t = performance.now();
  for (const b of blocks) {
    const batch = indexDb.batch();
    const t0 = performance.now();
    indexer.index(batch, b.height, b.txs, b.results);
    indexBuildMs += performance.now() - t0;
    await batch.write();
  }
  const indexMs = performance.now() - t;
  // The index must still answer what tx_search asks of it.
  const found = await indexer.search(`transfer.recipient='${senders[3]!.address}'`, {
    page: 1,
    perPage: 100,
    orderBy: "asc",
  });
  fp.update(`search:${found.totalCount}`);
  const byHash = await indexer.getByHash(sha256(txs[0]!));
  fp.update(`hash:${byHash === undefined ? "missing" : resultText(byHash.result)}`);

  const us = (ms: number) => Math.round((ms * 1000) / txs.length);
  return {
    checkTxPerSecond: Math.round(txs.length / (checkMs / 1000)),
    deliverTxPerSecond: Math.round(txs.length / (deliverMs / 1000)),
    indexTxPerSecond: Math.round(txs.length / (indexMs / 1000)),
    microsPerTx: {
      checkTx: us(checkMs),
      deliverTx: us(deliverMs),
      index: us(indexMs),
      total: us(checkMs + deliverMs + indexMs),
      indexBuildOnly: us(indexBuildMs),
    },
    fingerprint: fp.digest("hex"),
  };
}

/**
 * The mempool's re-check after a commit, per tx still held: every tx admitted by CheckTx, an
 * empty block committed, then each re-checked in order against the new check state, either
 * from the record of its last ante (chain/runtime/anteReplay.ts) or by running the ante again
 * (`replayRechecks: false`). Each way on its own app, so the fingerprint above is unchanged.
 */
async function recheckRound(senders: Sender[], txs: Uint8Array[], replay: boolean): Promise<number> {
  const { app, db } = await newApp(senders, replay);
  for (const tx of txs) if (app.checkTx(tx, "new").code !== 0) throw new TypeError("checkTx failed");
  await commitBlock(app, db, 1n, []);
  const t = performance.now();
  for (const tx of txs) if (app.checkTx(tx, "recheck").code !== 0) throw new TypeError("re-check failed");
  const ms = performance.now() - t;
  if ((app.reuse.recheckReplayed === txs.length) !== replay) throw new TypeError("re-checks not taken the way asked");
  return Math.round((ms * 1000 * 100) / txs.length) / 100;
}

async function main(): Promise<void> {
  const senders = Array.from({ length: ACCOUNTS }, (_, i) => sender(i));
  const txs = buildTxs(senders);
  // Alternated, best of the rounds each.
  const recheck = { fromRecordMicrosPerTx: Infinity, anteAgainMicrosPerTx: Infinity };
  for (let i = 0; i < ROUNDS; i++) {
    recheck.anteAgainMicrosPerTx = Math.min(recheck.anteAgainMicrosPerTx, await recheckRound(senders, txs, false));
    recheck.fromRecordMicrosPerTx = Math.min(recheck.fromRecordMicrosPerTx, await recheckRound(senders, txs, true));
  }
  console.log(
    `re-check: ${recheck.fromRecordMicrosPerTx} µs/tx from records, ${recheck.anteAgainMicrosPerTx} running the ante`,
  );
  const rounds: Round[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = await round(senders, txs);
    rounds.push(r);
    console.log(
      `round ${i + 1}: checkTx ${r.checkTxPerSecond}/s, deliverTx ${r.deliverTxPerSecond}/s, index ${r.indexTxPerSecond}/s, ${r.microsPerTx.total} µs/tx`,
    );
  }
  if (new Set(rounds.map((r) => r.fingerprint)).size !== 1)
    throw new TypeError("rounds disagree: execution is not deterministic");
  const best = rounds.reduce((a, b) => (b.microsPerTx.total < a.microsPerTx.total ? b : a));

  const path = join(resultsDir(), "tx-path.json");
  const previous = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : {};
  const figures = {
    ...best,
    rounds: rounds.map(({ fingerprint: _f, ...r }) => r),
    loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    measuredAt: new Date().toISOString(),
  };
  let before = LABEL === "before" ? figures : previous.before;
  if (before !== undefined && (before as Round).fingerprint !== best.fingerprint) {
    // A baseline of other behaviour is no baseline: it is dropped, not compared.
    console.log(
      `WARNING: fingerprint ${best.fingerprint} differs from the baseline's ${(before as Round).fingerprint}: behaviour changed; the baseline is dropped`,
    );
    before = undefined;
  }
  const limit = await measureVerificationLimit();
  const perLimit = (perSecond: number) => Number((perSecond / limit.secp256k1PerSecondOneThread).toFixed(3));
  const out = writeResult("tx-path", {
    scenario: {
      txs: TXS,
      accounts: ACCOUNTS,
      txsPerBlock: BLOCK,
      rounds: ROUNDS,
      tx: "MsgSend 1uusdc, fee 5000ustrike, gas 200000, SIGN_MODE_DIRECT",
      store: "memory",
    },
    loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    limit,
    fractionOfLimit: {
      checkTx: perLimit(best.checkTxPerSecond),
      deliverTx: perLimit(best.deliverTxPerSecond),
      endToEnd: perLimit(Math.round(1e6 / best.microsPerTx.total)),
    },
    ...(before === undefined ? {} : { before }),
    ...(LABEL === "before" ? {} : { after: figures }),
    recheck,
  });
  console.log(`best: ${JSON.stringify(best)}\nwrote ${out}`);
}

await main();
