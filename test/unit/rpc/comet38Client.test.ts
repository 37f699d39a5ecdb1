import test from "ava";
import { disconnectWebsocketClient } from "../../helpers/localNode.js";
import { Comet38Client, connectComet, isComet38Client } from "@cosmjs/tendermint-rpc";
import { GetTxRequest, GetTxResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { publishBlockEvents } from "../../../chain/indexer/eventBus.js";
import { startRpcServer, type RpcServer } from "../../../chain/rpc/server.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { dataHash } from "../../../chain/consensus/encoding.js";
import { utf8 } from "../../../chain/types/bytes.js";
import {
  buildHarness,
  CHAIN_ID,
  cosmosTx,
  GENESIS_SECONDS,
  transferResult,
  validator,
  type Harness,
} from "./fixture.js";

let h: Harness;

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}
let server: RpcServer;
let client: Comet38Client;

test.before(async () => {
  h = await buildHarness();
  server = await startRpcServer({ laddr: "tcp://127.0.0.1:0", services: h.services, timeoutBroadcastTxCommitMs: 2000 });
  client = await Comet38Client.connect(server.url);
});

test.after.always(async () => {
  client?.disconnect();
  await server?.close();
});

test("cosmjs auto-detection picks Comet38Client from the 0.38 version in status", async (t) => {
  const detected = await connectComet(server.url);
  t.true(isComet38Client(detected));
  detected.disconnect();
});

test("status reports the chain, the latest and earliest blocks and the validator", async (t) => {
  const s = await client.status();
  t.is(s.nodeInfo.network, CHAIN_ID);
  t.regex(s.nodeInfo.version, /^0\.38\.\d+$/);
  t.is(s.syncInfo.latestBlockHeight, 3);
  t.deepEqual(s.syncInfo.latestBlockHash, h.chain.metas[2]!.blockId.hash);
  t.deepEqual(s.syncInfo.latestAppHash, h.chain.blocks[2]!.header.appHash);
  t.is(s.syncInfo.latestBlockTime.getTime(), Number(GENESIS_SECONDS + 15n) * 1000);
  t.is(s.syncInfo.earliestBlockHeight, 1);
  t.false(s.syncInfo.catchingUp);
  t.deepEqual(s.validatorInfo.address, validator.address);
  t.deepEqual(s.validatorInfo.pubkey, { algorithm: "ed25519", data: validator.pubKey });
  t.is(s.validatorInfo.votingPower, 10n);
});

test("block decodes header, txs, block id and the signed last commit", async (t) => {
  const b = await client.block(2);
  const meta = h.chain.metas[1]!;
  t.deepEqual(b.blockId.hash, meta.blockId.hash);
  t.is(b.blockId.parts.total, 1);
  t.is(b.block.header.height, 2);
  t.is(b.block.header.chainId, CHAIN_ID);
  t.is(b.block.header.time.getTime(), Number(GENESIS_SECONDS + 10n) * 1000 + 123);
  t.is((b.block.header.time as { nanoseconds?: number }).nanoseconds, 456_000);
  t.deepEqual(b.block.header.dataHash, dataHash(h.chain.blocks[1]!.txs));
  t.deepEqual(b.block.header.lastBlockId?.hash, h.chain.metas[0]!.blockId.hash);
  t.deepEqual(b.block.txs, h.chain.blocks[1]!.txs);
  t.is(b.block.lastCommit?.height, 1);
  t.deepEqual(b.block.lastCommit?.signatures[0]?.signature, h.chain.commits[0]!.signatures[0]!.signature);
  const first = await client.block(1);
  t.is(first.block.lastCommit, null);
  t.is(first.block.header.lastBlockId, null);
  t.is((await client.block()).block.header.height, 3);
});

test("blockResults decodes tx results, finalize_block_events and gas", async (t) => {
  const r = await client.blockResults(2);
  t.is(r.height, 2);
  t.is(r.results.length, 2);
  t.is(r.results[0]!.code, 0);
  t.is(r.results[0]!.gasWanted, 200000n);
  t.is(r.results[0]!.gasUsed, 61234n);
  t.deepEqual(r.results[0]!.data, utf8("ok"));
  t.deepEqual(r.results[1]!.events[1], { type: "transfer", attributes: [{ key: "amount", value: "250ustrike" }] });
  t.deepEqual(r.finalizeBlockEvents, [{ type: "mint", attributes: [{ key: "amount", value: "2000" }] }]);
  t.deepEqual((await client.blockResults(1)).results, []);
});

test("commit returns the header and the signatures, canonical below the tip", async (t) => {
  const c = await client.commit(2);
  t.true(c.canonical);
  t.is(c.header.height, 2);
  t.deepEqual(c.commit.blockId.hash, h.chain.metas[1]!.blockId.hash);
  t.deepEqual(c.commit.signatures[0]?.validatorAddress, validator.address);
  t.is(c.commit.signatures[0]?.blockIdFlag, 2);
  t.false((await client.commit(3)).canonical);
});

test("validators lists the set with count and total", async (t) => {
  const v = await client.validators({ height: 2 });
  t.is(v.blockHeight, 2);
  t.is(v.total, 1);
  t.is(v.count, 1);
  t.deepEqual(v.validators[0]?.address, validator.address);
  t.is(v.validators[0]?.votingPower, 10n);
  t.is((await client.validatorsAll()).validators.length, 1);
});

test("genesis returns the genesis document", async (t) => {
  const g = await client.genesis();
  t.is(g.chainId, CHAIN_ID);
  t.is(g.validators[0]?.votingPower, 10n);
  t.is(g.consensusParams.block?.maxBytes, 22020096);
  t.deepEqual(g.appState, { bank: { balances: [] } });
});

test("txSearch finds indexed txs with total count and pagination", async (t) => {
  const all = await client.txSearch({ query: "message.sender='strike1alice'" });
  t.is(all.totalCount, 2);
  t.deepEqual(
    all.txs.map((x) => x.height),
    [2, 3],
  );
  t.deepEqual(all.txs[0]!.tx, h.chain.blocks[1]!.txs[0]);
  t.deepEqual(all.txs[0]!.hash, sha256(h.chain.blocks[1]!.txs[0]!));
  const paged = await client.txSearch({ query: "tx.height >= 2", per_page: 1, page: 2, order_by: "desc" });
  t.is(paged.totalCount, 3);
  t.is(paged.txs.length, 1);
  t.deepEqual(paged.txs[0]!.tx, h.chain.blocks[1]!.txs[1]);
  t.is((await client.txSearchAll({ query: "tx.height >= 1", per_page: 1 })).txs.length, 3);
  await t.throwsAsync(client.txSearch({ query: "tx.height >= 1", page: 5 }), {
    message: /page should be within \[1, 1\] range, given 5/,
  });
});

test("tx returns one tx by hash with a proof against the data hash", async (t) => {
  const tx = h.chain.blocks[1]!.txs[1]!;
  const r = await client.tx({ hash: sha256(tx), prove: true });
  t.is(r.height, 2);
  t.is(r.index, 1);
  t.deepEqual(
    r.result.events,
    transferResult("strike1carol", "250").events.map((e) => ({
      type: e.type,
      attributes: e.attributes.map(({ key, value }) => ({ key, value })),
    })),
  );
  t.deepEqual(r.proof?.rootHash, dataHash(h.chain.blocks[1]!.txs));
  t.deepEqual(r.proof?.data, tx);
  await t.throwsAsync(client.tx({ hash: sha256(utf8("unknown")) }), { message: /not found/ });
});

test("abciQuery passes path, data, height and prove to the app and decodes its answer", async (t) => {
  const r = await client.abciQuery({
    path: "/store/bank/key",
    data: Uint8Array.of(0xab, 0xcd),
    height: 2,
    prove: true,
  });
  t.is(r.code, 0);
  t.deepEqual(r.key, Uint8Array.of(0xab, 0xcd));
  t.deepEqual(r.value, utf8("answer to /store/bank/key"));
  t.is(r.height, 2);
  t.is(r.proof?.ops[0]?.type, "ics23:iavl");
});

test("abciQuery GetTx is answered from the tx index", async (t) => {
  const tx = h.chain.blocks[2]!.txs[0]!;
  const hashHex = Buffer.from(sha256(tx)).toString("hex");
  const r = await client.abciQuery({
    path: "/cosmos.tx.v1beta1.Service/GetTx",
    data: GetTxRequest.encode({ hash: hashHex }).finish(),
  });
  t.is(r.code, 0);
  const decoded = GetTxResponse.decode(r.value);
  t.is(decoded.txResponse?.height, 3n);
  t.is(decoded.txResponse?.txhash, hashHex.toUpperCase());
  t.is(decoded.tx?.body?.memo, "c");
  const missing = await client.abciQuery({
    path: "/cosmos.tx.v1beta1.Service/GetTx",
    data: GetTxRequest.encode({ hash: "00".repeat(32) }).finish(),
  });
  t.not(missing.code, 0);
});

test("broadcastTxSync runs CheckTx and returns its code and the tx hash", async (t) => {
  const tx = cosmosTx("new", "1");
  const ok = await client.broadcastTxSync({ tx });
  t.is(ok.code, 0);
  t.deepEqual(ok.hash, sha256(tx));
  t.true(h.admitted.some((x) => Buffer.from(x).equals(Buffer.from(tx))));
  const bad = await client.broadcastTxSync({ tx: utf8("bad") });
  t.is(bad.code, 5);
  t.is(bad.codespace, "sdk");
  t.is(bad.log, "insufficient funds");
  const n = await client.numUnconfirmedTxs();
  t.true(n.total >= 1);
});

test.serial("broadcastTxCommit waits until the tx's Tx event is published", async (t) => {
  const tx = cosmosTx("commit-me", "3");
  const pending = client.broadcastTxCommit({ tx });
  // Publish a block containing the tx once the server is waiting for it.
  await waitFor(() => h.bus.numClients() === 1);
  const block = { ...h.chain.blocks[2]!, header: { ...h.chain.blocks[2]!.header, height: 4n }, txs: [tx] };
  publishBlockEvents(h.bus, block, h.chain.metas[2]!.blockId, {
    ...h.chain.results[2]!,
    txResults: [transferResult("strike1dan", "3")],
  });
  const r = await pending;
  t.is(r.height, 4);
  t.is(r.checkTx.code, 0);
  t.is(r.txResult?.events[0]?.attributes[1]?.value, "strike1dan");
  t.is(h.bus.numClients(), 0);
});

test("abciInfo, health and blockchain answer", async (t) => {
  const info = await client.abciInfo();
  t.is(info.lastBlockHeight, 3);
  t.deepEqual(info.lastBlockAppHash, h.chain.results[2]!.appHash);
  t.is(await client.health(), null);
  const chain = await client.blockchain(1, 3);
  t.is(chain.lastHeight, 3);
  t.deepEqual(
    chain.blockMetas.map((m) => m.header.height),
    [3, 2, 1],
  );
  t.is(chain.blockMetas[1]!.numTxs, 2);
});

test.serial("subscribeNewBlock over the websocket delivers published blocks", async (t) => {
  await waitFor(() => h.bus.numClients() === 0);
  const wsClient = await Comet38Client.connect(server.url.replace("http://", "ws://"));
  try {
    const received = new Promise<number>((resolve, reject) => {
      const sub = wsClient.subscribeNewBlock().subscribe({
        next: (block) => {
          sub.unsubscribe();
          resolve(block.header.height);
        },
        error: reject,
      });
    });
    await waitFor(() => h.bus.numClients() === 1);
    const b = h.chain.blocks[2]!;
    publishBlockEvents(h.bus, b, h.chain.metas[2]!.blockId, h.chain.results[2]!);
    t.is(await received, 3);
    // Calls other than subscribe work over the same socket.
    t.is((await wsClient.status()).syncInfo.latestBlockHeight, 3);
  } finally {
    disconnectWebsocketClient(wsClient);
  }
});

test.serial("subscribeTx over the websocket delivers matching txs with their results", async (t) => {
  await waitFor(() => h.bus.numClients() === 0);
  const wsClient = await Comet38Client.connect(server.url.replace("http://", "ws://"));
  try {
    const received = new Promise<{ height: number; hash: Uint8Array }>((resolve, reject) => {
      const sub = wsClient.subscribeTx("message.sender='strike1carol'").subscribe({
        next: (ev) => {
          sub.unsubscribe();
          resolve({ height: ev.height, hash: ev.hash });
        },
        error: reject,
      });
    });
    await waitFor(() => h.bus.numClients() === 1);
    publishBlockEvents(h.bus, h.chain.blocks[1]!, h.chain.metas[1]!.blockId, h.chain.results[1]!);
    const ev = await received;
    t.is(ev.height, 2);
    t.deepEqual(ev.hash, sha256(h.chain.blocks[1]!.txs[1]!));
  } finally {
    disconnectWebsocketClient(wsClient);
  }
});
