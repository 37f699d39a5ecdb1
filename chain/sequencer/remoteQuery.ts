/**
 * Speculative queries through a node that is not the sequencer. Only the sequencer holds the
 * speculative state (committed state plus its receipted txs), and the sequencer moves with
 * the epochs, so a trader's node forwards the query to its peers on the "queries" channel.
 * The sequencer answers. The answer is signed with the sequencer's ed25519 consensus key
 * over domain-separated bytes that bind the asker's nonce, the query and the result, so the
 * asking node believes only the validator its schedule names as the sequencer, never a peer
 * that claims to be it, and never a replay.
 *
 * The sequencer need not be a direct peer: a node that is not the sequencer passes a request
 * on to its other peers while the request has hops left (each nonce once), remembers who
 * asked, and passes the first answer that verifies back to that peer (createQueryForwarder).
 * So a full node behind a sentry, or two hops from any validator, can ask too.
 *
 * Wire (big-endian):
 *   request  0x01 | nonce[16] | hops left u8 | u16 len(path) | path (ASCII) | data
 *   answer   0x02 | nonce[16] | kind (0 value, 1 error) | u64 height | pubkey[32] |
 *            signature[64] | payload (the value, or the error's UTF-8 text)
 * Sign bytes: "STRIKE-SPECULATIVE-ANSWER-V1" | 0x00 | u32 len(chain_id) | chain_id | nonce |
 *   sha256(u16 len(path) | path | data) | kind | u64 height | sha256(payload)
 *
 * The hops a request may still make are not signed: a peer that lowers them only stops the
 * request sooner, as it could by dropping it. A query nobody answers in time gets an error
 * that names the sequencer.
 */
import { randomBytes } from "node:crypto";
import {
  ED25519_PUBKEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  ed25519Address,
  verifyEd25519Strict,
  type Ed25519Signer,
} from "../crypto/ed25519.js";
import { sha256 } from "../crypto/hash.js";
import { isStrikeError } from "../types/errors.js";
import {
  concatBytes,
  equalBytes,
  fromUtf8,
  readU64be,
  toHex,
  u32be,
  u64be,
  utf8,
  writeU16be,
  writeU64be,
} from "../types/bytes.js";

export const QUERY_ANSWER_SIGN_PREFIX = utf8("STRIKE-SPECULATIVE-ANSWER-V1");
/** Module queries only (/<package>.Query/<Method>, e.g. the margin module's Subaccounts): no raw store reads, no simulation. */
export const SPECULATIVE_QUERY_PATH = /^\/[A-Za-z0-9_.]+\/[A-Za-z0-9_]+$/;

/** What the sequencer says between two heights (no height open for a moment); the asker tries again. */
export const NOT_SEQUENCING_NOW = "the sequencer is not sequencing a height right now (between two blocks): ask again";

const TAG_REQUEST = 1;
const TAG_ANSWER = 2;
const NONCE_BYTES = 16;
const KIND_VALUE = 0;
const KIND_ERROR = 1;
const MAX_PATH_BYTES = 256;
/**
 * How many times a request may be passed on after the asking node sends it: enough for a
 * client's node two full nodes away from the sequencer, and from a sentry's validator.
 */
export const MAX_QUERY_HOPS = 3;
/** A query's request data: a module query's arguments are small. */
export const MAX_QUERY_DATA_BYTES = 16 * 1024;
/** A relayed answer's payload; the p2p channel's message limit leaves room above it. */
export const MAX_RELAYED_ANSWER_BYTES = 4 * 1024 * 1024;
const REQUEST_HEADER_BYTES = 1 + NONCE_BYTES + 1 + 2;
const ANSWER_HEADER_BYTES = 1 + NONCE_BYTES + 1 + 8 + ED25519_PUBKEY_LENGTH + ED25519_SIGNATURE_LENGTH;
/** The "queries" channel's largest message: an answer at the payload limit. */
export const MAX_QUERY_MESSAGE_BYTES = ANSWER_HEADER_BYTES + MAX_RELAYED_ANSWER_BYTES;

export interface QueryRequest {
  nonce: Uint8Array;
  /** How many more times the request may be passed on (0: only the receiving peer answers it). */
  hops: number;
  path: string;
  data: Uint8Array;
}

export interface QueryAnswer {
  nonce: Uint8Array;
  kind: "value" | "error";
  height: bigint;
  pubKey: Uint8Array;
  signature: Uint8Array;
  payload: Uint8Array;
}

export function encodeQueryRequest(r: QueryRequest): Uint8Array {
  const path = utf8(r.path);
  const out = new Uint8Array(REQUEST_HEADER_BYTES + path.length + r.data.length);
  out[0] = TAG_REQUEST;
  out.set(r.nonce, 1);
  out[1 + NONCE_BYTES] = r.hops;
  writeU16be(out, 2 + NONCE_BYTES, path.length);
  out.set(path, REQUEST_HEADER_BYTES);
  out.set(r.data, REQUEST_HEADER_BYTES + path.length);
  return out;
}

export function encodeQueryAnswer(a: QueryAnswer): Uint8Array {
  const out = new Uint8Array(ANSWER_HEADER_BYTES + a.payload.length);
  out[0] = TAG_ANSWER;
  out.set(a.nonce, 1);
  out[1 + NONCE_BYTES] = a.kind === "value" ? KIND_VALUE : KIND_ERROR;
  writeU64be(out, 2 + NONCE_BYTES, a.height);
  out.set(a.pubKey, 10 + NONCE_BYTES);
  out.set(a.signature, 10 + NONCE_BYTES + ED25519_PUBKEY_LENGTH);
  out.set(a.payload, ANSWER_HEADER_BYTES);
  return out;
}

/** A message of the "queries" channel, or a RangeError saying why the bytes are not one. */
export function decodeQueryMessage(
  bytes: Uint8Array,
): { kind: "request"; request: QueryRequest } | { kind: "answer"; answer: QueryAnswer } {
  if (bytes[0] === TAG_REQUEST) {
    if (bytes.length < REQUEST_HEADER_BYTES) throw new RangeError("query request: too short");
    const hops = bytes[1 + NONCE_BYTES]!;
    if (hops > MAX_QUERY_HOPS) throw new RangeError(`query request: ${hops} hops left (at most ${MAX_QUERY_HOPS})`);
    const pathLength = (bytes[2 + NONCE_BYTES]! << 8) | bytes[3 + NONCE_BYTES]!;
    if (pathLength > MAX_PATH_BYTES) throw new RangeError(`query request: path of ${pathLength} bytes`);
    const dataAt = REQUEST_HEADER_BYTES + pathLength;
    if (dataAt > bytes.length) throw new RangeError("query request: path past the end");
    if (bytes.length - dataAt > MAX_QUERY_DATA_BYTES)
      throw new RangeError(`query request: ${bytes.length - dataAt} bytes of data`);
    const path = fromUtf8(bytes.subarray(REQUEST_HEADER_BYTES, dataAt));
    if (!SPECULATIVE_QUERY_PATH.test(path)) throw new RangeError("query request: not a module query path");
    return {
      kind: "request",
      request: { nonce: bytes.slice(1, 1 + NONCE_BYTES), hops, path, data: bytes.slice(dataAt) },
    };
  }
  if (bytes[0] === TAG_ANSWER) {
    if (bytes.length < ANSWER_HEADER_BYTES) throw new RangeError("query answer: too short");
    const kind = bytes[1 + NONCE_BYTES];
    if (kind !== KIND_VALUE && kind !== KIND_ERROR) throw new RangeError(`query answer: unknown kind ${kind}`);
    return {
      kind: "answer",
      answer: {
        nonce: bytes.slice(1, 1 + NONCE_BYTES),
        kind: kind === KIND_VALUE ? "value" : "error",
        height: readU64be(bytes, 2 + NONCE_BYTES),
        pubKey: bytes.slice(10 + NONCE_BYTES, 10 + NONCE_BYTES + ED25519_PUBKEY_LENGTH),
        signature: bytes.slice(10 + NONCE_BYTES + ED25519_PUBKEY_LENGTH, ANSWER_HEADER_BYTES),
        payload: bytes.slice(ANSWER_HEADER_BYTES),
      },
    };
  }
  throw new RangeError(`unknown query message tag ${bytes[0]}`);
}

export function queryAnswerSignBytes(
  chainId: string,
  request: Omit<QueryRequest, "hops">,
  answer: Pick<QueryAnswer, "kind" | "height" | "payload">,
): Uint8Array {
  const id = utf8(chainId);
  const path = utf8(request.path);
  const pathLength = new Uint8Array(2);
  writeU16be(pathLength, 0, path.length);
  return concatBytes(
    QUERY_ANSWER_SIGN_PREFIX,
    new Uint8Array([0]),
    u32be(id.length),
    id,
    request.nonce,
    sha256(pathLength, path, request.data),
    new Uint8Array([answer.kind === "value" ? KIND_VALUE : KIND_ERROR]),
    u64be(answer.height),
    sha256(answer.payload),
  );
}

/** Tokens per peer: a burst of this many, refilled at this many per second. */
const SERVE_BURST = 100;
const SERVE_PER_SECOND = 100;

export interface QueryServerOptions {
  chainId: string;
  signer: Ed25519Signer;
  /** The sequencer's speculative query; undefined when this node has no height open (it stays silent). */
  query(path: string, data: Uint8Array): { height: bigint; value: Uint8Array } | undefined;
  now?(): number;
}

/** The sequencer's side: a peer's request answered, signed, or undefined for silence. */
export interface QueryServer {
  serve(peer: string, request: QueryRequest): Uint8Array | undefined;
  /** Requests refused because their peer asked faster than its allowance. */
  readonly refused: number;
}

/** Per-peer token buckets: whether `peer` may have one more request served (or passed on) now. */
function peerAllowance(now: () => number): (peer: string) => boolean {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (peer) => {
    const t = now();
    const b = buckets.get(peer) ?? { tokens: SERVE_BURST, at: t };
    b.tokens = Math.min(SERVE_BURST, b.tokens + ((t - b.at) * SERVE_PER_SECOND) / 1000);
    b.at = t;
    buckets.set(peer, b);
    if (buckets.size > 10_000) buckets.delete(buckets.keys().next().value as string);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
}

export function createQueryServer(o: QueryServerOptions): QueryServer {
  const allowed = peerAllowance(o.now ?? Date.now);
  let refused = 0;
  const answer = (request: QueryRequest, kind: QueryAnswer["kind"], height: bigint, payload: Uint8Array) =>
    encodeQueryAnswer({
      nonce: request.nonce,
      kind,
      height,
      payload,
      pubKey: o.signer.publicKey,
      signature: o.signer.sign(queryAnswerSignBytes(o.chainId, request, { kind, height, payload })),
    });
  return {
    get refused() {
      return refused;
    },
    serve(peer, request) {
      // Before the query runs: the allowance bounds the work a peer can ask for, not only the answers.
      if (!allowed(peer)) {
        refused++;
        return undefined;
      }
      let found: { height: bigint; value: Uint8Array } | undefined;
      let failure: string | undefined;
      let height = 0n;
      try {
        found = o.query(request.path, request.data);
      } catch (e) {
        failure = isStrikeError(e) || e instanceof Error ? e.message : String(e);
      }
      if (found === undefined && failure === undefined) return undefined;
      if (found !== undefined) {
        height = found.height;
        if (found.value.length <= MAX_RELAYED_ANSWER_BYTES) return answer(request, "value", height, found.value);
        failure = `the answer (${found.value.length} bytes) is larger than a relayed answer may be (${MAX_RELAYED_ANSWER_BYTES}): ask the sequencer's node`;
      }
      return answer(request, "error", height, utf8(failure ?? ""));
    },
  };
}

/** Why a relayed query has no value: the query itself failed (the sequencer said so), or no answer came. */
export class RemoteQueryError extends Error {
  constructor(
    message: string,
    readonly reason: "query" | "unanswered" | "busy",
  ) {
    super(message);
    this.name = "RemoteQueryError";
  }
}

export interface QueryRelayOptions {
  chainId: string;
  /** The sequencer this node's schedule names now, or undefined before the schedule starts. */
  sequencer(): { address: Uint8Array; pubKey: Uint8Array } | undefined;
  /** Sends the request to every connected peer; returns how many it went to. */
  broadcast(bytes: Uint8Array): number;
  timeoutMs?: number;
  maxInFlight?: number;
  nonce?(): Uint8Array;
}

/** What an answer from a peer came to: only "invalid" is the peer's fault. */
export type AnswerVerdict = { verdict: "taken" | "ignored" } | { verdict: "invalid"; reason: string };

export interface QueryRelay {
  ask(path: string, data: Uint8Array): Promise<{ height: bigint; value: Uint8Array; sequencer: string }>;
  answered(answer: QueryAnswer): AnswerVerdict;
  /** Whether `nonce` is one of this node's own questions still waiting. */
  asking(nonce: Uint8Array): boolean;
  readonly inFlight: number;
}

const RELAY_TIMEOUT_MS = 2_000;
const RELAY_MAX_IN_FLIGHT = 256;

interface Waiting {
  request: QueryRequest;
  expected: Uint8Array;
  /** A signed answer from a validator this node does not take for the sequencer (the epoch may have just moved). */
  otherSigner?: string;
  done(a: QueryAnswer | undefined): void;
}

export function createQueryRelay(o: QueryRelayOptions): QueryRelay {
  const waiting = new Map<string, Waiting>();
  const timeoutMs = o.timeoutMs ?? RELAY_TIMEOUT_MS;
  const maxInFlight = o.maxInFlight ?? RELAY_MAX_IN_FLIGHT;
  const nonce = o.nonce ?? (() => new Uint8Array(randomBytes(NONCE_BYTES)));
  return {
    get inFlight() {
      return waiting.size;
    },
    async ask(path, data) {
      const seq = o.sequencer();
      if (seq === undefined) throw new RemoteQueryError("the sequencer schedule has not started", "unanswered");
      const name = toHex(seq.address).toUpperCase();
      if (waiting.size >= maxInFlight)
        throw new RemoteQueryError(
          `${maxInFlight} speculative queries are already waiting on the sequencer through this node: try again, or ask the sequencer's node`,
          "busy",
        );
      const request: QueryRequest = { nonce: nonce(), hops: MAX_QUERY_HOPS, path, data };
      const key = toHex(request.nonce);
      let peers = 0;
      let w: Waiting | undefined;
      const answer = await new Promise<QueryAnswer | undefined>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          resolve(undefined);
        }, timeoutMs);
        w = {
          request,
          expected: seq.pubKey,
          done: (a) => {
            clearTimeout(timer);
            waiting.delete(key);
            resolve(a);
          },
        };
        waiting.set(key, w);
        peers = o.broadcast(encodeQueryRequest(request));
        if (peers === 0) w.done(undefined);
      });
      if (answer === undefined) {
        const why =
          peers === 0
            ? "this node has no peers to ask"
            : w?.otherSigner !== undefined
              ? `the only answer was signed by validator ${w.otherSigner}, which this node does not take for the sequencer (the epoch may have just moved)`
              : `no answer came through this node's ${peers} peer(s) within ${timeoutMs} ms`;
        throw new RemoteQueryError(
          `this node is not the sequencer (validator ${name} is), and ${why}: try again, or ask the sequencer's node`,
          "unanswered",
        );
      }
      if (answer.kind === "error") throw new RemoteQueryError(fromUtf8(answer.payload), "query");
      return { height: answer.height, value: answer.payload, sequencer: name };
    },
    asking: (n) => waiting.has(toHex(n)),
    answered(answer) {
      const w = waiting.get(toHex(answer.nonce));
      // Late (after the timeout), a second answer, or one to another node's question: not a fault.
      if (w === undefined) return { verdict: "ignored" };
      if (!verifyEd25519Strict(answer.pubKey, queryAnswerSignBytes(o.chainId, w.request, answer), answer.signature))
        return { verdict: "invalid", reason: "speculative query answer: the signature does not verify" };
      if (!equalBytes(answer.pubKey, w.expected)) {
        w.otherSigner = toHex(ed25519Address(answer.pubKey)).toUpperCase();
        return { verdict: "ignored" };
      }
      w.done(answer);
      return { verdict: "taken" };
    },
  };
}

export interface QueryForwarderOptions {
  chainId: string;
  /** The sequencer this node's schedule names now, or undefined before the schedule starts. */
  sequencer(): { address: Uint8Array; pubKey: Uint8Array } | undefined;
  /** True while this node is the sequencer: it answers requests and passes none on. */
  isSequencer(): boolean;
  /** Sends to every connected peer but `except`; returns how many it went to. */
  broadcast(bytes: Uint8Array, except: string): number;
  /** Sends to one peer. */
  send(peer: string, bytes: Uint8Array): void;
  /** Whether a nonce is one of this node's own questions (never passed on for another). */
  asking(nonce: Uint8Array): boolean;
  timeoutMs?: number;
  maxRoutes?: number;
  now?(): number;
}

/** A node between an asking node and the sequencer: passes requests on and answers back. */
export interface QueryForwarder {
  /** A request from `peer` this node did not answer itself: passed on while it has hops left, each nonce once. */
  request(peer: string, request: QueryRequest): void;
  /** An answer that is none of this node's own: "taken" when passed back to the peer that asked. */
  answer(peer: string, answer: QueryAnswer): AnswerVerdict;
  /** Requests passed on and not yet answered or expired. */
  readonly routes: number;
  /** Requests not passed on because their peer asked faster than its allowance, or the routes were full. */
  readonly refused: number;
}

const FORWARD_MAX_ROUTES = 4_096;

interface Route {
  peer: string;
  request: QueryRequest;
  expiresAt: number;
  answered: boolean;
}

export function createQueryForwarder(o: QueryForwarderOptions): QueryForwarder {
  const now = o.now ?? Date.now;
  const timeoutMs = o.timeoutMs ?? RELAY_TIMEOUT_MS;
  const maxRoutes = o.maxRoutes ?? FORWARD_MAX_ROUTES;
  const allowed = peerAllowance(now);
  // By nonce, oldest first (every route lives timeoutMs): kept after its answer, so that a
  // copy of the request arriving later by a longer path is not passed on again.
  const routes = new Map<string, Route>();
  let open = 0;
  let refused = 0;
  const expire = () => {
    const t = now();
    for (const [key, r] of routes) {
      if (r.expiresAt > t) break;
      routes.delete(key);
      if (!r.answered) open--;
    }
  };
  return {
    get routes() {
      expire();
      return open;
    },
    get refused() {
      return refused;
    },
    request(peer, request) {
      expire();
      const key = toHex(request.nonce);
      if (request.hops === 0 || routes.has(key) || o.asking(request.nonce) || o.isSequencer()) return;
      if (routes.size >= maxRoutes || !allowed(peer)) {
        refused++;
        return;
      }
      routes.set(key, { peer, request, expiresAt: now() + timeoutMs, answered: false });
      open++;
      o.broadcast(encodeQueryRequest({ ...request, hops: request.hops - 1 }), peer);
    },
    answer(peer, answer) {
      expire();
      const r = routes.get(toHex(answer.nonce));
      // Late, a second answer, or one to a question this node never passed on: not a fault.
      if (r === undefined || r.answered || r.peer === peer) return { verdict: "ignored" };
      if (!verifyEd25519Strict(answer.pubKey, queryAnswerSignBytes(o.chainId, r.request, answer), answer.signature))
        return { verdict: "invalid", reason: "speculative query answer: the signature does not verify" };
      // Only the sequencer's answer is passed back: another validator's must not use up the route.
      const seq = o.sequencer();
      if (seq === undefined || !equalBytes(answer.pubKey, seq.pubKey)) return { verdict: "ignored" };
      r.answered = true;
      open--;
      o.send(r.peer, encodeQueryAnswer(answer));
      return { verdict: "taken" };
    },
  };
}

/**
 * A message of the "queries" channel from a peer: a request this node answers (as the
 * sequencer) with `reply` or passes on, an answer to one of its own questions, or one it
 * passes back; `invalid` (the peer penalised) only for what an honest peer never sends.
 */
export function handleQueryMessage(
  peer: string,
  bytes: Uint8Array,
  server: QueryServer | undefined,
  relay: QueryRelay | undefined,
  forwarder?: QueryForwarder,
): { reply?: Uint8Array; invalid?: string } {
  let m: ReturnType<typeof decodeQueryMessage>;
  try {
    m = decodeQueryMessage(bytes);
  } catch (e) {
    return { invalid: e instanceof Error ? e.message : String(e) };
  }
  if (m.kind === "request") {
    const reply = server?.serve(peer, m.request);
    if (reply !== undefined) return { reply };
    forwarder?.request(peer, m.request);
    return {};
  }
  const v = relay?.asking(m.answer.nonce) === true ? relay.answered(m.answer) : forwarder?.answer(peer, m.answer);
  return v?.verdict === "invalid" ? { invalid: v.reason } : {};
}
