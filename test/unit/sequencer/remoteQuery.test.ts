/**
 * Speculative queries forwarded to the sequencer (chain/sequencer/remoteQuery.ts): the relay
 * believes only an answer signed by the sequencer its schedule names, over its own nonce, the
 * query and the result; malformed messages are refused; a peer cannot make the sequencer
 * answer faster than its allowance.
 */
import test from "ava";
import { queryPath } from "../../../chain/client/queryRpc.js";
import { QueryServiceName as MarginQuery } from "../../../chain/codec/generated/strike/margin/v1/query.js";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import {
  createQueryForwarder,
  createQueryRelay,
  createQueryServer,
  decodeQueryMessage,
  encodeQueryAnswer,
  encodeQueryRequest,
  handleQueryMessage,
  MAX_QUERY_DATA_BYTES,
  MAX_QUERY_HOPS,
  MAX_RELAYED_ANSWER_BYTES,
  RemoteQueryError,
  type QueryAnswer,
  type QueryForwarder,
  type QueryRelay,
  type QueryServer,
} from "../../../chain/sequencer/remoteQuery.js";
import { toHex, utf8 } from "../../../chain/types/bytes.js";

const CHAIN = "strike-test-1";
const sequencerKey = createEd25519Signer(new Uint8Array(32).fill(1));
const otherKey = createEd25519Signer(new Uint8Array(32).fill(2));
const validator = (k: typeof sequencerKey) => ({ address: ed25519Address(k.publicKey), pubKey: k.publicKey });
const PATH = queryPath(MarginQuery, "Subaccounts");
const UNKNOWN = queryPath("strike.nope.v1.Query", "Nope");

function server(
  signer = sequencerKey,
  query: (path: string, data: Uint8Array) => { height: bigint; value: Uint8Array } | undefined = (_p, data) => ({
    height: 7n,
    value: utf8(`answer to ${toHex(data)}`),
  }),
  now?: () => number,
): QueryServer {
  return createQueryServer({ chainId: CHAIN, signer, query, ...(now === undefined ? {} : { now }) });
}

/** A relay whose broadcast goes to `peers` (each one's reply, if any, handed back as from that peer). */
function relay(
  peers: ((bytes: Uint8Array) => Uint8Array | undefined)[],
  o: { timeoutMs?: number; maxInFlight?: number; sequencer?: typeof sequencerKey } = {},
): { relay: QueryRelay; verdicts: string[] } {
  const verdicts: string[] = [];
  const r: QueryRelay = createQueryRelay({
    chainId: CHAIN,
    sequencer: () => validator(o.sequencer ?? sequencerKey),
    broadcast: (bytes) => {
      for (const peer of peers) {
        const reply = peer(bytes);
        if (reply === undefined) continue;
        // Answers arrive later, as from the network.
        setImmediate(() => {
          const m = decodeQueryMessage(reply);
          if (m.kind !== "answer") throw new Error("a peer replied with a request");
          verdicts.push(r.answered(m.answer).verdict);
        });
      }
      return peers.length;
    },
    timeoutMs: o.timeoutMs ?? 300,
    ...(o.maxInFlight === undefined ? {} : { maxInFlight: o.maxInFlight }),
  });
  return { relay: r, verdicts };
}

const serving =
  (s: QueryServer, peer = "peer-a") =>
  (bytes: Uint8Array) => {
    const m = decodeQueryMessage(bytes);
    if (m.kind !== "request") throw new Error("not a request");
    return s.serve(peer, m.request);
  };

/** A peer that alters the sequencer's answer before passing it on. */
const tampering = (s: QueryServer, change: (a: QueryAnswer) => QueryAnswer) => (bytes: Uint8Array) => {
  const reply = serving(s)(bytes);
  if (reply === undefined) return undefined;
  const m = decodeQueryMessage(reply);
  if (m.kind !== "answer") throw new Error("not an answer");
  return encodeQueryAnswer(change(m.answer));
};

test("a query forwarded to the sequencer comes back with its value, height and address", async (t) => {
  const silent = () => undefined;
  const { relay: r, verdicts } = relay([silent, serving(server()), silent]);
  const got = await r.ask(PATH, new Uint8Array([1, 2]));
  t.is(got.height, 7n);
  t.is(Buffer.from(got.value).toString(), "answer to 0102");
  t.is(got.sequencer, toHex(ed25519Address(sequencerKey.publicKey)).toUpperCase());
  t.deepEqual(verdicts, ["taken"]);
  t.is(r.inFlight, 0);
});

test("an answer altered on the way (value, height or kind) fails its signature: the peer is at fault and nothing is passed on", async (t) => {
  const changes: ((a: QueryAnswer) => QueryAnswer)[] = [
    (a) => ({ ...a, payload: utf8("a made-up position") }),
    (a) => ({ ...a, height: a.height + 1n }),
    (a) => ({ ...a, kind: "error" }),
    (a) => ({ ...a, signature: a.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) }),
  ];
  for (const change of changes) {
    const { relay: r, verdicts } = relay([tampering(server(), change)]);
    const e = await t.throwsAsync(r.ask(PATH, new Uint8Array([9])), { instanceOf: RemoteQueryError });
    t.regex(e.message, /no answer came through this node's 1 peer\(s\) within 300 ms/);
    t.deepEqual(verdicts, ["invalid"]);
  }
});

test("an answer to another question (a replay under a new nonce) fails its signature", async (t) => {
  const s = server();
  let old: Uint8Array | undefined;
  // First a genuine exchange, recorded.
  const first = relay([
    (bytes) => {
      old = serving(s)(bytes);
      return old;
    },
  ]);
  await first.relay.ask(PATH, new Uint8Array([1]));
  // Then a peer answers a new question with the old answer, its nonce rewritten to match.
  const { relay: r, verdicts } = relay([
    (bytes) => {
      const req = decodeQueryMessage(bytes);
      const prev = decodeQueryMessage(old!);
      if (req.kind !== "request" || prev.kind !== "answer") throw new Error("shape");
      return encodeQueryAnswer({ ...prev.answer, nonce: req.request.nonce });
    },
  ]);
  await t.throwsAsync(r.ask(PATH, new Uint8Array([1])), { instanceOf: RemoteQueryError });
  t.deepEqual(verdicts, ["invalid"]);
});

test("a validator that is not the sequencer cannot answer for it, even with a valid signature of its own", async (t) => {
  const { relay: r, verdicts } = relay([serving(server(otherKey, () => ({ height: 7n, value: utf8("lies") })))]);
  const e = await t.throwsAsync(r.ask(PATH, new Uint8Array(0)), { instanceOf: RemoteQueryError });
  t.regex(e.message, new RegExp(`signed by validator ${toHex(ed25519Address(otherKey.publicKey)).toUpperCase()}`));
  t.regex(e.message, /not the sequencer \(validator [0-9A-F]{40} is\)/);
  t.deepEqual(verdicts, ["ignored"]);
});

test("the first good answer wins; a lying peer beside the sequencer changes nothing", async (t) => {
  const liar = tampering(server(), (a) => ({ ...a, payload: utf8("lies") }));
  const { relay: r, verdicts } = relay([liar, serving(server())]);
  const got = await r.ask(PATH, new Uint8Array([5]));
  t.is(Buffer.from(got.value).toString(), "answer to 05");
  t.deepEqual(verdicts, ["invalid", "taken"]);
});

test("the sequencer's refusal of a query comes back as the query's error, signed like a value", async (t) => {
  const refusing = server(sequencerKey, () => {
    throw new Error(`unknown query path ${UNKNOWN}`);
  });
  const { relay: r } = relay([serving(refusing)]);
  const e = await t.throwsAsync(r.ask(UNKNOWN, new Uint8Array(0)), {
    instanceOf: RemoteQueryError,
  });
  t.is(e.reason, "query");
  t.is(e.message, `unknown query path ${UNKNOWN}`);
});

test("an answer too large to relay becomes an error that says to ask the sequencer's node", async (t) => {
  const huge = server(sequencerKey, () => ({ height: 3n, value: new Uint8Array(MAX_RELAYED_ANSWER_BYTES + 1) }));
  const { relay: r } = relay([serving(huge)]);
  const e = await t.throwsAsync(r.ask(PATH, new Uint8Array(0)), { instanceOf: RemoteQueryError });
  t.regex(e.message, /larger than a relayed answer may be .*ask the sequencer's node/);
});

test("a node that is not sequencing stays silent; with no peers at all the error says so at once", async (t) => {
  t.is(
    serving(server(sequencerKey, () => undefined))(
      encodeQueryRequest({ nonce: new Uint8Array(16), hops: 0, path: PATH, data: new Uint8Array(0) }),
    ),
    undefined,
  );
  const { relay: r } = relay([], { timeoutMs: 60_000 });
  const started = Date.now();
  const e = await t.throwsAsync(r.ask(PATH, new Uint8Array(0)), { instanceOf: RemoteQueryError });
  t.regex(e.message, /no peers to ask/);
  t.true(Date.now() - started < 1_000);
});

test("queries waiting on the sequencer are bounded: past the bound the caller is told to try again", async (t) => {
  const { relay: r } = relay([() => undefined], { maxInFlight: 2, timeoutMs: 200 });
  const waiting = [r.ask(PATH, new Uint8Array(0)), r.ask(PATH, new Uint8Array(0))];
  const e = await t.throwsAsync(r.ask(PATH, new Uint8Array(0)), { instanceOf: RemoteQueryError });
  t.is(e.reason, "busy");
  for (const w of waiting) await t.throwsAsync(w);
  t.is(r.inFlight, 0);
});

test("a peer is served at most its allowance (a burst of 100, then 100/s), and past it its queries do not even run; other peers are not held back", (t) => {
  let now = 1_000_000;
  let ran = 0;
  const s = server(
    sequencerKey,
    () => {
      ran++;
      return { height: 1n, value: utf8("v") };
    },
    () => now,
  );
  const ask = (peer: string) =>
    s.serve(peer, { nonce: new Uint8Array(16), hops: 0, path: PATH, data: new Uint8Array(0) }) !== undefined;
  let served = 0;
  for (let i = 0; i < 150; i++) if (ask("flooder")) served++;
  t.is(served, 100);
  t.is(s.refused, 50);
  t.is(ran, 100, "a refused query is not executed");
  t.true(ask("honest"), "another peer is still answered");
  now += 100; // 10 more tokens
  served = 0;
  for (let i = 0; i < 20; i++) if (ask("flooder")) served++;
  t.is(served, 10);
});

test("malformed messages are refused with a reason, never half-read", (t) => {
  const req = encodeQueryRequest({ nonce: new Uint8Array(16).fill(3), hops: 3, path: PATH, data: new Uint8Array([1]) });
  const answer = server()
    .serve("p", { nonce: new Uint8Array(16), hops: 0, path: PATH, data: new Uint8Array(0) })!
    .slice();
  t.is(decodeQueryMessage(req).kind, "request");
  t.is(decodeQueryMessage(answer).kind, "answer");
  const bad: [Uint8Array, RegExp][] = [
    [new Uint8Array(0), /unknown query message tag/],
    [new Uint8Array([9, 1, 2]), /unknown query message tag 9/],
    [req.subarray(0, 10), /too short/],
    [Uint8Array.from([...req.subarray(0, 18), 0xff, 0xff]), /path of 65535 bytes/],
    [Uint8Array.from([...req.subarray(0, 18), 0, 200, 1, 2]), /path past the end/],
    [Uint8Array.from(req.map((b, i) => (i === 17 ? 4 : b))), /4 hops left \(at most 3\)/],
    [
      encodeQueryRequest({
        nonce: new Uint8Array(16),
        hops: 0,
        path: "/a/b",
        data: new Uint8Array(MAX_QUERY_DATA_BYTES + 1),
      }),
      /bytes of data/,
    ],
    [
      encodeQueryRequest({ nonce: new Uint8Array(16), hops: 0, path: "store/bank/key", data: new Uint8Array(0) }),
      /module query path/,
    ],
    [answer.subarray(0, 50), /too short/],
    [Uint8Array.from(answer.map((b, i) => (i === 17 ? 7 : b))), /unknown kind 7/],
  ];
  for (const [bytes, why] of bad) t.throws(() => decodeQueryMessage(bytes), { message: why });
});

/**
 * Nodes on a simulated network, each running what app/node.ts runs on the "queries" channel:
 * the sequencer's server (on the one named `sequencer`), a relay for its own questions and a
 * forwarder. Messages arrive in a later turn, as from the network; `links` are both ways.
 */
function network(
  names: string[],
  links: [string, string][],
  o: {
    sequencer: string;
    answerAs?: Record<string, (a: QueryAnswer) => QueryAnswer>;
    servers?: Record<string, QueryServer>;
  },
) {
  const peersOf = new Map(names.map((n) => [n, new Set<string>()]));
  for (const [a, b] of links) {
    peersOf.get(a)!.add(b);
    peersOf.get(b)!.add(a);
  }
  const nodes = new Map<string, { relay: QueryRelay; forwarder: QueryForwarder; server?: QueryServer }>();
  const penalised: string[] = [];
  const requestsSeen = new Map<string, number>();
  const passedOn = new Map<string, number>();
  const deliver = (from: string, to: string, bytes: Uint8Array) =>
    setImmediate(() => {
      const node = nodes.get(to)!;
      if (decodeQueryMessage(bytes).kind === "request") requestsSeen.set(to, (requestsSeen.get(to) ?? 0) + 1);
      const r = handleQueryMessage(from, bytes, node.server, node.relay, node.forwarder);
      if (r.invalid !== undefined) penalised.push(`${to} penalised ${from}: ${r.invalid}`);
      if (r.reply !== undefined) {
        const change = o.answerAs?.[to];
        const m = decodeQueryMessage(r.reply);
        deliver(to, from, change === undefined || m.kind !== "answer" ? r.reply : encodeQueryAnswer(change(m.answer)));
      }
    });
  const broadcast = (from: string, bytes: Uint8Array, except?: string) => {
    let n = 0;
    for (const p of peersOf.get(from)!)
      if (p !== except) {
        deliver(from, p, bytes);
        n++;
      }
    return n;
  };
  for (const name of names) {
    const relay = createQueryRelay({
      chainId: CHAIN,
      sequencer: () => validator(sequencerKey),
      broadcast: (bytes) => broadcast(name, bytes),
      timeoutMs: 500,
    });
    const forwarder = createQueryForwarder({
      chainId: CHAIN,
      sequencer: () => validator(sequencerKey),
      isSequencer: () => name === o.sequencer,
      broadcast: (bytes, except) => {
        passedOn.set(name, (passedOn.get(name) ?? 0) + 1);
        return broadcast(name, bytes, except);
      },
      send: (peer, bytes) => deliver(name, peer, bytes),
      asking: (nonce) => relay.asking(nonce),
      timeoutMs: 500,
    });
    const s = o.servers?.[name] ?? (name === o.sequencer ? server() : undefined);
    nodes.set(name, { relay, forwarder, ...(s === undefined ? {} : { server: s }) });
  }
  return { nodes, penalised, requestsSeen, passedOn };
}

test("a node two full nodes away from the sequencer gets its answer through them, signed by the sequencer", async (t) => {
  // client → full2 → full1 → validator (the sequencer), as a sentry set-up puts them.
  const net = network(
    ["full2", "full1", "seq"],
    [
      ["full2", "full1"],
      ["full1", "seq"],
    ],
    { sequencer: "seq" },
  );
  const got = await net.nodes.get("full2")!.relay.ask(PATH, new Uint8Array([4, 2]));
  t.is(Buffer.from(got.value).toString(), "answer to 0402");
  t.is(got.sequencer, toHex(ed25519Address(sequencerKey.publicKey)).toUpperCase());
  t.deepEqual(net.penalised, []);
  t.is(net.nodes.get("full1")!.forwarder.routes, 0, "the route closed with its answer");
});

test(`a request goes at most ${MAX_QUERY_HOPS} hops past the asking node's peers, and each node passes a request on once`, async (t) => {
  const far = ["a", "b", "c", "d", "e", "seq"];
  const line = network(
    far,
    [
      ["a", "b"],
      ["b", "c"],
      ["c", "d"],
      ["d", "e"],
      ["e", "seq"],
    ],
    { sequencer: "seq" },
  );
  const e = await t.throwsAsync(line.nodes.get("a")!.relay.ask(PATH, new Uint8Array(0)), {
    instanceOf: RemoteQueryError,
  });
  t.regex(e.message, /no answer came through this node's 1 peer\(s\)/);
  t.is(line.requestsSeen.get("seq"), undefined, "the sequencer five hops away never heard it");
  t.is(line.requestsSeen.get("e"), 1);
  // A ring with a chord: copies reach nodes by two paths; each passes it on once, none back to where it came from.
  const ring = network(
    ["a", "b", "c", "d", "seq"],
    [
      ["a", "b"],
      ["b", "c"],
      ["c", "d"],
      ["d", "a"],
      ["b", "d"],
      ["c", "seq"],
    ],
    { sequencer: "seq" },
  );
  const got = await ring.nodes.get("a")!.relay.ask(PATH, new Uint8Array([1]));
  t.is(Buffer.from(got.value).toString(), "answer to 01");
  await new Promise((r) => setTimeout(r, 50));
  t.deepEqual([...ring.passedOn].sort(), [
    ["b", 1],
    ["c", 1],
    ["d", 1],
  ]);
  t.is(ring.requestsSeen.get("seq"), 1, "the sequencer heard it once, from c");
  t.deepEqual(ring.penalised, []);
});

test("a forwarding node passes back only the sequencer's answer: a tampered one is the peer's fault, another validator's does not use up the route", async (t) => {
  // The sequencer's answer reaches full1 tampered on one path and intact on the other.
  const tampered = network(
    ["full", "mid", "liar", "seq"],
    [
      ["full", "mid"],
      ["mid", "liar"],
      ["mid", "seq"],
    ],
    {
      sequencer: "seq",
      // A peer that passes on the sequencer's answer with the value changed.
      servers: { liar: server() },
      answerAs: { liar: (a) => ({ ...a, payload: utf8("a made-up position") }) },
    },
  );
  const got = await tampered.nodes.get("full")!.relay.ask(PATH, new Uint8Array([8]));
  t.is(Buffer.from(got.value).toString(), "answer to 08");
  t.deepEqual(tampered.penalised, ["mid penalised liar: speculative query answer: the signature does not verify"]);
  // Another validator answers first with its own valid signature: not passed back, and the sequencer's still is.
  const impostor = network(
    ["full", "mid", "other", "seq"],
    [
      ["full", "mid"],
      ["mid", "other"],
      ["mid", "seq"],
    ],
    {
      sequencer: "seq",
      servers: { other: server(otherKey, () => ({ height: 7n, value: utf8("lies") })) },
    },
  );
  const real = await impostor.nodes.get("full")!.relay.ask(PATH, new Uint8Array([9]));
  t.is(Buffer.from(real.value).toString(), "answer to 09");
  t.deepEqual(impostor.penalised, []);
});

test("the sequencer and the asking node never pass a request on; a forwarder's routes and each peer's requests are bounded", (t) => {
  let now = 1_000;
  const sent: string[] = [];
  const make = (o: { isSequencer?: boolean; asking?: boolean; maxRoutes?: number }) =>
    createQueryForwarder({
      chainId: CHAIN,
      sequencer: () => validator(sequencerKey),
      isSequencer: () => o.isSequencer ?? false,
      broadcast: (bytes, except) => {
        const m = decodeQueryMessage(bytes);
        sent.push(`${m.kind === "request" ? m.request.hops : "?"} except ${except}`);
        return 1;
      },
      send: () => {},
      asking: () => o.asking ?? false,
      timeoutMs: 1_000,
      ...(o.maxRoutes === undefined ? {} : { maxRoutes: o.maxRoutes }),
      now: () => now,
    });
  let n = 0;
  const request = (hops: number) => ({
    nonce: new Uint8Array(16).fill(++n % 256).map((b, i) => (i === 0 ? n >> 8 : b)),
    hops,
    path: PATH,
    data: new Uint8Array(0),
  });
  make({ isSequencer: true }).request("p", request(3));
  make({ asking: true }).request("p", request(3));
  const f = make({});
  f.request("p", request(0));
  t.deepEqual(sent, [], "the sequencer, a node's own question and a request with no hops left go nowhere");
  const r = request(2);
  f.request("p", r);
  f.request("q", r);
  t.deepEqual(sent, ["1 except p"], "passed on once, one hop fewer, not back to the peer it came from");
  // A flooding peer: its allowance (a burst of 100, then 100/s) bounds what it makes this node send.
  for (let i = 0; i < 200; i++) f.request("flooder", request(3));
  t.is(f.refused, 100);
  t.is(f.routes, 101);
  now += 1_001;
  t.is(f.routes, 0, "routes expire with the asker's timeout");
  const small = make({ maxRoutes: 3 });
  for (let i = 0; i < 5; i++) small.request(`peer${i}`, request(3));
  t.is(small.routes, 3);
  t.is(small.refused, 2);
});
