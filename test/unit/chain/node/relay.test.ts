/**
 * The announce-and-fetch relay (chain/node/relay.ts) against a recording host: what is new
 * from a peer is announced to the others, batched per turn; a peer that lacks an item asks
 * for it once and is sent it on the item's channel; what a node has is never fetched again;
 * malformed messages are the peer's fault.
 */
import test from "ava";
import { sha256 } from "../../../../chain/crypto/hash.js";
import { MAX_HASHES_PER_MESSAGE, createRelay } from "../../../../chain/node/relay.js";
import type { ChannelId } from "../../../../chain/p2p/index.js";
import { utf8 } from "../../../../chain/types/bytes.js";

interface Sent {
  peer: string;
  channel: ChannelId;
  bytes: Uint8Array;
}

function fakeHost(peerIds: string[]) {
  const sent: Sent[] = [];
  const invalid: [string, string][] = [];
  let handler: ((peer: string, m: Uint8Array) => void) | undefined;
  let accept = true;
  return {
    sent,
    invalid,
    deliver: (peer: string, m: Uint8Array) => handler!(peer, m),
    refuseSends: () => (accept = false),
    host: {
      peers: () =>
        peerIds.map((id) => ({ id, address: "", persistent: true, score: 0, connectedSinceMs: 0, queuedBytes: 0 })),
      send(peer: string, channel: ChannelId, bytes: Uint8Array) {
        if (!accept) return false;
        sent.push({ peer, channel, bytes });
        return true;
      },
      onMessage(channel: ChannelId, h: (peer: string, m: Uint8Array) => void) {
        if (channel === "relay") handler = h;
      },
      reportInvalid: (peer: string, reason: string) => invalid.push([peer, reason]),
    },
  };
}

const turn = () => new Promise((r) => setImmediate(r));
const tx = (i: number) => utf8(`tx number ${i}`);
const msg = (kind: number, op: number, hashes: Uint8Array[]) => {
  const m = new Uint8Array(2 + 32 * hashes.length);
  m[0] = kind;
  m[1] = op;
  hashes.forEach((h, i) => m.set(h, 2 + 32 * i));
  return m;
};
const hashesIn = (m: Uint8Array) =>
  Array.from({ length: (m.length - 2) / 32 }, (_, i) =>
    Buffer.from(m.subarray(2 + 32 * i, 34 + 32 * i)).toString("hex"),
  );
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("what is new from a peer is announced to every other peer, the turn's items in one message each", async (t) => {
  const h = fakeHost(["a", "b", "c"]);
  const relay = createRelay({ host: h.host, known: { tx: () => false, receipt: () => false } });
  relay.announce("tx", sha256(tx(1)), tx(1), "a");
  relay.announce("tx", sha256(tx(2)), tx(2), "a");
  relay.announce("receipt", sha256(tx(3)), tx(3), undefined);
  t.is(h.sent.length, 0, "nothing goes out before the turn ends");
  await turn();
  const to = (peer: string) => h.sent.filter((s) => s.peer === peer);
  t.deepEqual(
    to("a").map((s) => [s.channel, s.bytes[0], s.bytes[1], hashesIn(s.bytes)]),
    [["relay", 1, 0, [hex(sha256(tx(3)))]]],
    "a, which sent the txs, is told only of the receipt",
  );
  for (const peer of ["b", "c"])
    t.deepEqual(
      to(peer).map((s) => [s.bytes[0], hashesIn(s.bytes)]),
      [
        [0, [hex(sha256(tx(1))), hex(sha256(tx(2)))]],
        [1, [hex(sha256(tx(3)))]],
      ],
    );
  t.is(relay.stats().announced, 1 + 2 * 3, "hashes announced: one to a, three each to b and c");
});

test("an announced item this node lacks is asked for once, and the announcer sends it on its own channel", async (t) => {
  const holder = fakeHost(["n"]);
  const holderRelay = createRelay({ host: holder.host, known: { tx: () => false, receipt: () => false } });
  holderRelay.announce("receipt", sha256(tx(7)), tx(7), "s");
  await turn();

  let clock = 0;
  const n = fakeHost(["h", "other"]);
  const have = new Set<string>([hex(sha256(tx(8)))]);
  createRelay({
    host: n.host,
    known: { tx: (x) => have.has(hex(x)), receipt: (x) => have.has(hex(x)) },
    now: () => clock,
    wantRetryMs: 1_000,
  });
  n.deliver("h", msg(1, 0, [sha256(tx(7)), sha256(tx(8))]));
  t.deepEqual(
    n.sent.map((s) => [s.peer, s.bytes[0], s.bytes[1], hashesIn(s.bytes)]),
    [["h", 1, 1, [hex(sha256(tx(7)))]]],
    "only what it lacks",
  );
  // Announced by another peer meanwhile: not asked twice while the first request may still come.
  n.deliver("other", msg(1, 0, [sha256(tx(7))]));
  t.is(n.sent.length, 1);
  clock = 1_500;
  n.deliver("other", msg(1, 0, [sha256(tx(7))]));
  t.deepEqual(n.sent.at(-1)?.peer, "other", "asked of another announcer after the retry interval");

  // The holder serves the request on the receipts channel.
  holder.deliver("n", n.sent[0]!.bytes);
  const served = holder.sent.filter((s) => s.channel === "receipts");
  t.deepEqual(
    served.map((s) => [s.peer, hex(s.bytes)]),
    [["n", hex(tx(7))]],
  );
  t.is(holderRelay.stats().served, 1);
  // Asked for something it does not hold: nothing is sent, and it is no fault.
  holder.deliver("n", msg(0, 1, [sha256(tx(99))]));
  t.is(holder.sent.filter((s) => s.channel === "mempool").length, 0);
  t.deepEqual(holder.invalid, []);
});

test("what the node saw is not fetched; a refused tx forgotten is fetched again when announced", async (t) => {
  const n = fakeHost(["p"]);
  const relay = createRelay({ host: n.host, known: { tx: () => false, receipt: () => false } });
  relay.saw("tx", sha256(tx(1)));
  n.deliver("p", msg(0, 0, [sha256(tx(1))]));
  t.is(n.sent.length, 0);
  relay.forget("tx", sha256(tx(1)));
  n.deliver("p", msg(0, 0, [sha256(tx(1))]));
  t.deepEqual(
    n.sent.map((s) => hashesIn(s.bytes)),
    [[hex(sha256(tx(1)))]],
  );
  await turn();
});

test("malformed relay messages are the peer's fault and change nothing", async (t) => {
  const n = fakeHost(["p"]);
  createRelay({ host: n.host, known: { tx: () => false, receipt: () => false } });
  const bad: Uint8Array[] = [
    new Uint8Array(0),
    Uint8Array.of(0, 0),
    msg(0, 0, [sha256(tx(1))]).subarray(0, 20),
    msg(2, 0, [sha256(tx(1))]),
    msg(0, 2, [sha256(tx(1))]),
    msg(
      0,
      0,
      Array.from({ length: MAX_HASHES_PER_MESSAGE + 1 }, (_, i) => sha256(tx(i))),
    ),
  ];
  for (const m of bad) n.deliver("p", m);
  t.is(n.invalid.length, bad.length);
  t.true(n.invalid.every(([peer]) => peer === "p"));
  t.is(n.sent.length, 0);
});

test("the cache of items to serve is bounded by count and by bytes", async (t) => {
  const holder = fakeHost(["n"]);
  const relay = createRelay({
    host: holder.host,
    known: { tx: () => false, receipt: () => false },
    cacheItems: 100,
    cacheBytes: 1_000,
  });
  const big = (i: number) => new Uint8Array(300).fill(i);
  for (let i = 0; i < 10; i++) relay.announce("tx", sha256(big(i)), big(i), "x");
  await turn();
  holder.sent.length = 0;
  holder.deliver(
    "n",
    msg(
      0,
      1,
      Array.from({ length: 10 }, (_, i) => sha256(big(i))),
    ),
  );
  // 1,000 bytes hold three of 300: the newest.
  t.deepEqual(
    holder.sent.map((s) => s.bytes[0]),
    [7, 8, 9],
  );
});

test("a peer asking again for an item it was sent is not sent it again", async (t) => {
  const holder = fakeHost(["n", "m"]);
  const relay = createRelay({ host: holder.host, known: { tx: () => false, receipt: () => false } });
  const receipt = new Uint8Array(100_000).fill(7);
  relay.announce("receipt", sha256(receipt), receipt, "s");
  await turn();
  holder.sent.length = 0;
  const want = msg(1, 1, [sha256(receipt), sha256(receipt)]);
  for (let i = 0; i < 50; i++) holder.deliver("n", want);
  holder.deliver("m", want);
  t.deepEqual(
    holder.sent.map((s) => [s.peer, s.channel, s.bytes.length]),
    [
      ["n", "receipts", 100_000],
      ["m", "receipts", 100_000],
    ],
    "once to each peer that asks",
  );
  t.is(relay.stats().served, 2);
});

test("an item the node may not hand out (a receipt whose signature fails its late check) is not sent to a peer that asks", async (t) => {
  const h = fakeHost(["n"]);
  const refused = new Set([hex(tx(2))]);
  const relay = createRelay({
    host: h.host,
    known: { tx: () => false, receipt: () => false },
    servable: { receipt: (bytes) => !refused.has(hex(bytes)) },
  });
  relay.announce("receipt", sha256(tx(1)), tx(1), "s");
  relay.announce("receipt", sha256(tx(2)), tx(2), "s");
  relay.announce("tx", sha256(tx(2)), tx(2), "s");
  await turn();
  h.deliver("n", msg(1, 1, [sha256(tx(1)), sha256(tx(2))]));
  h.deliver("n", msg(0, 1, [sha256(tx(2))]));
  t.deepEqual(
    h.sent.filter((s) => s.channel !== "relay").map((s) => [s.channel, hex(s.bytes)]),
    [
      ["receipts", hex(tx(1))],
      ["mempool", hex(tx(2))],
    ],
    "the refused receipt is not sent; the rule is per kind",
  );
  t.is(relay.stats().served, 2);
});
