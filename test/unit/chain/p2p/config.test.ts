import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateEd25519Key, loadNodeKey, nodeIdOf, writeNodeKey } from "../../../../chain/node/home.js";
import {
  createP2PHost,
  p2pErrors,
  p2pPeerId,
  parseListenAddress,
  parsePersistentPeer,
} from "../../../../chain/p2p/index.js";
import { seedOf } from "./hosts.js";

test("the same node key file always gives the same peer id", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "strike-p2p-"));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "node_key.json");
  writeNodeKey(path, generateEd25519Key());
  const first = p2pPeerId(loadNodeKey(path).privKey.subarray(0, 32));
  const second = p2pPeerId(loadNodeKey(path).privKey.subarray(0, 32));
  t.is(first, second);
  t.regex(first, /^12D3KooW[1-9A-HJ-NP-Za-km-z]+$/, "an Ed25519 libp2p peer id");
  t.not(first, nodeIdOf(loadNodeKey(path)), "not the CometBFT hex node id");
});

test("the peer id depends on the seed only, and a host built from the seed has it", (t) => {
  t.is(p2pPeerId(seedOf(1)), p2pPeerId(seedOf(1)));
  t.not(p2pPeerId(seedOf(1)), p2pPeerId(seedOf(2)));
  const host = createP2PHost({ nodeKeySeed: seedOf(1), listen: "tcp://127.0.0.1:0", persistentPeers: [] });
  t.is(host.peerId, p2pPeerId(seedOf(1)));
});

test("a seed that is not 32 bytes is refused with a typed error", (t) => {
  const err = t.throws(() => p2pPeerId(new Uint8Array(64)));
  t.true(p2pErrors.invalidNodeKey.is(err));
});

test("a malformed persistent peer fails with a typed error naming the entry", (t) => {
  const id = p2pPeerId(seedOf(3));
  const cases: [string, RegExp][] = [
    ["127.0.0.1:26656", /missing <peerId>@/],
    [`${"ab".repeat(20)}@127.0.0.1:26656`, /not a libp2p peer id/],
    [`${id}@127.0.0.1`, /is not <host>:<port>/],
    [`${id}@127.0.0.1:70000`, /is not <host>:<port>/],
    [`${id}@999.1.1.1:26656`, /is not <host>:<port>/],
    [`${id}@127.0.0.1:0`, /port 0/],
    [`${id}@[not-v6]:26656`, /is not <host>:<port>/],
  ];
  for (const [entry, reason] of cases) {
    const err = t.throws(() => parsePersistentPeer(entry), undefined, entry);
    t.true(p2pErrors.invalidPeerAddress.is(err), `${entry}: typed`);
    t.true(err!.message.includes(entry), `${entry}: named in "${err!.message}"`);
    t.regex(err!.message, reason);
  }
  const fromHost = t.throws(() =>
    createP2PHost({ nodeKeySeed: seedOf(1), listen: "tcp://127.0.0.1:0", persistentPeers: ["nonsense"] }),
  );
  t.true(p2pErrors.invalidPeerAddress.is(fromHost), "createP2PHost validates before any network use");
});

test("persistent peers accept IPv4, bracketed IPv6 and DNS names", (t) => {
  const id = p2pPeerId(seedOf(3));
  t.is(parsePersistentPeer(`${id}@10.0.0.5:26656`).multiaddr, `/ip4/10.0.0.5/tcp/26656/p2p/${id}`);
  t.is(parsePersistentPeer(`tcp://${id}@[::1]:26656`).multiaddr, `/ip6/::1/tcp/26656/p2p/${id}`);
  t.is(
    parsePersistentPeer(`${id}@validator-2.strike.local:26656`).multiaddr,
    `/dns/validator-2.strike.local/tcp/26656/p2p/${id}`,
  );
});

test("listen addresses take CometBFT's laddr form, including 0.0.0.0 and port 0", (t) => {
  t.is(parseListenAddress("tcp://0.0.0.0:26656").multiaddr, "/ip4/0.0.0.0/tcp/26656");
  t.is(parseListenAddress("127.0.0.1:0").multiaddr, "/ip4/127.0.0.1/tcp/0");
  t.is(parseListenAddress("tcp://[::]:26656").multiaddr, "/ip6/::/tcp/26656");
  t.is(parseListenAddress("tcp://localhost:26656").multiaddr, "/ip4/127.0.0.1/tcp/26656");
  for (const bad of ["tcp://0.0.0.0", "udp://0.0.0.0:1", "tcp://example.com:26656", "tcp://1.2.3.4:65536"]) {
    t.true(p2pErrors.invalidListenAddress.is(t.throws(() => parseListenAddress(bad))), bad);
  }
});

test("a listed peer twice, or a queue smaller than one message, is a configuration error", (t) => {
  const peer = `${p2pPeerId(seedOf(3))}@127.0.0.1:26656`;
  const base = { nodeKeySeed: seedOf(1), listen: "tcp://127.0.0.1:0" };
  t.true(p2pErrors.invalidPeerAddress.is(t.throws(() => createP2PHost({ ...base, persistentPeers: [peer, peer] }))));
  const tooSmall = t.throws(() =>
    createP2PHost({ ...base, persistentPeers: [], tuning: { maxQueuedBytes: { blocksync: 1024 } } }),
  );
  t.true(p2pErrors.invalidConfig.is(tooSmall));
});

test("a message over its channel's maximum is refused at the sender with a typed error", async (t) => {
  const host = createP2PHost({
    nodeKeySeed: seedOf(1),
    listen: "tcp://127.0.0.1:0",
    persistentPeers: [],
    maxMessageBytes: { consensus: 100 },
  });
  t.true(p2pErrors.messageTooLarge.is(t.throws(() => host.broadcast("consensus", new Uint8Array(101)))));
  t.true(p2pErrors.messageTooLarge.is(t.throws(() => host.send("x", "consensus", new Uint8Array(101)))));
  t.false(host.send("x", "consensus", new Uint8Array(100)), "an unknown peer is not connected");
  t.true(p2pErrors.notStarted.is(t.throws(() => host.listenAddress)));
});
