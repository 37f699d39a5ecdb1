/* eslint-disable @typescript-eslint/no-explicit-any -- raw JSON-RPC replies are asserted field by field */
/**
 * How long `broadcast_tx_sync` waits for the sequencer's receipt is the node's setting
 * (config.toml `rpc.receipt_wait`, the server's `receiptWaitMs`): 0 answers at once with
 * `receipt_missing`, a longer wait holds the answer that long, and a receipt that arrives
 * within it is in the answer. The real server and receipt store behind the fake chain.
 */
import test from "ava";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { startRpcServer, type RpcServer } from "../../../chain/rpc/server.js";
import type { RpcServices } from "../../../chain/rpc/services.js";
import { missingReceipt } from "../../../chain/sequencer/missingReceipt.js";
import { ReceiptStatus, signReceipt, type Receipt } from "../../../chain/sequencer/receipt.js";
import { receiptToJson } from "../../../chain/sequencer/receiptJson.js";
import { createReceiptStore, type ReceiptStore } from "../../../chain/sequencer/receiptStore.js";
import { buildHarness, CHAIN_ID, cosmosTx, type Harness } from "./fixture.js";

const sequencer = createEd25519Signer(new Uint8Array(32).fill(3));

let h: Harness;
test.before(async () => {
  h = await buildHarness();
});

/** The node's view of soft finality with a real receipt store; the sequencer is another node. */
function servicesWith(store: ReceiptStore): RpcServices {
  return {
    ...h.services,
    sequencer: {
      async receipt(txHash, waitMs) {
        const r = waitMs > 0 ? await store.wait(txHash, waitMs) : store.get(txHash);
        return r === undefined ? undefined : receiptToJson(r.signed, r.stage);
      },
      missingReceipt: (admitted, waitedMs) =>
        missingReceipt({
          admitted,
          waitedMs,
          sequencer: { address: "AB12", isSelf: false },
          openHeight: undefined,
          peers: 3,
        }),
      info: () => undefined,
    },
  };
}

function receiptOf(tx: Uint8Array): Receipt {
  return {
    chainId: CHAIN_ID,
    height: 4n,
    index: 0,
    txHash: sha256(tx),
    code: 0,
    codespace: "",
    resultHash: sha256(tx),
    fills: [],
    sequencerAddress: ed25519Address(sequencer.publicKey),
    epoch: 1n,
    previousReceiptHash: new Uint8Array(0),
    status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
    log: "",
    data: new Uint8Array(0),
    gasWanted: 0n,
    gasUsed: 0n,
  };
}

async function withServer(
  receiptWaitMs: number | undefined,
  store: ReceiptStore,
  run: (s: RpcServer) => Promise<void>,
) {
  const server = await startRpcServer({
    laddr: "tcp://127.0.0.1:0",
    services: servicesWith(store),
    ...(receiptWaitMs === undefined ? {} : { receiptWaitMs }),
  });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

async function broadcastSync(server: RpcServer, tx: Uint8Array): Promise<{ result: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(server.url, {
    method: "POST",
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "broadcast_tx_sync",
      params: { tx: Buffer.from(tx).toString("base64") },
    }),
  });
  const json = (await res.json()) as { result: any };
  return { result: json.result, ms: performance.now() - started };
}

test("with receipt_wait 0 the answer comes at once, without waiting, and says the receipt is missing and why", async (t) => {
  await withServer(0, createReceiptStore(), async (server) => {
    const { result, ms } = await broadcastSync(server, cosmosTx("wait-0", "1"));
    t.is(result.code, 0);
    t.is(result.receipt, null);
    t.is(result.receipt_missing.reason, "forwarded");
    t.is(result.receipt_missing.waited_ms, 0);
    t.true(ms < 500, `answered in ${ms.toFixed(0)} ms`);
  });
});

test("with receipt_wait 0 a receipt the node already holds is still in the answer", async (t) => {
  const store = createReceiptStore();
  const tx = cosmosTx("wait-0-held", "1");
  const r = receiptOf(tx);
  store.add(signReceipt(r, sequencer), r, 0);
  await withServer(0, store, async (server) => {
    const { result } = await broadcastSync(server, tx);
    t.is(result.receipt.receipt.tx_hash, Buffer.from(sha256(tx)).toString("hex").toUpperCase());
    t.false("receipt_missing" in result);
  });
});

test("the answer waits as long as receipt_wait says for a receipt that does not come", async (t) => {
  await withServer(400, createReceiptStore(), async (server) => {
    const { result, ms } = await broadcastSync(server, cosmosTx("wait-400", "1"));
    t.is(result.receipt, null);
    t.true(result.receipt_missing.waited_ms >= 400, String(result.receipt_missing.waited_ms));
    t.true(ms >= 400, `answered in ${ms.toFixed(0)} ms`);
  });
});

test("a receipt that arrives within receipt_wait is in the answer, which does not wait out the rest", async (t) => {
  const store = createReceiptStore();
  const tx = cosmosTx("wait-arrives", "1");
  await withServer(5_000, store, async (server) => {
    const r = receiptOf(tx);
    setTimeout(() => store.add(signReceipt(r, sequencer), r, 0), 150);
    const { result, ms } = await broadcastSync(server, tx);
    t.is(result.receipt.receipt.tx_hash, Buffer.from(sha256(tx)).toString("hex").toUpperCase());
    t.true(ms < 3_000, `answered in ${ms.toFixed(0)} ms`);
  });
});

test("without the setting the server waits the default 1.5 s", async (t) => {
  await withServer(undefined, createReceiptStore(), async (server) => {
    const { result, ms } = await broadcastSync(server, cosmosTx("wait-default", "1"));
    t.true(result.receipt_missing.waited_ms >= 1_500, String(result.receipt_missing.waited_ms));
    t.true(ms >= 1_500);
  });
});
