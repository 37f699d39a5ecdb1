/**
 * A message a peer's full send queue refuses is not dropped silently: it is counted per
 * channel (the node's `strike_p2p_send_queue_dropped_total{channel}`), and logged at most
 * once per peer per interval, with what was dropped since the last line, so that a peer that
 * stops reading cannot flood the log.
 */
import test from "ava";
import { createLibp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { multiaddr } from "@multiformats/multiaddr";
import { createNodeMetrics } from "../../../../app/metrics.js";
import { CHANNELS, channelProtocol, p2pPrivateKey } from "../../../../chain/p2p/index.js";
import { isConnected, seedOf, startHost, waitFor } from "./hosts.js";

const MiB = 1024 * 1024;
const INTERVAL_MS = 1_500;
const FULL = "send queue full: messages to the peer dropped";

/** A libp2p node that accepts Strike's channels and never reads them: yamux stops its window. */
async function stalledPeer(seed: number) {
  const node = await createLibp2p({
    privateKey: p2pPrivateKey(seedOf(seed)),
    addresses: { listen: ["/ip4/127.0.0.1/tcp/0"] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  });
  for (const ch of CHANNELS) await node.handle(channelProtocol("strike", ch), (stream) => stream.pause());
  return node;
}

test.serial(
  "messages a stalled peer's full queue refuses are counted per channel, exported as a metric, and logged once per interval",
  async (t) => {
    const a = await startHost(t, {
      seed: 80,
      maxMessageBytes: { mempool: 256 * 1024 },
      tuning: { maxQueuedBytes: { mempool: MiB }, stallTimeoutMs: 60_000, dropLogIntervalMs: INTERVAL_MS },
    });
    const stalled = await stalledPeer(81);
    t.teardown(() => stalled.stop());
    const stalledId = stalled.peerId.toString();
    await stalled.dial(multiaddr(`/ip4/127.0.0.1/tcp/${a.host.listenAddress.split(":")[1]}/p2p/${a.host.peerId}`));
    await waitFor(() => isConnected(a.host, stalledId), "the stalled peer to connect");
    const fullLines = () => a.logs.filter((l) => l.msg === FULL);

    const message = new Uint8Array(100_000);
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      if (!a.host.send(stalledId, "mempool", message)) refused++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let i = 0; i < 5; i++) a.host.broadcast("mempool", message);
    t.true(refused > 150, `the queue filled and refused the rest: ${refused} of 200 refused`);
    t.deepEqual(a.host.sendDrops(), {
      consensus: 0,
      mempool: refused + 5,
      blocksync: 0,
      receipts: 0,
      queries: 0,
      relay: 0,
    });

    // The first drop is logged at once; the next ones wait for the interval.
    const first = fullLines();
    t.is(first.length, 1, "one line for a burst of drops");
    t.is(first[0]!.fields["peer"], stalledId);
    t.deepEqual(first[0]!.fields["dropped"], { mempool: 1 });
    t.true((first[0]!.fields["queued_bytes"] as { mempool: number }).mempool <= MiB);

    // Once the interval has passed, what was held back is logged in one more line.
    await waitFor(() => fullLines().length === 2, "the held-back drops to be logged", INTERVAL_MS + 3_000);
    const second = fullLines()[1]!;
    t.deepEqual(second.fields["dropped"], { mempool: refused + 5 - 1 });
    t.true(second.atMs - first[0]!.atMs >= INTERVAL_MS, `${second.atMs - first[0]!.atMs} ms apart`);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    t.is(fullLines().length, 2, "nothing new dropped, nothing new logged");

    const metrics = createNodeMetrics({
      namespace: "cometbft",
      mempool: { size: () => 0, sizeBytes: () => 0 },
      peers: () => 1,
      validators: () => [],
      sendDrops: () => a.host.sendDrops(),
    });
    const text = await metrics.registry.getSingleMetricAsString("strike_p2p_send_queue_dropped_total");
    t.true(text.includes(`strike_p2p_send_queue_dropped_total{channel="mempool"} ${refused + 5}`), text);
    t.true(text.includes(`strike_p2p_send_queue_dropped_total{channel="consensus"} 0`), text);
  },
);

test.serial("a send to a peer that is not connected is refused but is no queue drop", async (t) => {
  const a = await startHost(t, { seed: 82 });
  t.false(a.host.send("12D3KooWNotConnectedNotConnectedNotConnectedNot", "receipts", new Uint8Array(10)));
  t.deepEqual(a.host.sendDrops(), { consensus: 0, mempool: 0, blocksync: 0, receipts: 0, queries: 0, relay: 0 });
  t.is(a.logs.filter((l) => l.msg === FULL).length, 0);
});
