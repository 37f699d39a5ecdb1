/**
 * Receipts through a node that is not the sequencer, under a burst, on four real validator
 * processes: every `broadcast_tx_sync` answer either carries the sequencer's receipt or says
 * why it has none (`receipt_missing`), and every tx's receipt is retrievable from that same
 * node afterwards (`strike_receipt`), committed, with the sequencer's signature (that node took
 * most of them on the hash chain's word, receiptChain.ts, and checks a signature before it
 * hands the receipt out). A sequencer that stalls (SIGSTOP) makes the
 * answer say "forwarded", naming the sequencer; the receipt follows once it runs again.
 */
import anyTest, { type TestFn } from "ava";
import { sha256 } from "../../chain/crypto/hash.js";
import { verifyReceiptJson } from "../../chain/sequencer/client.js";
import { freePorts, rpc } from "../helpers/localNode.js";
import {
  committedReceipt,
  sequencerIndex,
  signSendOf,
  startSequencerLocalnet,
  type SequencerLocalnet,
} from "../helpers/sequencerLocalnet.js";

const test = anyTest as TestFn<{ net: SequencerLocalnet; metricsPorts: number[] }>;

const ACCOUNTS = 30;
const TXS_PER_ACCOUNT = 10;
const REASONS = ["no_sequencer", "awaiting_height", "no_peers", "forwarded"];

interface Answer {
  code: number;
  log: string;
  hash: string;
  receipt: { receipt: { tx_hash: string; sequencer_address: string } } | null;
  receipt_missing?: { reason: string; message: string; waited_ms: number; sequencer?: string };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

test.before(async (t) => {
  // A long epoch: the sequencer stays put through the burst.
  const metricsPorts = await freePorts(4);
  t.context.metricsPorts = metricsPorts;
  t.context.net = await startSequencerLocalnet({
    senders: ACCOUNTS + 1,
    timeoutCommit: "200ms",
    epochLength: 100_000,
    startArgs: (i) => [
      "--instrumentation.prometheus",
      "true",
      "--instrumentation.prometheus_listen_addr",
      `127.0.0.1:${metricsPorts[i]}`,
    ],
  });
});

test.after.always(async (t) => {
  await t.context.net?.stop();
});

test.serial(
  "a burst of 300 txs (30 accounts, each in sequence order) to a node that is not the sequencer: every answer carries the receipt or says why, and every receipt is retrievable there afterwards",
  async (t) => {
    const { net } = t.context;
    const seq = await sequencerIndex(net.nodes);
    t.true(seq >= 0, "a sequencer is known");
    const other = (seq + 1) % net.nodes.length;
    const url = net.nodes[other]!.rpcUrl;
    const answers: Answer[] = [];
    await Promise.all(
      net.senders.slice(0, ACCOUNTS).map(async (s) => {
        for (let k = 0; k < TXS_PER_ACCOUNT; k++) {
          const tx = signSendOf(s, net.senders[ACCOUNTS]!.address, 1n, BigInt(k), net.chainId);
          const r = await rpc<Answer>(url, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
          t.is(r.hash, hex(sha256(tx)));
          answers.push(r);
        }
      }),
    );
    t.is(answers.length, ACCOUNTS * TXS_PER_ACCOUNT);
    for (const r of answers) {
      t.is(r.code, 0, r.log);
      if (r.receipt !== null) {
        t.is(r.receipt.receipt.tx_hash, r.hash);
        t.false("receipt_missing" in r);
        continue;
      }
      t.truthy(r.receipt_missing, `answer for ${r.hash} has neither a receipt nor a reason`);
      t.true(REASONS.includes(r.receipt_missing!.reason), r.receipt_missing!.reason);
      t.true(r.receipt_missing!.message.length > 0);
    }
    const missing = answers.filter((r) => r.receipt === null);
    const reasons: Record<string, number> = {};
    for (const r of missing) reasons[r.receipt_missing!.reason] = (reasons[r.receipt_missing!.reason] ?? 0) + 1;
    t.log(`${answers.length - missing.length} of ${answers.length} answers carried the receipt; without:`, reasons);

    // Every receipt reaches the node the client used, and its height commits as promised.
    const later = await Promise.all(answers.map((r) => committedReceipt(url, r.hash, 60_000)));
    const { address } = await rpc<{ address: string }>(url, "strike_sequencer");
    for (const [i, r] of later.entries()) {
      t.truthy(r, `no receipt for ${answers[i]!.hash} on the node it was sent to`);
      t.is(r?.stage, "committed", answers[i]!.hash);
      t.is(r?.receipt.tx_hash, answers[i]!.hash);
      t.notThrows(() => verifyReceiptJson(r, { chainId: net.chainId, sequencerAddress: address }), answers[i]!.hash);
    }
    for (const r of answers)
      if (r.receipt !== null)
        t.notThrows(() => verifyReceiptJson(r.receipt, { chainId: net.chainId, sequencerAddress: address }), r.hash);
    // How that node authenticated the sequencer's receipts: by their own signatures, or by a
    // later receipt's (then each it handed out had its signature checked first).
    const text = await (await fetch(`http://127.0.0.1:${t.context.metricsPorts[other]}/metrics`)).text();
    const count = (by: string) =>
      Number(new RegExp(`^strike_relayed_receipts_total\\{by="${by}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? NaN);
    const [signature, chain, onServe] = [count("signature"), count("chain"), count("signature_on_serve")];
    t.log(
      `relayed receipts at the other node: ${signature} by their signature, ${chain} on the chain, ${onServe} checked later to serve`,
    );
    t.true(signature + chain >= ACCOUNTS * TXS_PER_ACCOUNT, text.slice(0, 200));
    t.true(onServe <= chain);
  },
);

test.serial(
  "a trader alternating between the sequencer's node and another, each tx the next in sequence once the last is receipted: every one is admitted and committed",
  async (t) => {
    const { net } = t.context;
    const seq = await sequencerIndex(net.nodes);
    t.true(seq >= 0);
    const urls = [net.nodes[seq]!.rpcUrl, net.nodes[(seq + 1) % net.nodes.length]!.rpcUrl];
    // Its sequences 0..9 went in the burst.
    const s = net.senders[1]!;
    const hashes: string[] = [];
    for (let k = 0; k < 8; k++) {
      const tx = signSendOf(s, net.senders[ACCOUNTS]!.address, 3n, BigInt(TXS_PER_ACCOUNT + k), net.chainId);
      const url = urls[k % 2]!;
      const other = urls[(k + 1) % 2]!;
      const r = await rpc<Answer>(url, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
      t.is(r.code, 0, `tx ${k} through ${k % 2 === 0 ? "the sequencer's node" : "another node"}: ${r.log}`);
      hashes.push(r.hash);
      // The next goes to the other node once this one has reached it, with its receipt: its
      // CheckTx there must count this one, which that node had from a peer.
      for (let i = 0; i < 100; i++) {
        const status = await rpc<{ steps: { stage: string }[] }>(other, "strike_tx_status", { hash: r.hash }).catch(
          () => undefined,
        );
        if (status?.steps.some((x) => x.stage === "sequenced") === true) break;
        await new Promise((res) => setTimeout(res, 20));
      }
    }
    for (const hash of hashes) t.is((await committedReceipt(urls[1]!, hash, 60_000))?.stage, "committed", hash);
  },
);

test.serial(
  "while the sequencer is stopped, an answer through another node has no receipt and says it was forwarded to that sequencer; the receipt comes once it runs again",
  async (t) => {
    const { net } = t.context;
    const seq = await sequencerIndex(net.nodes);
    t.true(seq >= 0);
    const { address } = await rpc<{ address: string }>(net.nodes[seq]!.rpcUrl, "strike_sequencer");
    const other = (seq + 1) % net.nodes.length;
    const url = net.nodes[other]!.rpcUrl;
    const s = net.senders[0]!;
    // Its sequences 0..9 went in the burst.
    const tx = signSendOf(s, net.senders[ACCOUNTS]!.address, 2n, BigInt(TXS_PER_ACCOUNT), net.chainId);
    const child = net.nodes[seq]!.child;
    child.kill("SIGSTOP");
    let r: Answer;
    try {
      r = await rpc<Answer>(url, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
    } finally {
      child.kill("SIGCONT");
    }
    t.is(r.code, 0, r.log);
    t.is(r.receipt, null);
    t.is(r.receipt_missing?.reason, "forwarded");
    t.is(r.receipt_missing?.sequencer, address);
    t.regex(r.receipt_missing?.message ?? "", /strike_receipt/);
    t.true((r.receipt_missing?.waited_ms ?? 0) >= 1_000);
    // Asked for a tx it never saw, the node says so.
    await t.throwsAsync(rpc(url, "strike_receipt", { hash: "AB".repeat(32) }), { message: /has not seen the tx/ });
    const later = await committedReceipt(url, r.hash, 90_000);
    t.is(later?.stage, "committed");
    t.is(later?.receipt.tx_hash, r.hash);
  },
);
