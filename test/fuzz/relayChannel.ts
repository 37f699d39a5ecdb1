/**
 * Fuzz target (c5): the "relay" channel (announcements and requests of txs and receipts by
 * hash, chain/node/relay.ts) through the handler a node runs on each message. The node holds
 * two items to serve (a tx and a receipt it announced) and knows of a third. Inputs are
 * mutations of genuine have and want messages, messages of other channels, and random bytes.
 *
 * Checked for every input: nothing throws; a message that is not well formed (a known kind
 * and op, 1 to 1,024 whole hashes) is penalised and one that is, is not; what is sent in
 * reply is only a request for hashes the node lacks, or the bytes of an item it holds,
 * on that item's own channel; and the items it holds do not change.
 */
import fc from "fast-check";
import { sha256 } from "../../chain/crypto/hash.js";
import { MAX_HASHES_PER_MESSAGE, createRelay } from "../../chain/node/relay.js";
import type { ChannelId } from "../../chain/p2p/index.js";
import { toHex, utf8 } from "../../chain/types/bytes.js";
import { p2pFuzzStats, type FuzzStats } from "./stats.js";
import { channelInputs } from "./txBytes.js";

const TX = utf8("a tx the node holds");
const RECEIPT = utf8("a receipt the node holds");
const KNOWN = sha256(utf8("a tx the node has had"));

function message(kind: number, op: number, hashes: Uint8Array[]): Uint8Array {
  const m = new Uint8Array(2 + 32 * hashes.length);
  m[0] = kind;
  m[1] = op;
  hashes.forEach((h, i) => m.set(h, 2 + 32 * i));
  return m;
}

/** The channel's messages as nodes send them: announcements and requests of both kinds. */
export function relaySeedMessages(): Uint8Array[] {
  const other = sha256(utf8("something new"));
  return [
    message(0, 0, [sha256(TX), other]),
    message(1, 0, [sha256(RECEIPT)]),
    message(0, 1, [sha256(TX), KNOWN]),
    message(1, 1, [sha256(RECEIPT), other, KNOWN]),
  ];
}

/** Whether the relay must take `m` as well formed. */
function wellFormed(m: Uint8Array): boolean {
  const count = (m.length - 2) / 32;
  return (
    m.length >= 34 &&
    Number.isInteger(count) &&
    count <= MAX_HASHES_PER_MESSAGE &&
    (m[0] === 0 || m[0] === 1) &&
    (m[1] === 0 || m[1] === 1)
  );
}

export async function fuzzRelayChannel(options: {
  inputs: number;
  seed: number;
  /** Other channels' messages, sent on this one. */
  foreign?: readonly Uint8Array[];
  onProgress?: (stats: FuzzStats) => void;
}): Promise<FuzzStats> {
  let handler: ((peer: string, m: Uint8Array) => void) | undefined;
  let penalties = 0;
  const sent: { channel: ChannelId; bytes: Uint8Array }[] = [];
  const relay = createRelay({
    host: {
      peers: () => [{ id: "fuzzer", address: "", persistent: false, score: 0, connectedSinceMs: 0, queuedBytes: 0 }],
      send(_peer, channel, bytes) {
        sent.push({ channel, bytes });
        return true;
      },
      onMessage(channel, h) {
        if (channel === "relay") handler = h;
      },
      reportInvalid: () => penalties++,
    },
    known: { tx: (h) => toHex(h) === toHex(KNOWN), receipt: () => false },
    now: () => 0,
  });
  relay.announce("tx", sha256(TX), TX, "origin");
  relay.announce("receipt", sha256(RECEIPT), RECEIPT, "origin");
  await new Promise((r) => setImmediate(r));
  sent.length = 0;

  const seeds = relaySeedMessages();
  const { stats, sample } = p2pFuzzStats("p2p-relay");
  const arb = channelInputs(seeds, options.foreign);
  const held = new Map([
    ["mempool", toHex(TX)],
    ["receipts", toHex(RECEIPT)],
  ]);
  const started = Date.now();
  for (const bytes of fc.sample(arb, { numRuns: options.inputs, seed: options.seed })) {
    stats.inputs++;
    const before = penalties;
    sent.length = 0;
    try {
      handler!("fuzzer", bytes);
    } catch (e) {
      stats.crashes++;
      sample(`threw ${String(e)}`, bytes);
      continue;
    }
    const penalised = penalties > before;
    if (penalised) stats.penalised!++;
    if (wellFormed(bytes) === penalised) {
      stats.unpenalised!++;
      sample(penalised ? "well formed, penalised" : "malformed, not penalised", bytes);
    }
    for (const s of sent) {
      // A request for hashes it lacks (never, of that kind, an item it holds or knows), or an item it holds on its own channel.
      const request = s.channel === "relay" && s.bytes[1] === 1;
      const has = s.bytes[0] === 0 ? [sha256(TX), KNOWN] : [sha256(RECEIPT)];
      const asksForHeld =
        request &&
        has.some((h) => {
          for (let i = 2; i < s.bytes.length; i += 32) if (toHex(s.bytes.subarray(i, i + 32)) === toHex(h)) return true;
          return false;
        });
      const served = held.get(s.channel) === toHex(s.bytes);
      if ((!request && !served) || asksForHeld) {
        stats.accepted++;
        sample(`sent ${s.channel} ${toHex(s.bytes.subarray(0, 40))}`, bytes);
      }
    }
    if (stats.inputs % 5000 === 0) options.onProgress?.({ ...stats, durationS: (Date.now() - started) / 1000 });
  }
  // The items it holds are still served, whatever came before.
  sent.length = 0;
  handler!("peer", message(0, 1, [sha256(TX)]));
  handler!("peer", message(1, 1, [sha256(RECEIPT)]));
  if (sent.map((s) => toHex(s.bytes)).join() !== [toHex(TX), toHex(RECEIPT)].join()) {
    stats.stateChanges++;
    sample("the held items are no longer served", new Uint8Array(0));
  }
  stats.durationS = (Date.now() - started) / 1000;
  return stats;
}
