/**
 * A validator that was away (killed, then started again on its home) while txs were
 * sequenced and their heights committed missed those receipts' broadcast. On reconnecting,
 * its peers send it the receipts of the heights committed meanwhile, so its clients can fetch
 * every one of them there (`strike_receipt`), judged against the blocks it synced; and the
 * receipts it held before it went down (lost with its memory) come back too, judged against
 * the blocks on its disk. Four real validator processes.
 */
import anyTest, { type TestFn } from "ava";
import { sha256 } from "../../chain/crypto/hash.js";
import { latestHeight, rpc, waitForHeight } from "../helpers/localNode.js";
import {
  committedReceipt,
  type StoredReceiptJson,
  sequencerIndex,
  signSendOf,
  startSequencerLocalnet,
  type SequencerLocalnet,
} from "../helpers/sequencerLocalnet.js";

const test = anyTest as TestFn<{ net: SequencerLocalnet }>;

const ACCOUNTS = 20;
/** Txs per account while the validator is away (sequences 1..AWAY_TXS; sequence 0 goes before). */
const AWAY_TXS = 2;

interface Answer {
  code: number;
  log: string;
  hash: string;
  receipt: { receipt: { height: string } } | null;
  receipt_missing?: { reason: string; waited_ms: number };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

test.before(async (t) => {
  // A long epoch: the sequencer stays put while the other validator is away.
  t.context.net = await startSequencerLocalnet({ senders: ACCOUNTS + 1, timeoutCommit: "200ms", epochLength: 100_000 });
});

test.after.always(async (t) => {
  await t.context.net?.stop();
});

/** Sends one tx per account at `sequence` to the sequencer's node; every answer carries its receipt. */
async function sendRound(net: SequencerLocalnet, url: string, sequence: bigint): Promise<string[]> {
  return Promise.all(
    net.senders.slice(0, ACCOUNTS).map(async (s) => {
      const tx = signSendOf(s, net.senders[ACCOUNTS]!.address, 1n, sequence, net.chainId);
      const r = await rpc<Answer>(url, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
      if (r.code !== 0) throw new Error(`tx refused: ${r.log}`);
      if (r.hash !== hex(sha256(tx))) throw new Error(`answer for another tx: ${r.hash}`);
      return r.hash;
    }),
  );
}

test.serial(
  "a validator away while heights committed serves every receipt of those heights once it is back, committed, and the ones it held before it went down too",
  async (t) => {
    const { net } = t.context;
    const seq = await sequencerIndex(net.nodes);
    t.true(seq >= 0, "a sequencer is known");
    const away = (seq + 1) % net.nodes.length;
    const seqUrl = net.nodes[seq]!.rpcUrl;
    const awayUrl = net.nodes[away]!.rpcUrl;

    // Before: receipts reach the validator live.
    const before = await sendRound(net, seqUrl, 0n);
    for (const hash of before) t.is((await committedReceipt(awayUrl, hash, 60_000))?.stage, "committed", hash);

    await net.kill(away);
    const whileAway: string[] = [];
    for (let k = 1; k <= AWAY_TXS; k++) whileAway.push(...(await sendRound(net, seqUrl, BigInt(k))));
    // Their heights commit without it (three of four validators).
    const onSequencer = new Map<string, StoredReceiptJson>();
    for (const hash of whileAway) {
      const r = await committedReceipt(seqUrl, hash, 60_000);
      t.is(r?.stage, "committed", `${hash} committed on the sequencer's node`);
      if (r !== undefined) onSequencer.set(hash, r);
    }
    const committedAt = await latestHeight(seqUrl);
    const heights = new Set([...onSequencer.values()].map((r) => r.receipt.height));
    t.log(`${whileAway.length} txs in ${heights.size} heights committed while validator ${away} was down`);

    // Back with rpc.receipt_wait 0: its broadcast_tx_sync answers at once (the next test).
    await net.restart(away, ["--rpc.receipt_wait", "0s"]);
    const node = net.nodes[away]!;
    await waitForHeight(
      awayUrl,
      committedAt,
      120_000,
      () => node.child.exitCode,
      () => node.log,
    );
    const started = Date.now();
    for (const hash of whileAway) {
      const r = await committedReceipt(awayUrl, hash, 30_000);
      t.truthy(r, `validator ${away} has no receipt for ${hash}, committed while it was away`);
      t.is(r?.stage, "committed", hash);
      t.is(r?.receipt.tx_hash, hash);
      t.is(r?.receipt.height, onSequencer.get(hash)?.receipt.height, hash);
      t.is(r?.receipt.index, onSequencer.get(hash)?.receipt.index, hash);
    }
    for (const hash of before) {
      const r = await committedReceipt(awayUrl, hash, 30_000);
      t.is(r?.stage, "committed", `${hash}, held before the restart, is judged against the block on disk`);
    }
    t.log(`every receipt served by the returning validator ${Date.now() - started} ms after it caught up`);
  },
);

test.serial(
  "a node started with --rpc.receipt_wait 0 answers broadcast_tx_sync at once, before the forwarded tx's receipt is back; the receipt follows",
  async (t) => {
    const { net } = t.context;
    const seq = await sequencerIndex(net.nodes);
    const away = (seq + 1) % net.nodes.length;
    const url = net.nodes[away]!.rpcUrl;
    const s = net.senders[0]!;
    const tx = signSendOf(s, net.senders[ACCOUNTS]!.address, 1n, BigInt(1 + AWAY_TXS), net.chainId);
    const started = performance.now();
    const r = await rpc<Answer>(url, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
    const ms = performance.now() - started;
    t.is(r.code, 0, r.log);
    t.is(r.receipt, null);
    t.is(r.receipt_missing?.reason, "forwarded");
    t.is(r.receipt_missing?.waited_ms, 0);
    t.log(`answered in ${ms.toFixed(0)} ms`);
    const later = await committedReceipt(url, r.hash, 60_000);
    t.is(later?.stage, "committed");
  },
);
