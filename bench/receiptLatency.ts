/**
 * Soft-finality latency on a 4-validator localnet on this machine: orders (70% resting
 * GTC quotes, 30% crossing IOC) from many accounts, each account's txs in sequence order
 * (the next sent once the previous is answered), paced at 100, 500 and 1,000 orders/s.
 * Half the accounts send to the sequencer's node, half to another node. Per phase:
 *
 * - receipt latency server-side: arrival at the sequencer's node to the signed receipt
 *   (its finality ladder: `received` → `sequenced`, node-local clock: the speculative
 *   execution with its ante, and signing; the mempool's CheckTx runs after the receipt),
 *   for txs that arrived there from a client;
 * - receipt latency at the client: send → broadcast_tx_sync's answer carrying the
 *   receipt, to the sequencer's node and through another node;
 * - commit latency: send → the block's NewBlock event at the client, and the
 *   receipt-to-commit gap.
 *
 * - the sequencer's own cost per order in process (no consensus, RPC or other processes:
 *   what server-side latency is when a height is open and the core is free).
 *
 * Also measured in the same run: the machine's ceiling for the work a receipt needs
 * (secp256k1 verification and ed25519 signing on one core) and the load average.
 * Writes bench/results/receipt-latency.json.
 *
 *   npx tsx bench/receiptLatency.ts   (BENCH_ACCOUNTS, BENCH_SECONDS, BENCH_RATES=100,500,1000)
 */
import { loadavg } from "node:os";
import WebSocket from "ws";
import { MsgDeposit } from "../chain/codec/generated/strike/margin/v1/tx.js";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
} from "../chain/codec/generated/strike/orderbook/v1/order.js";
import { MsgPlaceOrder } from "../chain/codec/generated/strike/orderbook/v1/tx.js";
import { createEd25519Signer } from "../chain/crypto/ed25519.js";
import { secp256k1PublicKey, signSecp256k1, verifySecp256k1 } from "../chain/crypto/secp256k1.js";
import { rpc } from "../test/helpers/localNode.js";
import { sequencerIndex, startSequencerLocalnet, type Sender } from "../test/helpers/sequencerLocalnet.js";
import { percentile, writeResult } from "./lib/machine.js";
import { sequencerCostInProcess } from "./lib/sequencerInProcess.js";
import { sha256, signMessages } from "./lib/sendTx.js";

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 120);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const RATES = (process.env.BENCH_RATES ?? "100,500,1000").split(",").map(Number);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s.at(-1) ?? NaN) };
}

/** Operations per second of `fn` on this core for ~ms milliseconds. */
function rate(fn: () => void, ms: number): number {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) {
    fn();
    n++;
  }
  return Math.round((n * 1000) / (performance.now() - start));
}

function machineCeiling() {
  const key = sha256(new TextEncoder().encode("ceiling"));
  const pub = secp256k1PublicKey(key);
  const msg = new Uint8Array(200).fill(1);
  const sig = signSecp256k1(key, msg);
  const ed = createEd25519Signer(new Uint8Array(32).fill(3));
  return {
    secp256k1VerifyPerSecondOneCore: rate(() => verifySecp256k1(pub, msg, sig), 700),
    ed25519SignPerSecondOneCore: rate(() => ed.sign(msg), 700),
  };
}

function orderTx(s: Sender, seq: bigint, chainId: string, i: number): Uint8Array {
  const buy = i % 2 === 0;
  const crossing = i % 10 < 3;
  const offset = 1 + (i % 20);
  const ticks = 30_000 + (crossing ? (buy ? offset : -offset) : buy ? -offset : offset);
  const value = MsgPlaceOrder.encode({
    owner: s.address,
    subaccount: 0,
    order: {
      market: "ETH-PERP",
      side: buy ? Side.SIDE_BUY : Side.SIDE_SELL,
      price: `${Math.floor(ticks / 10)}.${ticks % 10}`,
      size: `0.00${1 + (i % 9)}`,
      timeInForce: crossing ? TimeInForce.TIME_IN_FORCE_IOC : TimeInForce.TIME_IN_FORCE_GTC,
      orderType: OrderType.ORDER_TYPE_LIMIT,
      reduceOnly: false,
      clientId: 0n,
      goodTilBlock: 0n,
      goodTilTime: 0n,
      triggerType: TriggerType.TRIGGER_TYPE_UNSPECIFIED,
      triggerPrice: "",
      selfTrade: SelfTradePrevention.SELF_TRADE_PREVENTION_UNSPECIFIED,
      selfTradeAllSubaccounts: false,
    },
  }).finish();
  return signMessages(s, [{ typeUrl: "/strike.orderbook.v1.MsgPlaceOrder", value }], seq, chainId, 2_000_000n);
}

interface Sample {
  hash: string;
  node: number;
  sentAt: number;
  receiptAt?: number;
  signer?: string;
  code: number;
  commitAt?: number;
}

async function main(): Promise<void> {
  const ceilingBefore = machineCeiling();
  const loadBefore = loadavg();
  const inProcess = await sequencerCostInProcess(2000);
  console.log(JSON.stringify({ inProcess }));
  // A long epoch: the sequencer stays put through the run (a hand-over is measured by the kill test, not here).
  const net = await startSequencerLocalnet({ senders: ACCOUNTS, timeoutCommit: "200ms", epochLength: 100_000 });
  try {
    const { nodes, senders, chainId } = net;
    const seqI = await sequencerIndex(nodes);
    const other = (seqI + 1) % nodes.length;
    const addresses = await Promise.all(
      nodes.map(
        async (n) => (await rpc<{ validator_info: { address: string } }>(n.rpcUrl, "status")).validator_info.address,
      ),
    );
    // Even accounts send to the sequencer's node, odd ones through another node.
    const nodeOf = (a: number) => (a % 2 === 0 ? seqI : other);

    const samples = new Map<string, Sample>();
    const ws = new WebSocket(nodes[seqI]!.rpcUrl.replace("http", "ws") + "/websocket");
    await new Promise<void>((r, j) => {
      ws.once("open", () => r());
      ws.once("error", j);
    });
    ws.on("message", (data: Buffer) => {
      const now = performance.now();
      const msg = JSON.parse(data.toString()) as {
        result?: { data?: { value?: { block?: { data?: { txs?: string[] | null } } } } };
      };
      for (const b64 of msg.result?.data?.value?.block?.data?.txs ?? []) {
        const s = samples.get(hex(sha256(Buffer.from(b64, "base64"))));
        if (s !== undefined && s.commitAt === undefined) s.commitAt = now;
      }
    });
    ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query: "tm.event='NewBlock'" } }));

    const send = async (a: number, tx: Uint8Array): Promise<Sample> => {
      const node = nodeOf(a);
      const sentAt = performance.now();
      const hash = hex(sha256(tx));
      const s: Sample = { hash, node, sentAt, code: -1 };
      samples.set(hash, s);
      const r = await rpc<{ code: number; receipt: { receipt: { sequencer_address: string } } | null }>(
        nodes[node]!.rpcUrl,
        "broadcast_tx_sync",
        { tx: Buffer.from(tx).toString("base64") },
      );
      s.code = r.code;
      if (r.receipt !== null) {
        s.receiptAt = performance.now();
        s.signer = r.receipt.receipt.sequencer_address;
      }
      return s;
    };

    // Margin first (sequence 0 of every account), committed before the orders.
    const deposits = await Promise.all(
      senders.map((s, a) =>
        send(
          a,
          signMessages(
            s,
            [
              {
                typeUrl: "/strike.margin.v1.MsgDeposit",
                value: MsgDeposit.encode({ owner: s.address, subaccount: 0, amount: "10000000000" }).finish(),
              },
            ],
            0n,
            chainId,
          ),
        ),
      ),
    );
    for (let i = 0; i < 300 && deposits.some((d) => d.commitAt === undefined); i++) await sleep(100);
    const sequence = senders.map(() => 1n);
    let orderNo = 0;

    const phases = [];
    for (const perSecond of RATES) {
      const phaseSamples: Sample[] = [];
      const busy = senders.map(() => false);
      const total = perSecond * SECONDS;
      const start = performance.now();
      let skipped = 0;
      const inFlight: Promise<void>[] = [];
      let next = 0;
      for (let k = 0; k < total; k++) {
        const due = start + (k * 1000) / perSecond;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        // The next idle account, round robin: an account's txs go one after another, in sequence order.
        let a = -1;
        for (let j = 0; j < senders.length; j++) {
          const c = (next + j) % senders.length;
          if (!busy[c]) {
            a = c;
            break;
          }
        }
        if (a < 0) {
          skipped++;
          continue;
        }
        next = (a + 1) % senders.length;
        busy[a] = true;
        const tx = orderTx(senders[a]!, sequence[a]!, chainId, orderNo++);
        inFlight.push(
          send(a, tx)
            .then((s) => {
              phaseSamples.push(s);
              if (s.code === 0) sequence[a]! += 1n;
            })
            .catch(() => undefined)
            .finally(() => (busy[a] = false)),
        );
      }
      await Promise.all(inFlight);
      const sentSeconds = (performance.now() - start) / 1000;
      const deadline = performance.now() + 30_000;
      while (phaseSamples.some((s) => s.code === 0 && s.commitAt === undefined) && performance.now() < deadline)
        await sleep(100);

      // Server side, from the sequencer node's ladder: arrival → signed receipt, for txs a client sent it.
      const direct = phaseSamples.filter((s) => s.code === 0 && s.node === seqI && s.signer === addresses[seqI]);
      const server: number[] = [];
      for (const s of direct.slice(0, 1500)) {
        try {
          const st = await rpc<{ rungs: { sequenced: { state: string; elapsed_ms?: number } } }>(
            nodes[seqI]!.rpcUrl,
            "strike_tx_status",
            { hash: s.hash },
          );
          if (st.rungs.sequenced.elapsed_ms !== undefined) server.push(st.rungs.sequenced.elapsed_ms);
        } catch {
          // evicted or unknown: not sampled
        }
      }
      const ok = phaseSamples.filter((s) => s.code === 0);
      const receipted = ok.filter((s) => s.receiptAt !== undefined);
      const committed = ok.filter((s) => s.commitAt !== undefined);
      phases.push({
        targetOrdersPerSecond: perSecond,
        sent: phaseSamples.length,
        achievedOrdersPerSecond: Math.round(phaseSamples.length / sentSeconds),
        skippedNoIdleAccount: skipped,
        refusedAtCheckTx: phaseSamples.length - ok.length,
        withReceipt: receipted.length,
        committed: committed.length,
        receiptServerSideMs: stats(server),
        receiptClientMs: {
          toSequencerNode: stats(receipted.filter((s) => s.node === seqI).map((s) => s.receiptAt! - s.sentAt)),
          throughAnotherNode: stats(receipted.filter((s) => s.node !== seqI).map((s) => s.receiptAt! - s.sentAt)),
        },
        commitClientMs: stats(committed.map((s) => s.commitAt! - s.sentAt)),
        receiptToCommitGapMs: stats(
          committed.filter((s) => s.receiptAt !== undefined).map((s) => s.commitAt! - s.receiptAt!),
        ),
        loadAverage: loadavg(),
      });
      console.log(JSON.stringify(phases.at(-1)));
    }
    ws.close();
    const ceilingAfter = machineCeiling();
    const path = writeResult("receipt-latency", {
      setup: { validators: nodes.length, accounts: ACCOUNTS, secondsPerPhase: SECONDS, timeoutCommitMs: 200 },
      targets: {
        serverSideP50Ms: 1,
        serverSideP99Ms: 5,
        atOrdersPerSecond: 500,
        clientP50ToSequencerMs: 5,
        clientP50ThroughAnotherNodeMs: 10,
      },
      machineCeiling: { before: ceilingBefore, after: ceilingAfter },
      sequencerCostInProcess: inProcess,
      loadAverageBefore: loadBefore,
      phases,
    });
    console.log(path);
  } finally {
    await net.stop();
  }
}

await main();
