import test from "ava";
import { Socket } from "node:net";
import { corkedSends, frameLength, NOT_ALL_HERE, quietFrameLengths } from "../../../../chain/p2p/noise.js";
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

/** A stand-in for the library's list of received chunks. */
function chunks(...parts: number[][]) {
  const bytes = parts.flat();
  return { byteLength: bytes.length, get: (i: number) => bytes[i]! };
}

test("a frame's length is read from its first two bytes, in one chunk or across two; fewer than two is not all here", (t) => {
  t.is(frameLength(Uint8Array.of(0x01, 0x02, 0xff)), 0x0102);
  t.is(frameLength(Uint8Array.of(0xff, 0xff)), 0xffff);
  t.is(frameLength(chunks([0x12], [0x34, 0x00])), 0x1234);
  t.is(frameLength(chunks([0x00, 0x00])), 0);
  for (const few of [new Uint8Array(0), Uint8Array.of(7), chunks(), chunks([7])]) t.is(frameLength(few), NOT_ALL_HERE);
  t.true(NOT_ALL_HERE > 0xffff, "longer than any frame: the decoder waits for more");
});

test("a decoder gets the quiet length reader only if its own limit lets the answer through", (t) => {
  const roomy = { decoder: { lengthDecoder: () => 1, maxDataLength: 4 * 1024 * 1024 } };
  quietFrameLengths(roomy);
  t.is<unknown, unknown>(roomy.decoder.lengthDecoder, frameLength);
  const tight = { decoder: { lengthDecoder: () => 1, maxDataLength: 0xffff } };
  const before = tight.decoder.lengthDecoder;
  quietFrameLengths(tight);
  t.is(tight.decoder.lengthDecoder, before, "NOT_ALL_HERE would fail this connection");
  t.notThrows(() => quietFrameLengths(undefined));
  t.notThrows(() => quietFrameLengths({ decoder: {} }));
});

test.serial(
  "two real hosts: frames arrive whole and in order, split anywhere, and reading them throws nothing",
  async (t) => {
    // RangeErrors made in this process: the library's length reader throws one per chunk read.
    const Original = globalThis.RangeError;
    let made = 0;
    globalThis.RangeError = new Proxy(Original, {
      apply(target, self, args: [string?]) {
        made++;
        return Reflect.apply(target, self, args);
      },
      construct(target, args: [string?], newTarget) {
        made++;
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
    t.teardown(() => {
      globalThis.RangeError = Original;
    });

    const b = await startHost(t, { seed: 43 });
    const a = await startHost(t, { seed: 42, persistentPeers: [addressOf(b.host)] });
    await waitFor(() => isConnected(a.host, b.host.peerId) && isConnected(b.host, a.host.peerId), "a and b to connect");
    const atB = inbox(b.host, "consensus");
    const madeBefore = made;
    // Sizes from 1 byte to past a noise frame (65,535 bytes): frames split across TCP reads.
    const sizes = [1, 2, 3, 150, 1_000, 16_383, 16_384, 65_519, 65_535, 70_000, 200_000];
    const N = 300;
    for (let i = 0; i < N; i++) {
      t.true(a.host.send(b.host.peerId, "consensus", numbered(i, Math.max(4, sizes[i % sizes.length]!))));
      if (i % 2 === 0) await sleep(0);
    }
    await waitFor(() => atB.length === N, "every message", 20_000);
    t.deepEqual(
      atB.map((r) => numberOf(r.message)),
      [...Array(N).keys()],
      "in send order",
    );
    t.true(
      atB.every((r, i) =>
        Buffer.from(r.message).equals(Buffer.from(numbered(i, Math.max(4, sizes[i % sizes.length]!)))),
      ),
      "each intact",
    );
    t.is(made - madeBefore, 0, "no RangeError made while reading them");
  },
);
