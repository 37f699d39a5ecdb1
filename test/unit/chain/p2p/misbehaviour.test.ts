import test from "ava";
import { addressOf, inbox, isConnected, numbered, numberOf, sleep, startHost, waitFor } from "./hosts.js";

test.serial("a peer that sends an oversized message is dropped and refused until its ban ends", async (t) => {
  const BAN_MS = 1_500;
  const b = await startHost(t, { seed: 31, maxMessageBytes: { mempool: 1024 }, tuning: { banDurationMs: BAN_MS } });
  // a allows itself larger mempool messages than b accepts, and keeps redialling b.
  const a = await startHost(t, {
    seed: 30,
    maxMessageBytes: { mempool: 64 * 1024 },
    persistentPeers: [addressOf(b.host)],
    tuning: { reconnectInitialDelayMs: 50, reconnectMaxDelayMs: 100 },
  });
  await waitFor(() => isConnected(b.host, a.host.peerId), "a to connect");
  const atB = inbox(b.host, "mempool");
  const events: string[] = [];
  let droppedAt = 0;
  b.host.onPeer((e) => {
    events.push(e.kind);
    // The event is emitted synchronously by the drop that starts the ban.
    if (e.kind === "disconnected") droppedAt = Date.now();
  });

  t.true(a.host.send(b.host.peerId, "mempool", numbered(1, 1024)));
  t.true(a.host.send(b.host.peerId, "mempool", numbered(2, 1025)));
  t.true(a.host.send(b.host.peerId, "mempool", numbered(3, 100)));
  await waitFor(() => !isConnected(b.host, a.host.peerId), "b to drop a");
  t.deepEqual(
    atB.map((r) => numberOf(r.message)),
    [1],
    "the message before the oversized one arrived; nothing from it on",
  );

  // a redials every ≤100 ms; b refuses it for the whole ban.
  while (Date.now() - droppedAt < BAN_MS - 300) {
    t.false(isConnected(b.host, a.host.peerId), "a is refused during its ban");
    await sleep(25);
  }
  t.deepEqual(events, ["disconnected"]);
  const redials = a.logs.filter((l) => l.msg === "persistent peer redial scheduled");
  t.true(redials.length >= 2, `a kept trying while banned (${redials.length})`);

  await waitFor(() => isConnected(b.host, a.host.peerId), "a to be accepted after the ban", 3_000);
  const acceptedAfter = Date.now() - droppedAt;
  t.true(acceptedAfter >= BAN_MS - 20, `not before the ban ended (${acceptedAfter} ms)`);
  t.true(a.host.send(b.host.peerId, "mempool", numbered(4, 100)));
  await waitFor(() => atB.length === 2, "a message after the ban");
  t.is(numberOf(atB[1]!.message), 4);
});

test.serial("reportInvalid lowers a peer's score and drops it at the ban score", async (t) => {
  const b = await startHost(t, { seed: 41, tuning: { invalidMessagePenalty: 10, banScore: -50 } });
  const a = await startHost(t, { seed: 40, persistentPeers: [addressOf(b.host)] });
  await waitFor(() => isConnected(b.host, a.host.peerId), "a to connect");

  for (let i = 0; i < 4; i++) b.host.reportInvalid(a.host.peerId, "bad tx");
  const standing = b.host.peers().find((p) => p.id === a.host.peerId);
  t.is(standing?.score, -40, "four penalties of 10");
  t.true(isConnected(b.host, a.host.peerId), "still connected above the ban score");

  b.host.reportInvalid(a.host.peerId, "bad tx");
  t.false(isConnected(b.host, a.host.peerId), "dropped at once when the score reaches -50");
  await sleep(500);
  t.false(isConnected(b.host, a.host.peerId), "and refused afterwards (banned for banDurationMs)");
});

test.serial("a persistent peer dropped for misbehaviour is redialled after a backoff, not banned", async (t) => {
  const b = await startHost(t, { seed: 51 });
  const a = await startHost(t, {
    seed: 50,
    persistentPeers: [addressOf(b.host)],
    tuning: { invalidMessagePenalty: 100, banScore: -100, banDurationMs: 60_000, reconnectInitialDelayMs: 200 },
  });
  await waitFor(() => isConnected(a.host, b.host.peerId), "a to connect");
  const events: string[] = [];
  a.host.onPeer((e) => void events.push(e.kind));

  const droppedAt = Date.now();
  a.host.reportInvalid(b.host.peerId, "bad vote");
  t.false(isConnected(a.host, b.host.peerId));
  await waitFor(() => isConnected(a.host, b.host.peerId), "a to redial b", 3_000);
  const after = Date.now() - droppedAt;
  // One failure → delay of initial · 2^0 · [0.8, 1]; the ban period (60 s) does not apply.
  t.true(after >= 0.8 * 200 - 20, `not redialled before the backoff (${after} ms)`);
  t.deepEqual(events, ["disconnected", "connected"]);
  const atB = inbox(b.host, "consensus");
  t.true(a.host.send(b.host.peerId, "consensus", numbered(9)));
  await waitFor(() => atB.length === 1, "a message after the redial");
});

test.serial("unknown peers beyond maxPeers are refused, persistent peers are always accepted", async (t) => {
  const listed = await startHost(t, { seed: 63 });
  const hub = await startHost(t, { seed: 60, maxPeers: 1, persistentPeers: [addressOf(listed.host)] });
  const first = await startHost(t, { seed: 61, persistentPeers: [addressOf(hub.host)] });
  await waitFor(() => isConnected(hub.host, first.host.peerId), "the first unknown peer");
  const second = await startHost(t, { seed: 62, persistentPeers: [addressOf(hub.host)] });
  const secondEvents: string[] = [];
  second.host.onPeer((e) => void secondEvents.push(e.kind));
  await sleep(600);
  t.false(isConnected(hub.host, second.host.peerId), "a second unknown peer is refused");
  t.deepEqual(secondEvents, [], "the refused peer never sees a connection");
  await waitFor(() => isConnected(hub.host, listed.host.peerId), "the persistent peer");
  t.deepEqual(
    hub.host
      .peers()
      .map((p) => p.persistent)
      .sort(),
    [false, true],
  );
});
