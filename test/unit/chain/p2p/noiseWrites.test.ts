import test from "ava";
import { Socket } from "node:net";
import { corkedSends } from "../../../../chain/p2p/noise.js";
import { addressOf, inbox, isConnected, numbered, numberOf, sleep, startHost, waitFor } from "./hosts.js";

/** A stand-in for libp2p's TCP connection: its sendData writes each buffer with its own socket write. */
function fakeConnection(highWaterMark = 16_384) {
  const log: string[] = [];
  const c = {
    socket: {
      writableHighWaterMark: highWaterMark,
      cork: () => void log.push("cork"),
      uncork: () => void log.push("uncork"),
    },
    failNext: false,
    sendData(data: { byteLength: number; parts: number[] }) {
      if (c.failNext) throw new Error("socket gone");
      for (const n of data.parts) log.push(`write ${n}`);
      return { sentBytes: data.byteLength, canSendMore: true };
    },
  };
  return { c, log };
}

const batch = (...parts: number[]) => ({ parts, byteLength: parts.reduce((a, b) => a + b, 0) });

test("a small batch is written corked: its buffers leave in one socket write", (t) => {
  const { c, log } = fakeConnection();
  corkedSends(c);
  t.deepEqual(c.sendData(batch(2, 120, 2, 80)), { sentBytes: 204, canSendMore: true });
  t.deepEqual(log, ["cork", "write 2", "write 120", "write 2", "write 80", "uncork"]);
});

test("a batch as large as the socket's high-water mark is written as the library writes it", (t) => {
  const { c, log } = fakeConnection(1_000);
  corkedSends(c);
  c.sendData(batch(2, 998));
  t.deepEqual(log, ["write 2", "write 998"]);
});

test("a send that throws still uncorks the socket, and the error reaches the caller", (t) => {
  const { c, log } = fakeConnection();
  corkedSends(c);
  c.failNext = true;
  t.throws(() => c.sendData(batch(2, 10)), { message: "socket gone" });
  t.deepEqual(log, ["cork", "uncork"]);
});

test("a connection without a corkable socket is left as it is", (t) => {
  const other = { sendData: () => 1, socket: {} };
  const before = other.sendData;
  corkedSends(other);
  t.is(other.sendData, before);
  t.notThrows(() => corkedSends(undefined));
  t.notThrows(() => corkedSends({}));
});

test.serial(
  "two real hosts: no noise frame's 2-byte length goes out in a socket write of its own, and large messages still arrive whole",
  async (t) => {
    // Every socket write of this process, by kind: `_write` is one buffer, `_writev` several at once.
    const lone: number[] = [];
    let batched = 0;
    const proto = Socket.prototype as unknown as {
      _write(chunk: Uint8Array, ...rest: unknown[]): void;
      _writev(chunks: unknown[], ...rest: unknown[]): void;
    };
    const write = proto._write;
    const writev = proto._writev;
    proto._write = function (this: Socket, chunk, ...rest) {
      lone.push(chunk.byteLength);
      write.call(this, chunk, ...rest);
    };
    proto._writev = function (this: Socket, chunks, ...rest) {
      batched++;
      writev.call(this, chunks, ...rest);
    };
    t.teardown(() => {
      proto._write = write;
      proto._writev = writev;
    });

    const b = await startHost(t, { seed: 41 });
    const a = await startHost(t, { seed: 40, persistentPeers: [addressOf(b.host)] });
    await waitFor(() => isConnected(a.host, b.host.peerId) && isConnected(b.host, a.host.peerId), "a and b to connect");
    const atB = inbox(b.host, "consensus");
    const bigAtB = inbox(b.host, "blocksync");
    // One small message per turn of the event loop, as votes go: each its own batch.
    const N = 300;
    const batchedBefore = batched;
    for (let i = 0; i < N; i++) {
      t.true(a.host.send(b.host.peerId, "consensus", numbered(i, 150)));
      await sleep(0);
    }
    await waitFor(() => atB.length === N, "the small messages", 20_000);
    t.deepEqual(
      atB.map((r) => numberOf(r.message)),
      [...Array(N).keys()],
      "in send order",
    );
    t.log(`socket writes: ${batched - batchedBefore} batched, ${lone.length} of one buffer`);
    t.true(batched - batchedBefore >= N, `the small messages went out in batched writes (${batched - batchedBefore})`);
    t.deepEqual(
      lone.filter((n) => n === 2),
      [],
      "no 2-byte write of its own",
    );

    // A batch past the high-water mark goes out as the library writes it.
    const big = numbered(9, 3_000_000);
    t.true(a.host.send(b.host.peerId, "blocksync", big));
    await waitFor(() => bigAtB.length === 1, "the 3 MB message", 20_000);
    t.true(Buffer.from(bigAtB[0]!.message).equals(big), "the 3 MB message intact");
  },
);
