import test from "ava";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createLibp2p } from "libp2p";
import { tcp } from "@libp2p/tcp";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { multiaddr } from "@multiformats/multiaddr";
import { CHANNELS, channelProtocol, p2pPrivateKey } from "../../../../chain/p2p/index.js";
import { isConnected, seedOf, startHost, waitFor } from "./hosts.js";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** Full collections, with turns of the event loop for V8's concurrent array-buffer sweeping. */
async function gc(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const MiB = 1024 * 1024;

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
  "sends to a stalled peer are refused once its queue is full, memory stays bounded, and it is dropped after the stall timeout",
  async (t) => {
    const a = await startHost(t, {
      seed: 70,
      maxMessageBytes: { mempool: 256 * 1024 },
      tuning: { maxQueuedBytes: { mempool: MiB }, stallTimeoutMs: 1_500 },
    });
    const stalled = await stalledPeer(71);
    t.teardown(() => stalled.stop());
    const stalledId = stalled.peerId.toString();
    await stalled.dial(multiaddr(`/ip4/127.0.0.1/tcp/${a.host.listenAddress.split(":")[1]}/p2p/${a.host.peerId}`));
    await waitFor(() => isConnected(a.host, stalledId), "the stalled peer to connect");
    const events: string[] = [];
    a.host.onPeer((e) => void events.push(e.kind));

    await gc();
    const before = process.memoryUsage().arrayBuffers;
    const message = new Uint8Array(100_000);
    let accepted = 0;
    for (let i = 0; i < 1_000; i++) {
      if (a.host.send(stalledId, "mempool", message)) accepted++;
      // Let the queue pump between sends, as a live sender would.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await gc();
    const grown = process.memoryUsage().arrayBuffers - before;

    // 1 MiB of queue + the 256 KiB yamux window + one frame libp2p holds past it.
    t.true(accepted <= 15, `at most ~14 messages of 100 kB accepted, got ${accepted}`);
    t.true(accepted >= 10, `the queue did fill to its bound first, got ${accepted}`);
    const info = a.host.peers().find((p) => p.id === stalledId);
    t.true(info !== undefined && info.queuedBytes <= MiB, `queued ${info?.queuedBytes} bytes ≤ 1 MiB`);
    t.true(grown < 8 * MiB, `100 MB offered, memory grew by ${(grown / MiB).toFixed(1)} MiB`);
    t.true(a.host.send(stalledId, "consensus", new Uint8Array(100)), "a full mempool queue leaves consensus open");

    await waitFor(() => !isConnected(a.host, stalledId), "the stall timeout to drop the peer", 5_000);
    t.deepEqual(events, ["disconnected"]);
    t.false(a.host.send(stalledId, "mempool", message), "nothing is queued for a dropped peer");
  },
);
