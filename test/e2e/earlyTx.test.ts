/**
 * An account's later tx that reaches the sequencer before the earlier one (overtaken on
 * another path) is held and receipted right after it, with no signed rejection in between
 * (chain/node/parkedTxs.ts). A raw libp2p peer sends the two txs to a real validator node,
 * the later one first, as a peer on a shorter path would.
 */
import test from "ava";
import { sha256 } from "../../chain/crypto/hash.js";
import { createP2PHost } from "../../chain/p2p/index.js";
import { newSender } from "../../bench/lib/sendPhase.js";
import { rpc } from "../helpers/localNode.js";
import { committedReceipt, signSendOf, startSequencerLocalnet } from "../helpers/sequencerLocalnet.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a tx that arrives from a peer before its account's earlier one is receipted right after it, never rejected", async (t) => {
  t.timeout(240_000);
  const net = await startSequencerLocalnet({ validators: 1, senders: 1, timeoutCommit: "1s" });
  const node = net.nodes[0]!;
  // The validator's peer address, from its start-up log.
  const listening = /p2p listening.*address=(\S+).*peer_id=(12D3Koo\w+)/.exec(node.log);
  const [, address, peerId] = listening ?? [];
  const host = createP2PHost({
    nodeKeySeed: new Uint8Array(32).fill(77),
    listen: "tcp://127.0.0.1:0",
    persistentPeers: listening === null ? [] : [`${peerId}@${address}`],
    networkId: net.chainId,
  });
  try {
    t.truthy(listening, node.log.slice(-2_000));
    await host.start();
    for (let i = 0; i < 200 && !host.peers().some((p) => p.id === peerId); i++) await sleep(50);
    t.true(
      host.peers().some((p) => p.id === peerId),
      "connected to the validator",
    );

    const sender = net.senders[0]!;
    const to = newSender().address;
    const [first, second] = [0n, 1n].map((seq) => signSendOf(sender, to, 1000n + seq, seq, net.chainId));
    // The later one first; the earlier one a moment after, once the node has refused the later one for its sequence.
    t.true(host.send(peerId!, "mempool", second!));
    await sleep(500);
    t.true(host.send(peerId!, "mempool", first!));

    const [r1, r2] = [
      await committedReceipt(node.rpcUrl, hex(sha256(first!)), 60_000),
      await committedReceipt(node.rpcUrl, hex(sha256(second!)), 60_000),
    ];
    t.is(r1?.stage, "committed");
    t.is(r2?.stage, "committed", "the tx that came early was not lost");
    const at = (r: typeof r1) => [BigInt(r!.receipt.height), r!.receipt.index] as const;
    const [[h1, i1], [h2, i2]] = [at(r1), at(r2)];
    t.true(h1 < h2 || (h1 === h2 && i1 < i2), `receipted after its predecessor: ${h1}/${i1} then ${h2}/${i2}`);
    // Never told "rejected" on the way.
    const status = await rpc<{ steps: { stage: string }[] }>(node.rpcUrl, "strike_tx_status", {
      hash: hex(sha256(second!)),
    });
    t.false(
      status.steps.some((s) => s.stage === "rejected"),
      JSON.stringify(status.steps),
    );
  } finally {
    await host.stop();
    await net.stop();
  }
});
