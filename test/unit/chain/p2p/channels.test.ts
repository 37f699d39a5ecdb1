import test from "ava";
import { CHANNELS } from "../../../../chain/p2p/index.js";
import { freePort, freePorts } from "../../../helpers/localNode.js";
import { startPeerProxy } from "../../../helpers/peerProxy.js";
import { addressOf, inbox, isConnected, makeHost, numbered, numberOf, sleep, startHost, waitFor } from "./hosts.js";

test.serial("two hosts joined by a persistent peer exchange messages on every channel in send order", async (t) => {
  const b = await startHost(t, { seed: 2 });
  const a = await startHost(t, { seed: 1, persistentPeers: [addressOf(b.host)] });
  await waitFor(() => isConnected(a.host, b.host.peerId) && isConnected(b.host, a.host.peerId), "a and b to connect");

  const atB = Object.fromEntries(CHANNELS.map((ch) => [ch, inbox(b.host, ch)]));
  const atA = Object.fromEntries(CHANNELS.map((ch) => [ch, inbox(a.host, ch)]));
  const N = 300;
  for (let i = 0; i < N; i++) {
    for (const ch of CHANNELS) {
      // Every 50th blocksync message is 3 MB: it spans many transport chunks.
      const size = ch === "blocksync" && i % 50 === 0 ? 3_000_000 : 16 + (i % 200);
      t.true(a.host.send(b.host.peerId, ch, numbered(i, size)), `a→b ${ch} #${i} accepted`);
      t.true(b.host.send(a.host.peerId, ch, numbered(i, 16)), `b→a ${ch} #${i} accepted`);
    }
  }
  await waitFor(() => CHANNELS.every((ch) => atB[ch]!.length === N && atA[ch]!.length === N), "all messages");
  for (const ch of CHANNELS) {
    t.deepEqual(
      atB[ch]!.map((r) => numberOf(r.message)),
      [...Array(N).keys()],
      `${ch} at b in order`,
    );
    t.deepEqual(
      atA[ch]!.map((r) => numberOf(r.message)),
      [...Array(N).keys()],
      `${ch} at a in order`,
    );
    t.true(atB[ch]!.every((r) => r.from === a.host.peerId));
  }
  t.is(atB["blocksync"]![50]!.message.length, 3_000_000);
  // Byte comparison through Buffer: ava's deepEqual walks a 3 MB array element by element.
  t.true(Buffer.from(atB["blocksync"]![50]!.message).equals(numbered(50, 3_000_000)), "3 MB message intact");
});

test.serial("a broadcast reaches every connected peer once", async (t) => {
  const hub = await startHost(t, { seed: 10 });
  const b = await startHost(t, { seed: 11, persistentPeers: [addressOf(hub.host)] });
  const c = await startHost(t, { seed: 12, persistentPeers: [addressOf(hub.host)] });
  await waitFor(() => hub.host.peers().length === 2, "both peers at the hub");
  const atB = inbox(b.host, "mempool");
  const atC = inbox(c.host, "mempool");
  const atHub = inbox(hub.host, "mempool");
  for (let i = 0; i < 20; i++) hub.host.broadcast("mempool", numbered(i));
  await waitFor(() => atB.length === 20 && atC.length === 20, "the broadcasts");
  t.deepEqual(
    atB.map((r) => numberOf(r.message)),
    [...Array(20).keys()],
  );
  t.deepEqual(
    atC.map((r) => numberOf(r.message)),
    [...Array(20).keys()],
  );
  t.true([...atB, ...atC].every((r) => r.from === hub.host.peerId));
  await sleep(100);
  t.is(atB.length, 20, "no duplicates");
  t.is(atHub.length, 0, "a broadcast is not delivered to its sender");
});

test.serial(
  "a persistent peer that stops and restarts is redialled with capped backoff and messages flow again",
  async (t) => {
    const b = await startHost(t, { seed: 21, listen: `tcp://127.0.0.1:${await freePort()}` });
    const a = await startHost(t, { seed: 20, persistentPeers: [addressOf(b.host)] });
    const events: string[] = [];
    a.host.onPeer((e) => void events.push(`${e.kind} ${e.peerId}`));
    await waitFor(() => isConnected(a.host, b.host.peerId), "first connection");

    await b.host.stop();
    await waitFor(() => !isConnected(a.host, b.host.peerId), "a to see b go");
    // Down long enough for several failed redials: 50, 100, 200, 400, 400 … ms.
    const redials = () => a.logs.filter((l) => l.msg === "persistent peer redial scheduled");
    await waitFor(() => redials().length >= 6, "six redials", 6_000);
    await b.host.start();
    await waitFor(() => isConnected(a.host, b.host.peerId), "a to redial b", 3_000);
    t.deepEqual(events, [`connected ${b.host.peerId}`, `disconnected ${b.host.peerId}`, `connected ${b.host.peerId}`]);

    const retries = redials().map((l) => l.fields["delayMs"] as number);
    t.true(retries.length >= 5, `several redials while b was down: ${retries.join(",")}`);
    // 50 · 2^k scaled by [0.8, 1], then held at the 400 ms cap.
    retries.forEach((delay, k) => {
      const nominal = Math.min(400, 50 * 2 ** k);
      t.true(
        delay >= 0.8 * nominal && delay <= nominal,
        `redial ${k}: ${delay} ms within [${0.8 * nominal}, ${nominal}]`,
      );
    });

    const atB = inbox(b.host, "consensus");
    t.true(a.host.send(b.host.peerId, "consensus", numbered(7)));
    await waitFor(() => atB.length === 1, "a message after the restart");
    t.is(numberOf(atB[0]!.message), 7);
  },
);

test.serial("a host listening on 0.0.0.0 reports the assigned port and is reachable on loopback", async (t) => {
  const any = await startHost(t, { seed: 80, listen: "tcp://0.0.0.0:0" });
  t.regex(any.host.listenAddress, /^0\.0\.0\.0:[1-9]\d*$/);
  const port = any.host.listenAddress.split(":")[1];
  const a = await startHost(t, { seed: 81, persistentPeers: [`${any.host.peerId}@127.0.0.1:${port}`] });
  await waitFor(() => isConnected(any.host, a.host.peerId), "a to connect");
  t.is(any.host.peers()[0]!.persistent, false);
  t.regex(a.host.peers()[0]!.address, new RegExp(`^127\\.0\\.0\\.1:${port}$`));
});

test.serial(
  "two hosts that dialled each other lose one of their two connections: the channels move to the other, the peer is not dropped",
  async (t) => {
    const [portA, portB] = (await freePorts(2)) as [number, number];
    const proxy = await startPeerProxy([portA, portB]);
    t.teardown(() => proxy.close());
    const idOf = (seed: number) => makeHost(t, { seed }).host.peerId; // a throwaway host names the id a seed gives
    const idA = idOf(30);
    const idB = idOf(31);
    const a = await startHost(t, {
      seed: 30,
      listen: `tcp://127.0.0.1:${portA}`,
      persistentPeers: [`${idB}@127.0.0.1:${proxy.port(0, 1)}`],
    });
    const b = await startHost(t, {
      seed: 31,
      listen: `tcp://127.0.0.1:${portB}`,
      persistentPeers: [`${idA}@127.0.0.1:${proxy.port(1, 0)}`],
    });
    await waitFor(() => isConnected(a.host, idB) && isConnected(b.host, idA), "a and b to connect");
    // Both dials land (each side dials the other): wait until both TCP connections exist.
    await sleep(500);
    const atB = inbox(b.host, "consensus");
    const atA = inbox(a.host, "consensus");
    for (const [from, to] of [
      [0, 1],
      [1, 0],
    ] as const) {
      const cut = proxy.reset(from, to);
      if (cut === 0) continue; // that direction's dial was deduplicated away
      await sleep(300);
      for (let i = 0; i < 5; i++) {
        a.host.broadcast("consensus", numbered(i));
        b.host.broadcast("consensus", numbered(i));
      }
      await waitFor(() => atB.length >= 5 && atA.length >= 5, "messages after losing a connection", 8_000);
      atA.length = 0;
      atB.length = 0;
    }
    const drops = [...a.logs, ...b.logs].filter(
      (l) => l.msg === "dropping peer" && /keeps closing/.test(String(l.fields["reason"])),
    );
    t.deepEqual(drops, [], "no peer dropped for a channel that 'keeps closing' when a connection went away");
  },
);
