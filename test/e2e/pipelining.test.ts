/**
 * Pipelined sequencing on a 4-validator localnet: txs sent straight to the sequencer's
 * node while its block H is in consensus get their receipts at once, for H+1 — the
 * sequencer's own finality ladder shows such a receipt signed before H committed there —
 * and those receipts are honoured: each tx commits at the promised height and index.
 */
import test from "ava";
import { newSender } from "../../bench/lib/sendPhase.js";
import { latestHeight, rpc } from "../helpers/localNode.js";
import {
  sequencerIndex,
  signSendOf,
  startSequencerLocalnet,
  type SequencerInfo,
} from "../helpers/sequencerLocalnet.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sent {
  hash: string;
  height: bigint;
  index: number;
}

interface Ladder {
  steps: { stage: string; at_ms: number; height?: string }[];
}

test("receipts arrive while the previous block is in consensus, for the next height, and are honoured", async (t) => {
  t.timeout(360_000);
  const SENDERS = 4;
  const net = await startSequencerLocalnet({ senders: SENDERS, timeoutCommit: "300ms", epochLength: 60 });
  try {
    const { nodes, senders, chainId } = net;
    let seq = -1;
    for (let i = 0; i < 60 && seq < 0; i++) {
      const s = await sequencerIndex(nodes);
      if (s >= 0) {
        const info = await rpc<SequencerInfo>(nodes[s]!.rpcUrl, "strike_sequencer");
        if (BigInt(info.planned_end_height) - (await latestHeight(nodes[s]!.rpcUrl)) >= 15n) seq = s;
      }
      if (seq < 0) await sleep(500);
    }
    if (seq < 0) return t.fail("no sequencer with room left in its epoch");
    const node = nodes[seq]!;
    const seqAddress = (await rpc<SequencerInfo>(node.rpcUrl, "strike_sequencer")).address;
    const receiver = newSender().address;
    const sent: Sent[] = [];
    const refusals: string[] = [];
    let stop = false;
    const loops = senders.map(async (s, i) => {
      let sequence = 0n;
      while (!stop) {
        const tx = signSendOf(s, receiver, BigInt(1000 + i), sequence, chainId);
        const r = await rpc<{
          code: number;
          hash: string;
          receipt: { receipt: Record<string, string | number> } | null;
        }>(node.rpcUrl, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
        if (r.code !== 0) {
          refusals.push(`${r.code}`);
          await sleep(100);
          continue;
        }
        sequence++;
        const rc = r.receipt?.receipt;
        if (rc !== undefined && rc["sequencer_address"] === seqAddress && rc["status"] === "sequenced")
          sent.push({ hash: r.hash, height: BigInt(rc["height"]!), index: Number(rc["index"]) });
        await sleep(15);
      }
    });
    await sleep(10_000);
    stop = true;
    await Promise.all(loops);
    t.true(sent.length > 10, `receipts: ${sent.length}, refusals: ${refusals.join(",")}`);

    // When each height committed on the sequencer's node, and when each receipt was signed there.
    for (let i = 0; i < 100 && (await latestHeight(node.rpcUrl)) <= sent.at(-1)!.height; i++) await sleep(200);
    const committedAt = new Map<bigint, number>();
    const signedAt = new Map<string, number>();
    for (const s of sent) {
      const l = await rpc<Ladder>(node.rpcUrl, "strike_tx_status", { hash: s.hash });
      const sequenced = l.steps.find((x) => x.stage === "sequenced" && x.height === s.height.toString());
      const committed = l.steps.find((x) => x.stage === "committed");
      if (sequenced !== undefined) signedAt.set(s.hash, sequenced.at_ms);
      if (committed !== undefined && committed.height !== undefined)
        committedAt.set(BigInt(committed.height), committed.at_ms);
    }
    // Pipelined: receipted for H+1 before H had committed on this node.
    const pipelined = sent.filter((s) => {
      const before = committedAt.get(s.height - 1n);
      const at = signedAt.get(s.hash);
      return before !== undefined && at !== undefined && at < before;
    });
    t.log(`receipts ${sent.length}, pipelined ${pipelined.length}`);
    t.true(pipelined.length > 0, "some receipts were signed for the next height while a block was in consensus");

    // Honoured: every receipt's tx commits at the promised height and index, with success,
    // wherever the sequencer proposed that height (a failed round reverts, never breaks, them).
    const proposers = new Map<bigint, string>();
    for (const h of new Set(sent.map((s) => s.height))) {
      const b = await rpc<{ block: { header: { proposer_address: string } } }>(node.rpcUrl, "block", {
        height: h.toString(),
      });
      proposers.set(h, b.block.header.proposer_address);
    }
    const ours = sent.filter((s) => proposers.get(s.height) === seqAddress);
    t.true(
      ours.length >= sent.length / 2,
      `${ours.length} of ${sent.length} receipts' heights proposed by the sequencer`,
    );
    for (const s of ours) {
      const r = await rpc<{ height: string; index: number; tx_result: { code: number } }>(node.rpcUrl, "tx", {
        hash: Buffer.from(s.hash, "hex").toString("base64"),
      });
      t.is(BigInt(r.height), s.height, `${s.hash} at its promised height`);
      t.is(r.index, s.index, `${s.hash} at its promised index`);
      t.is(r.tx_result.code, 0);
    }
  } finally {
    await net.stop();
  }
});
