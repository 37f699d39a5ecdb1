import test from "ava";
import { StreamState } from "@chainsafe/libp2p-yamux/stream";
import { lazyWindowUpdates } from "../../../../chain/p2p/yamux.js";
import { addressOf, inbox, isConnected, numbered, numberOf, sleep, startHost, waitFor } from "./hosts.js";

/** A stand-in for the library's stream: counts the updates its own sendWindowUpdate sends. */
function fakeStream(state: StreamState, recvWindow: number, recvWindowCapacity: number) {
  const s = {
    state,
    recvWindow,
    recvWindowCapacity,
    sent: 0,
    sendWindowUpdate() {
      s.sent++;
      s.recvWindowCapacity = s.recvWindow;
    },
  };
  return s;
}

test("an established stream sends its window update only once half of its window is used", (t) => {
  const s = fakeStream(StreamState.Established, 1000, 1000);
  lazyWindowUpdates(s);
  for (const used of [1, 100, 499]) {
    s.recvWindowCapacity = 1000 - used;
    s.sendWindowUpdate();
    t.is(s.sent, 0, `${used} bytes used: no update`);
  }
  s.recvWindowCapacity = 500;
  s.sendWindowUpdate();
  t.is(s.sent, 1, "half used: the update goes");
  t.is(s.recvWindowCapacity, 1000, "and the window is whole again");
});

test("a stream still opening, or paused, keeps the library's update on every frame", (t) => {
  for (const state of [StreamState.Init, StreamState.SYNSent, StreamState.SYNReceived, StreamState.Paused]) {
    const s = fakeStream(state, 1000, 999);
    lazyWindowUpdates(s);
    s.sendWindowUpdate();
    t.is(s.sent, 1, StreamState[state]);
  }
});

test("something that is not a yamux stream is left as it is", (t) => {
  const other = { sendWindowUpdate: () => 1 };
  const before = other.sendWindowUpdate;
  lazyWindowUpdates(other);
  t.is(other.sendWindowUpdate, before);
  t.notThrows(() => lazyWindowUpdates(undefined));
});

test.serial(
  "two real hosts: thousands of small messages and a 12 MB one arrive whole and in order, with a window update per half window instead of per frame",
  async (t) => {
    const b = await startHost(t, { seed: 31 });
    const a = await startHost(t, { seed: 30, persistentPeers: [addressOf(b.host)] });
    await waitFor(() => isConnected(a.host, b.host.peerId) && isConnected(b.host, a.host.peerId), "a and b to connect");
    const atB = inbox(b.host, "mempool");
    const bigAtB = inbox(b.host, "blocksync");
    const atA = inbox(a.host, "mempool");
    const updatesBefore = b.host.muxerFramesSent().windowUpdate;
    const dataBefore = a.host.muxerFramesSent().data;

    // Sent a few at a time, as gossip is, so that each batch goes out in its own frames.
    const N = 3_000;
    for (let i = 0; i < N; i++) {
      t.true(a.host.send(b.host.peerId, "mempool", numbered(i, 300)), `a→b #${i} accepted`);
      if (i % 3 === 2) await sleep(0);
      if (i % 500 === 0) t.true(b.host.send(a.host.peerId, "mempool", numbered(i, 300)), `b→a #${i} accepted`);
    }
    const big = numbered(7, 12_000_000);
    t.true(a.host.send(b.host.peerId, "blocksync", big), "the 12 MB message is accepted");
    await waitFor(() => atB.length === N && bigAtB.length === 1 && atA.length === N / 500, "every message", 30_000);

    t.deepEqual(
      atB.map((r) => numberOf(r.message)),
      [...Array(N).keys()],
      "in send order",
    );
    t.true(atB.every((r) => r.message.length === 300));
    t.true(Buffer.from(bigAtB[0]!.message).equals(big), "the 12 MB message intact");

    const dataFrames = a.host.muxerFramesSent().data - dataBefore;
    const updates = b.host.muxerFramesSent().windowUpdate - updatesBefore;
    t.log(`a sent ${dataFrames} data frames; b sent ${updates} window updates`);
    // Half-window updates: a dozen or so here (the windows grow up to 16 MiB as the data flows).
    t.true(dataFrames > 500, `enough frames to tell (${dataFrames})`);
    t.true(updates < dataFrames / 4, `${updates} window updates for ${dataFrames} data frames`);
  },
);
