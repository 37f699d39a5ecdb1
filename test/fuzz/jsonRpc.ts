/**
 * Fuzz target (b): JSON-RPC bodies through the RPC server's request handling (JSON
 * parsing, batches, argument conversion, every method) with CheckTx backed by a real app.
 * Every body must get well-formed JSON-RPC answers, never a throw; broadcast txs must all
 * be refused, and the app must be where it started. One body in `httpEvery` also goes
 * through the real HTTP server on loopback, which must keep answering.
 */
import fc from "fast-check";
import { callMethod, serialize } from "../../chain/rpc/jsonrpc.js";
import { routes } from "../../chain/rpc/routes.js";
import { startRpcServer } from "../../chain/rpc/server.js";
import type { CallContext, RpcLimits, WsSession } from "../../chain/rpc/context.js";
import { equalBytes } from "../../chain/types/bytes.js";
import { buildHarness } from "../unit/rpc/fixture.js";
import { createFixture, runBlock } from "../unit/runtime/fixture.js";
import { seedTxs } from "./txBytes.js";
import type { FuzzStats } from "./stats.js";

const methods = Object.keys(routes);
const argNames = [...new Set(Object.values(routes).flatMap((r) => r.args.map((a) => a.name)))];

function bodyArb(seedTxsB64: string[]): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    fc.integer().map(String),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    fc.constantFrom("", "0", "-1", "1e3", "0x10", "true", "null", "9223372036854775808"),
    fc.constantFrom(...seedTxsB64).map((s) => s.slice(0, -4)),
    fc.base64String({ maxLength: 200 }),
    fc.string({ maxLength: 60 }),
  );
  const params = fc.oneof(
    fc.dictionary(fc.constantFrom(...argNames), value, { maxKeys: 4 }),
    fc.array(value, { maxLength: 4 }),
    value,
  );
  const request = fc.record(
    {
      jsonrpc: fc.oneof(fc.constant("2.0"), fc.anything({ maxDepth: 0 })),
      id: fc.oneof(
        fc.integer(),
        fc.string({ maxLength: 8 }),
        fc.constant(null),
        fc.double(),
        fc.anything({ maxDepth: 1 }),
      ),
      method: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...methods) }, fc.string({ maxLength: 20 })),
      params,
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 6, arbitrary: request.map((r) => JSON.stringify(r)) },
    { weight: 2, arbitrary: fc.array(request, { maxLength: 6 }).map((r) => JSON.stringify(r)) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  );
}

function wellFormed(text: string): boolean {
  if (text === "") return true;
  const parsed: unknown = JSON.parse(text);
  const all = Array.isArray(parsed) ? parsed : [parsed];
  return all.every((r) => {
    const o = r as Record<string, unknown>;
    if (o.jsonrpc !== "2.0") return false;
    if (o.error !== undefined) {
      const e = o.error as Record<string, unknown>;
      return typeof e.code === "number" && typeof e.message === "string";
    }
    return "result" in o;
  });
}

export async function fuzzJsonRpc(options: {
  inputs: number;
  seed: number;
  httpEvery?: number;
  onProgress?: (stats: FuzzStats) => void;
}): Promise<FuzzStats> {
  const h = await buildHarness();
  const app = await createFixture();
  const reference = await createFixture();
  const seeds = await seedTxs(app);
  let accepted = 0;
  const services = {
    ...h.services,
    mempool: {
      ...h.services.mempool,
      checkAndAdd: async (tx: Uint8Array) => {
        const r = app.app.checkTx(tx, "new");
        if (r.code === 0 && !seeds.some((s) => equalBytes(s, tx))) accepted++;
        return r;
      },
    },
  };
  const limits: RpcLimits = {
    maxBodyBytes: 1_000_000,
    timeoutBroadcastTxCommitMs: 50,
    receiptWaitMs: 0,
    maxSubscriptionClients: 100,
    maxSubscriptionsPerClient: 5,
    maxBatchRequests: 1000,
    maxBatchResponseBytes: 25_000_000,
    websocketWriteBufferBytes: 1_000_000,
  };
  const session: WsSession = { subscriberId: "fuzz", send: () => {}, sendFrame: (_id, encode) => void encode() };
  const server = await startRpcServer({ laddr: "tcp://127.0.0.1:0", services, timeoutBroadcastTxCommitMs: 50 });
  const stats: FuzzStats = {
    target: "json-rpc",
    inputs: 0,
    crashes: 0,
    accepted: 0,
    stateChanges: 0,
    blocks: 0,
    samples: [],
  };
  const crash = (why: string, body: string) => {
    stats.crashes++;
    if (stats.samples.length < 5) stats.samples.push(`${why}: ${body.slice(0, 300)}`);
  };
  const httpEvery = options.httpEvery ?? 500;
  const started = performance.now();
  try {
    const arb = bodyArb(seeds.map((s) => Buffer.from(s).toString("base64")));
    const chunk = Math.min(20_000, options.inputs);
    for (let done = 0, round = 0; done < options.inputs; done += chunk, round++) {
      await fc.assert(
        fc.asyncProperty(arb, async (body) => {
          stats.inputs++;
          const base: Omit<CallContext, "id"> = { services, limits, ws: stats.inputs % 2 === 0 ? session : undefined };
          try {
            let parsed: unknown;
            try {
              parsed = JSON.parse(body);
            } catch {
              return;
            }
            const requests = Array.isArray(parsed) ? parsed : [parsed];
            for (const request of requests) {
              const response = await callMethod(routes, base, request, base.ws === undefined ? "http" : "ws");
              if (response !== undefined && !wellFormed(serialize(response))) crash("malformed answer", body);
            }
            if (stats.inputs % httpEvery === 0) {
              const res = await fetch(server.url, { method: "POST", body });
              const text = await res.text();
              if (res.status >= 500 && res.status !== 500) crash(`status ${res.status}`, body);
              if (!wellFormed(text)) crash("malformed HTTP answer", body);
            }
          } catch (e) {
            crash(String(e), body);
          }
          if (services.eventBus.numClientSubscriptions("fuzz") > 0) services.eventBus.unsubscribeAll("fuzz");
        }),
        { numRuns: Math.min(chunk, options.inputs - done), seed: options.seed + round },
      );
      stats.durationS = (performance.now() - started) / 1000;
      options.onProgress?.(stats);
    }
    const health = await fetch(server.url, { method: "POST", body: '{"jsonrpc":"2.0","id":1,"method":"health"}' });
    if (health.status !== 200) crash("server stopped answering", "health");
  } finally {
    await server.close();
  }
  // Whatever the bodies broadcast, nothing entered state: a block of nothing gives the reference hash.
  const after = await runBlock(app, []);
  const empty = await runBlock(reference, []);
  stats.blocks = 1;
  if (!equalBytes(after.appHash, empty.appHash)) stats.stateChanges++;
  stats.accepted = accepted;
  stats.durationS = (performance.now() - started) / 1000;
  return stats;
}
