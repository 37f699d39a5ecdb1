/**
 * The sequencer's own cost per order, without consensus, RPC or other processes: an open
 * height on the in-process app (memory store), each pre-signed order admitted through the
 * sequencing mempool — CheckTx (decode, signature, ante), then execution on the speculative
 * state (the ante again, its signature a cache hit, and the order) and receipt signing —
 * timed from arrival to the stored, signed receipt and to the end of admission. A node
 * verifies the signature in its worker pool before CheckTx; here it is on this thread.
 */
import { createEd25519Signer } from "../../chain/crypto/ed25519.js";
import { sha256 } from "../../chain/crypto/hash.js";
import { createMempool } from "../../chain/mempool/mempool.js";
import { TimeInForce } from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import { sequencingMempool } from "../../chain/sequencer/admission.js";
import { createReceiptStore } from "../../chain/sequencer/receiptStore.js";
import { createSequencer } from "../../chain/sequencer/sequencer.js";
import { account, CHAIN_ID, signTx } from "../../test/unit/runtime/fixture.js";
import {
  createTradingFixture,
  deposit,
  GENESIS_SECONDS,
  orderSpec,
  place,
  sendBlock,
} from "../../test/integration/trading/fixture.js";
import { percentile } from "./machine.js";

export async function sequencerCostInProcess(orders: number, traders = 20) {
  const f = await createTradingFixture({ accounts: traders + 1 });
  const accounts = f.accounts.slice(0, traders);
  await sendBlock(
    f,
    accounts.map((a) => ({ signer: a, msgs: [deposit(a.address, 1_000_000n)] })),
  );
  const seqs = await Promise.all(accounts.map(async (a) => (await account(f, a.address))!.sequence));
  const txs: Uint8Array[] = [];
  for (let i = 0; i < orders; i++) {
    const k = i % traders;
    const a = accounts[k]!;
    const buy = i % 2 === 0;
    const crossing = i % 10 < 3;
    const offset = 1 + (i % 5);
    const price = String(3000 + (crossing ? (buy ? offset : -offset) : buy ? -offset : offset));
    const spec = orderSpec("ETH-PERP", buy ? "buy" : "sell", "1", price, {
      timeInForce: crossing ? TimeInForce.TIME_IN_FORCE_IOC : TimeInForce.TIME_IN_FORCE_GTC,
    });
    txs.push(
      await signTx(a, {
        sequence: seqs[k]!,
        msgs: [place(a.address, spec)],
        fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 },
      }),
    );
    seqs[k]! += 1n;
  }
  const receipts = createReceiptStore();
  const mempool = createMempool({ app: f.app, maxTxs: 100_000, maxBytes: 1 << 28, maxTxBytes: 1 << 20 });
  const sequencer = createSequencer({
    chainId: CHAIN_ID,
    app: f.app,
    pending: () => [],
    signer: createEd25519Signer(new Uint8Array(32).fill(3)),
    epoch: () => 0n,
    receipts,
    maxBlockBytes: 1 << 28,
    maxBlockGas: -1n,
    now: () => performance.now(),
  });
  const admit = sequencingMempool(mempool, sequencer);
  const height = f.height + 1n;
  sequencer.openHeight({
    height,
    time: { seconds: GENESIS_SECONDS + height, nanos: 0 },
    proposerAddress: new Uint8Array(20),
    evidence: [],
    misbehavior: [],
    decidedLastCommit: { votes: [] },
  });
  const ms: number[] = [];
  const toReceipt: number[] = [];
  let receipted = 0;
  // CPU time too: on a shared machine the wall time includes waiting for a core.
  const cpu0 = process.cpuUsage();
  for (const tx of txs) {
    const t0 = performance.now();
    admit.checkAndAdd(tx);
    const r = receipts.get(sha256(tx));
    ms.push(performance.now() - t0);
    if (r !== undefined) toReceipt.push(r.receivedAtMs - t0);
    if (r?.stage === "sequenced") receipted++;
  }
  const cpu = process.cpuUsage(cpu0);
  const firstHalf = ms.slice(0, ms.length / 2).reduce((a, b) => a + b, 0) / (ms.length / 2);
  const secondHalf = ms.slice(ms.length / 2).reduce((a, b) => a + b, 0) / (ms.length / 2);
  ms.sort((a, b) => a - b);
  toReceipt.sort((a, b) => a - b);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    orders,
    receipted,
    /** Arrival to the stored, signed receipt (the mempool's CheckTx runs after it). */
    receiptP50Ms: r3(percentile(toReceipt, 50)),
    receiptP99Ms: r3(percentile(toReceipt, 99)),
    /** Arrival to the end of admission (receipt, then CheckTx). */
    p50Ms: r3(percentile(ms, 50)),
    p99Ms: r3(percentile(ms, 99)),
    maxMs: r3(ms.at(-1)!),
    cpuMsPerOrder: r3((cpu.user + cpu.system) / 1000 / orders),
    meanMsFirstHalf: r3(firstHalf),
    meanMsSecondHalf: r3(secondHalf),
  };
}
