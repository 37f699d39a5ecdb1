/**
 * The sequencer killed mid-epoch (kill -9) on a 4-validator localnet while clients keep
 * sending through another node: the receipts it signed after its last commit are
 * reported reverted (finality ladder and the websocket receipt topic), their txs are
 * committed later by the next sequencer, and nothing is executed twice (each tx in
 * exactly one block, every balance exact). Bank sends with a distinct amount each make
 * double execution visible in the balances.
 */
import test from "ava";
import WebSocket from "ws";
import { sha256 } from "../../chain/crypto/hash.js";
import { newSender } from "../../bench/lib/sendPhase.js";
import { latestHeight, rpc } from "../helpers/localNode.js";
import {
  SENDER_FUNDS,
  balanceOf,
  sequencerIndex,
  signSendOf,
  startSequencerLocalnet,
  type SequencerInfo,
} from "../helpers/sequencerLocalnet.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sent {
  sender: number;
  hash: string;
  amount: bigint;
  receipt?: { height: bigint; index: number; sequencer: string };
}

interface ReceiptEvent {
  value: { receipt: { tx_hash: string; height: string; sequencer_address: string }; stage: string; accounts: string[] };
}

/** Errors pushed on a subscription (the node cancelling it, e.g. as too slow): a test that lost its topic says so. */
const subscriptionErrors: string[] = [];

async function subscribe(url: string, query: string, into: ReceiptEvent[]): Promise<WebSocket> {
  const ws = new WebSocket(url.replace("http", "ws") + "/websocket");
  await new Promise<void>((r, j) => {
    ws.once("open", () => r());
    ws.once("error", j);
  });
  ws.on("message", (raw: Buffer) => {
    const msg = JSON.parse(raw.toString()) as { id: number; result?: { data?: ReceiptEvent }; error?: unknown };
    if (msg.result?.data !== undefined) into.push(msg.result.data);
    if (msg.error !== undefined) subscriptionErrors.push(`${query}: ${JSON.stringify(msg.error)}`);
  });
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "subscribe", params: { query } }));
  await sleep(200);
  return ws;
}

test("the sequencer killed mid-epoch: its receipts after the last commit are reverted and reported, their txs commit later, nothing runs twice", async (t) => {
  t.timeout(420_000);
  const SENDERS = 6;
  const net = await startSequencerLocalnet({ senders: SENDERS, timeoutCommit: "1s", epochLength: 40 });
  const sockets: WebSocket[] = [];
  try {
    const { nodes, senders, chainId } = net;
    // A sequencer with room left in its epoch, so that it dies mid-epoch.
    let seq = -1;
    for (let i = 0; i < 60 && seq < 0; i++) {
      const s = await sequencerIndex(nodes);
      if (s >= 0) {
        const info = await rpc<SequencerInfo>(nodes[s]!.rpcUrl, "strike_sequencer");
        const h = await latestHeight(nodes[s]!.rpcUrl);
        if (BigInt(info.planned_end_height) - h >= 6n) seq = s;
      }
      if (seq < 0) await sleep(500);
    }
    if (seq < 0) return t.fail("no sequencer with room left in its epoch");
    const seqAddress = (await rpc<SequencerInfo>(nodes[seq]!.rpcUrl, "strike_sequencer")).address;
    const via = nodes[(seq + 1) % nodes.length]!;
    const startHeight = await latestHeight(via.rpcUrl);

    const reverted: ReceiptEvent[] = [];
    const ofSender0: ReceiptEvent[] = [];
    sockets.push(await subscribe(via.rpcUrl, "tm.event='Receipt' AND receipt.stage='reverted'", reverted));
    sockets.push(
      await subscribe(via.rpcUrl, `tm.event='Receipt' AND receipt.account='${senders[0]!.address}'`, ofSender0),
    );

    const receiver = newSender().address;
    const sent: Sent[] = [];
    let amount = 1000n;
    let stop = false;
    let killed = false;
    let freshReceiptAt = 0n;
    const loops = senders.map(async (s, i) => {
      let sequence = 0n;
      while (!stop) {
        const tx = signSendOf(s, receiver, ++amount, sequence, chainId);
        const mine = amount;
        let r: { code: number; hash: string; receipt: { receipt: Record<string, string | number> } | null };
        try {
          r = await rpc(via.rpcUrl, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
        } catch {
          await sleep(50);
          continue;
        }
        if (r.code !== 0) {
          await sleep(50);
          continue;
        }
        sequence++;
        const entry: Sent = { sender: i, hash: r.hash, amount: mine };
        if (r.receipt !== null) {
          const rc = r.receipt.receipt;
          entry.receipt = {
            height: BigInt(rc["height"]!),
            index: Number(rc["index"]),
            sequencer: String(rc["sequencer_address"]),
          };
          if (!killed && entry.receipt.sequencer === seqAddress) freshReceiptAt = entry.receipt.height;
        }
        sent.push(entry);
        await sleep(20);
      }
    });

    // Let receipts flow, then kill the sequencer early in a timeout_commit (1 s), just after one of its
    // receipts for the next height: that height is not proposed yet, so the kill leaves it uncommitted.
    // (Killing at any moment raced the proposal: a height already in consensus commits without its sequencer.)
    await sleep(3000);
    for (let tries = 0; tries < 20; tries++) {
      const before = await latestHeight(via.rpcUrl);
      let committed = before;
      while (committed === before) {
        await sleep(15);
        committed = await latestHeight(via.rpcUrl);
      }
      const commitSeenAt = Date.now();
      while (freshReceiptAt <= committed && Date.now() - commitSeenAt < 300) await sleep(5);
      if (freshReceiptAt > committed && Date.now() - commitSeenAt < 300) break;
    }
    killed = true;
    await net.kill(seq);
    const killedAt = sent.length;
    await sleep(6000);
    stop = true;
    await Promise.all(loops);
    t.true(sent.length > killedAt, "sends went on after the kill");

    // Every admitted tx commits.
    const committedAt = new Map<string, { height: bigint; code: number }>();
    const deadline = Date.now() + 120_000;
    for (const s of sent) {
      while (!committedAt.has(s.hash)) {
        try {
          const r = await rpc<{ height: string; tx_result: { code: number } }>(via.rpcUrl, "tx", {
            hash: Buffer.from(s.hash, "hex").toString("base64"),
          });
          committedAt.set(s.hash, { height: BigInt(r.height), code: r.tx_result.code });
        } catch {
          if (Date.now() > deadline) return t.fail(`tx ${s.hash} never committed`);
          await sleep(200);
        }
      }
    }
    t.true(
      sent.every((s) => committedAt.get(s.hash)!.code === 0),
      "every tx succeeded",
    );

    // Each tx in exactly one block: nothing executed twice.
    const endHeight = await latestHeight(via.rpcUrl);
    const occurrences = new Map<string, number>();
    const proposers = new Map<bigint, string>();
    for (let h = startHeight; h <= endHeight; h++) {
      const b = await rpc<{ block: { header: { proposer_address: string }; data: { txs: string[] | null } } }>(
        via.rpcUrl,
        "block",
        { height: h.toString() },
      );
      proposers.set(h, b.block.header.proposer_address);
      for (const tx of b.block.data.txs ?? []) {
        const k = hex(sha256(Buffer.from(tx, "base64")));
        occurrences.set(k, (occurrences.get(k) ?? 0) + 1);
      }
    }
    t.true(
      sent.every((s) => occurrences.get(s.hash) === 1),
      "every tx is in exactly one block",
    );

    // The killed sequencer's receipts: honoured where it proposed the height, reverted (and reported) where it did not.
    const ofKilled = sent.filter((s) => s.receipt?.sequencer === seqAddress);
    const revertedSent = ofKilled.filter((s) => proposers.get(s.receipt!.height) !== seqAddress);
    let lastOfKilled = 0n;
    for (const [h, p] of proposers) if (p === seqAddress && h > lastOfKilled) lastOfKilled = h;
    t.true(revertedSent.length > 0, "some receipts of the killed sequencer were for a height it never committed");
    t.deepEqual(subscriptionErrors, [], "neither subscription was cancelled");
    const reportedReverted = new Set(reverted.map((e) => e.value.receipt.tx_hash));
    for (const s of revertedSent) {
      t.true(reportedReverted.has(s.hash), `the topic reported ${s.hash} reverted`);
      const status = await rpc<{ steps: { stage: string; height?: string }[]; stage: string }>(
        via.rpcUrl,
        "strike_tx_status",
        { hash: s.hash },
      );
      t.true(
        status.steps.some((x) => x.stage === "reverted" && x.height === s.receipt!.height.toString()),
        `the ladder of ${s.hash} shows the revert at height ${s.receipt!.height}`,
      );
      t.is(status.stage, "committed");
      // Later than every block the killed sequencer committed, by another proposer. Not
      // necessarily at or above the receipt's height: a receipt for H+1 signed while H was
      // in consensus is reverted too when H is decided in a later round by another
      // proposer, and that proposer may take the tx from its mempool into H.
      const at = committedAt.get(s.hash)!.height;
      t.true(
        at > lastOfKilled,
        `${s.hash} receipted for ${s.receipt!.height} committed at ${at}, after ${lastOfKilled}`,
      );
      t.not(proposers.get(at), seqAddress);
    }
    for (const s of ofKilled.filter((x) => !revertedSent.includes(x)))
      t.is(committedAt.get(s.hash)!.height, s.receipt!.height, "a receipt of a height it did commit is honoured there");
    // No receipt is reported reverted that was honoured.
    for (const e of reverted) t.not(proposers.get(BigInt(e.value.receipt.height)), e.value.receipt.sequencer_address);

    // Balances are exact: each amount moved once.
    const total = sent.reduce((n, s) => n + s.amount, 0n);
    t.is(await balanceOf(via.rpcUrl, receiver, "uusdc"), total);
    for (let i = 0; i < SENDERS; i++) {
      const spent = sent.filter((s) => s.sender === i).reduce((n, s) => n + s.amount, 0n);
      t.is(await balanceOf(via.rpcUrl, senders[i]!.address, "uusdc"), SENDER_FUNDS - spent);
    }

    // The account topic carried sender 0's receipts and no one else's.
    const mine = new Set(sent.filter((s) => s.sender === 0).map((s) => s.hash));
    t.true(ofSender0.length > 0);
    t.true(ofSender0.every((e) => mine.has(e.value.receipt.tx_hash) && e.value.accounts.includes(senders[0]!.address)));
    const perHeight = new Map<bigint, number>();
    for (const s of revertedSent) perHeight.set(s.receipt!.height, (perHeight.get(s.receipt!.height) ?? 0) + 1);
    t.log(
      `${sent.length} txs, ${ofKilled.length} receipted by the killed sequencer, ${revertedSent.length} reverted` +
        ` (at most ${Math.max(...perHeight.values())} at one height);` +
        ` heights ${startHeight}–${endHeight}`,
    );
  } finally {
    for (const s of sockets) s.close();
    await net.stop();
  }
});
