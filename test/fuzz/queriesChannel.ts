/**
 * Fuzz target (c4): the "queries" channel (speculative queries forwarded to the sequencer and
 * its signed answers, chain/sequencer/remoteQuery.ts) through `handleQueryMessage`, the code a
 * node runs on each message (app/node.ts penalises the sender exactly when it says `invalid`).
 * The node here is both a sequencer answering requests and a forwarding node with questions
 * of its own waiting; a second node, not the sequencer, has passed the same questions on for
 * a peer and waits to pass their answers back. Inputs are mutations of genuine requests and
 * of the sequencer's answers to the waiting questions, messages of other channels, and random
 * bytes; each goes to both nodes.
 *
 * Checked for every input: nothing throws; no answer that is not byte for byte the sequencer's
 * is taken (so the waiting questions stay waiting) or passed back; an input that does not
 * decode is penalised; a request that decodes is answered with a signature over exactly what
 * was decoded, by the sequencer's key. At the end the sequencer's own answers still end the
 * questions and are passed back.
 */
import fc from "fast-check";
import { queryPath } from "../../chain/client/queryRpc.js";
import { QueryServiceName as MarginQuery } from "../../chain/codec/generated/strike/margin/v1/query.js";
import { QueryServiceName as OrderbookQuery } from "../../chain/codec/generated/strike/orderbook/v1/query.js";
import { createEd25519Signer, ed25519Address, verifyEd25519Strict } from "../../chain/crypto/ed25519.js";
import {
  createQueryForwarder,
  createQueryRelay,
  createQueryServer,
  decodeQueryMessage,
  encodeQueryAnswer,
  encodeQueryRequest,
  handleQueryMessage,
  queryAnswerSignBytes,
  type QueryRequest,
} from "../../chain/sequencer/remoteQuery.js";
import { toHex, utf8 } from "../../chain/types/bytes.js";
import { p2pFuzzStats, type FuzzStats } from "./stats.js";
import { channelInputs } from "./txBytes.js";

const CHAIN_ID = "fuzz-queries-1";
const sequencerKey = createEd25519Signer(new Uint8Array(32).fill(5));

/** The sequencer's module queries here: a value for two of the seed requests, a refusal for the third. */
function seedQuery(path: string, data: Uint8Array): { height: bigint; value: Uint8Array } {
  if (path.includes("Orders")) throw new Error("unknown market");
  return { height: 12n, value: utf8(`${path}:${toHex(data)}`) };
}

function seedRequests(): QueryRequest[] {
  return [
    {
      nonce: new Uint8Array(16).fill(1),
      hops: 3,
      path: queryPath(MarginQuery, "Subaccounts"),
      data: utf8("\n\x05alice"),
    },
    {
      nonce: new Uint8Array(16).fill(2),
      hops: 2,
      path: queryPath(MarginQuery, "InsuranceFund"),
      data: new Uint8Array(0),
    },
    {
      nonce: new Uint8Array(16).fill(3),
      hops: 1,
      path: queryPath(OrderbookQuery, "Orders"),
      data: new Uint8Array(40).fill(7),
    },
  ];
}

/** The channel's messages as a node sends them: requests, and the sequencer's answers (a value and an error). */
export function querySeedMessages(): Uint8Array[] {
  const server = createQueryServer({
    chainId: CHAIN_ID,
    signer: sequencerKey,
    query: seedQuery,
    now: () => 0,
  });
  const requests = seedRequests();
  return [...requests.map(encodeQueryRequest), ...requests.map((r) => server.serve("seed", r)!)];
}

export async function fuzzQueriesChannel(options: {
  inputs: number;
  seed: number;
  /** Other channels' messages, sent on this one. */
  foreign?: readonly Uint8Array[];
  onProgress?: (stats: FuzzStats) => void;
}): Promise<FuzzStats> {
  let clock = 0;
  const server = createQueryServer({
    chainId: CHAIN_ID,
    signer: sequencerKey,
    query: seedQuery,
    // 10 ms per input: a peer's allowance (100/s) never runs out, so every request is answered.
    now: () => clock,
  });
  // The forwarding side, its questions waiting with the seed nonces.
  const nonces = seedRequests().map((r) => r.nonce);
  let next = 0;
  const relay = createQueryRelay({
    chainId: CHAIN_ID,
    sequencer: () => ({ address: ed25519Address(sequencerKey.publicKey), pubKey: sequencerKey.publicKey }),
    broadcast: () => 1,
    timeoutMs: 24 * 3600_000,
    nonce: () => nonces[next++]!,
  });
  const waiting = seedRequests().map((r) => relay.ask(r.path, r.data).catch((e: unknown) => e));
  // The node in the middle: the seed questions passed on for the peer "asker".
  const passedBack: Uint8Array[] = [];
  const idle = createQueryRelay({ chainId: CHAIN_ID, sequencer: () => undefined, broadcast: () => 0 });
  const forwarder = createQueryForwarder({
    chainId: CHAIN_ID,
    sequencer: () => ({ address: ed25519Address(sequencerKey.publicKey), pubKey: sequencerKey.publicKey }),
    isSequencer: () => false,
    broadcast: () => 1,
    send: (_peer, bytes) => passedBack.push(bytes),
    asking: (n) => idle.asking(n),
    timeoutMs: 24 * 3600_000,
    now: () => clock,
  });
  for (const r of seedRequests()) forwarder.request("asker", r);

  const seeds = querySeedMessages();
  const seedHex = new Set(seeds.map(toHex));
  const { stats, sample } = p2pFuzzStats("p2p-queries");
  const arb = channelInputs(seeds, options.foreign);
  const started = Date.now();
  for (const bytes of fc.sample(arb, { numRuns: options.inputs, seed: options.seed })) {
    if (seedHex.has(toHex(bytes))) continue;
    stats.inputs++;
    clock += 10;
    let r: ReturnType<typeof handleQueryMessage>;
    let middle: ReturnType<typeof handleQueryMessage>;
    try {
      r = handleQueryMessage("fuzzer", bytes, server, relay);
      middle = handleQueryMessage("fuzzer", bytes, undefined, idle, forwarder);
    } catch (e) {
      stats.crashes++;
      sample(`threw ${String(e)}`, bytes);
      continue;
    }
    let decoded: ReturnType<typeof decodeQueryMessage> | undefined;
    try {
      decoded = decodeQueryMessage(bytes);
    } catch {
      decoded = undefined;
    }
    if (r.invalid !== undefined) stats.penalised!++;
    if (middle.reply !== undefined || passedBack.length > 0) {
      stats.accepted++;
      sample("the middle node replied or passed an altered answer back", bytes);
      break;
    }
    if (decoded === undefined) {
      if (r.invalid === undefined || middle.invalid === undefined) {
        stats.unpenalised!++;
        sample("undecodable, not penalised", bytes);
      }
      continue;
    }
    if (decoded.kind === "request") {
      // Answered, and signed over exactly what was decoded.
      const reply = r.reply === undefined ? undefined : decodeQueryMessage(r.reply);
      const ok =
        reply?.kind === "answer" &&
        verifyEd25519Strict(
          sequencerKey.publicKey,
          queryAnswerSignBytes(CHAIN_ID, decoded.request, reply.answer),
          reply.answer.signature,
        ) &&
        toHex(encodeQueryAnswer(reply.answer)) === toHex(r.reply!);
      if (!ok) {
        stats.crashes++;
        sample("request not answered with a signature over it", bytes);
      }
    }
    if (relay.inFlight !== waiting.length) {
      stats.accepted++;
      sample("an altered answer was taken", bytes);
      break;
    }
    if (stats.inputs % 5000 === 0) options.onProgress?.({ ...stats, durationS: (Date.now() - started) / 1000 });
  }
  // The sequencer's own answers are still taken after all that: the questions end, and the
  // relay was not left in a state that refuses honest answers.
  for (const answer of seeds.slice(waiting.length)) {
    handleQueryMessage("sequencer", answer, server, relay);
    handleQueryMessage("sequencer", answer, undefined, idle, forwarder);
  }
  if (passedBack.map(toHex).join() !== seeds.slice(waiting.length).map(toHex).join()) {
    stats.stateChanges++;
    sample(`the middle node passed back ${passedBack.length} of the sequencer's 3 answers`, new Uint8Array(0));
  }
  const outcomes = await Promise.all(waiting);
  const expected = ["value", "value", "unknown market"];
  outcomes.forEach((o, i) => {
    const got = o instanceof Error ? o.message : "value";
    if (got !== expected[i] || relay.inFlight !== 0) {
      stats.stateChanges++;
      sample(`question ${i} ended with ${got}`, new Uint8Array(0));
    }
  });
  stats.durationS = (Date.now() - started) / 1000;
  return stats;
}
