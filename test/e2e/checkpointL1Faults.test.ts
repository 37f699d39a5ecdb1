/**
 * Checkpoints still complete and land under the two faults seen to stall them: another
 * sender on each validator's feeder account (the account its checkpoint signer, feeder and
 * deposit watcher sign with) taking sequences the node's services had counted on, and an
 * L1 endpoint that stops answering the relayer without closing the connection. Real
 * validator processes, a real Hardhat node behind a proxy this test can hang, a real relayer.
 */
import anyTest, { type TestFn } from "ava";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { SigningStargateClient } from "@cosmjs/stargate";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { jsonRpcQuerier } from "../../chain/client/comet.js";
import { cosmosQueries } from "../../chain/client/queries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";
import { createStrikeRegistry } from "../../chain/codec/registry.js";
import { loadFeederKey, type FeederKey } from "../../chain/node/feederKey.js";
import { createStrikeSource } from "../../relayer/index.js";
import { freePort, freePorts, rpc } from "../helpers/localNode.js";
import { eventually, startL1Localnet, type L1Localnet, saveL1LocalnetLogs } from "../helpers/l1Localnet.js";

interface HangingProxy {
  url: string;
  /** While hung, requests are read and never answered (the connection stays open). */
  hang(on: boolean): void;
  held(): number;
  close(): Promise<void>;
}

async function startHangingProxy(target: string): Promise<HangingProxy> {
  let hung = false;
  const held: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (hung) {
        held.push(res);
        return;
      }
      fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) })
        .then(async (r) => res.writeHead(r.status, { "content-type": "application/json" }).end(await r.text()))
        .catch(() => res.destroy());
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    hang: (on) => (hung = on),
    held: () => held.length,
    async close() {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A second sender on `key`'s account: 1ustrike to itself, as fast as `everyMs`, adopting the sequence the node asks for. */
function collideOn(rpcUrl: string, key: FeederKey, chainId: string, everyMs: number) {
  let stop = false;
  let admitted = 0;
  let refused = 0;
  const done = (async () => {
    const wallet = await DirectSecp256k1Wallet.fromKey(key.privKey, "strike");
    const signer = await SigningStargateClient.offline(wallet, { registry: createStrikeRegistry() });
    const acc = await cosmosQueries(createQueryRpc(jsonRpcQuerier(rpcUrl))).auth.Account({ address: key.address });
    const base = BaseAccount.decode(acc.account!.value);
    let sequence = Number(base.sequence);
    while (!stop) {
      const raw = await signer.sign(
        key.address,
        [
          {
            typeUrl: "/cosmos.bank.v1beta1.MsgSend",
            value: { fromAddress: key.address, toAddress: key.address, amount: [{ denom: "ustrike", amount: "1" }] },
          },
        ],
        { amount: [{ denom: "ustrike", amount: "5000" }], gas: "200000" },
        "",
        { accountNumber: base.accountNumber, sequence, chainId },
      );
      const r = await rpc<{ code: number; log: string }>(rpcUrl, "broadcast_tx_sync", {
        tx: Buffer.from(TxRaw.encode(raw).finish()).toString("base64"),
      }).catch(() => ({ code: -1, log: "" }));
      if (r.code === 0) {
        admitted += 1;
        sequence += 1;
      } else {
        refused += 1;
        const expected = /expected (\d+)/.exec(r.log);
        if (expected !== null) sequence = Number(expected[1]);
      }
      await new Promise((res) => setTimeout(res, everyMs));
    }
  })();
  return {
    counts: () => ({ admitted, refused }),
    async stop() {
      stop = true;
      await done;
    },
  };
}

async function metric(url: string, name: string, labels: string): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split("\n"))
    if (line.startsWith(`${name}{`) && line.includes(labels)) sum += Number(line.split(" ").pop());
  return sum;
}

const test = anyTest as TestFn<{ net: L1Localnet; proxy: HangingProxy; nodeMetrics: string[] }>;

test.before(async (t) => {
  const ports = await freePorts(4);
  const net = await startL1Localnet({
    nodeArgs: (i) => [
      "--instrumentation.prometheus",
      "true",
      "--instrumentation.prometheus_listen_addr",
      `127.0.0.1:${ports[i]}`,
    ],
  });
  t.context = {
    net,
    proxy: await startHangingProxy(net.l1.url),
    nodeMetrics: ports.map((p) => `http://127.0.0.1:${p}/metrics`),
  };
});

test.after.always(async (t) => {
  const { net, proxy } = t.context as Partial<typeof t.context>;
  if (net !== undefined) await saveL1LocalnetLogs(net, "checkpointL1Faults");
  await proxy?.close();
  await net?.stop();
});

test.serial(
  "checkpoints complete and land while another sender takes the validators' feeder sequences and the relayer's L1 endpoint hangs",
  async (t) => {
    t.timeout(600_000);
    const { net, proxy, nodeMetrics } = t.context;
    const source = createStrikeSource(net.rpcUrls[0]!);
    const status = await rpc<{ node_info: { network: string } }>(net.rpcUrls[0]!, "status");
    const chainId = status.node_info.network;
    const relayer = await net.startRelayer(1, {
      l1Rpc: proxy.url,
      args: ["--l1-timeout-ms", "1500", "--rpc-timeout-ms", "3000"],
    });
    const l1Height = async () => ((await net.settlement.getFunction("lastCheckpoint")()) as [bigint])[0];
    await eventually(async () => ((await l1Height()) > 0n ? true : undefined), 300_000, "a first checkpoint on L1");

    // Every validator's feeder account gets a second, busy sender.
    const colliders = [0, 1, 2, 3].map((i) =>
      collideOn(net.rpcUrls[i]!, loadFeederKey(join(net.dir, `node${i}`, "config", "feeder_key.json")), chainId, 100),
    );
    t.teardown(() => Promise.all(colliders.map((c) => c.stop())));
    const startHeight = await source.latestHeight();

    // The L1 endpoint stops answering for 15 s, well past the relayer's 1.5 s request deadline.
    await new Promise((r) => setTimeout(r, 5_000));
    proxy.hang(true);
    await new Promise((r) => setTimeout(r, 15_000));
    t.true(proxy.held() > 0, "the relayer sent requests the hung endpoint never answered");
    proxy.hang(false);
    const releasedAt = Date.now();
    const releaseHeight = await source.latestHeight();

    // A checkpoint signed after the release, during the collisions, completes and lands.
    const landed = await eventually(
      async () => {
        const h = await l1Height();
        return h > releaseHeight ? h : undefined;
      },
      120_000,
      `a checkpoint above height ${releaseHeight} on L1`,
    );
    const recoverySeconds = (Date.now() - releasedAt) / 1000;
    t.log(`checkpoint ${landed} on L1 ${recoverySeconds.toFixed(1)} s after the L1 endpoint answered again`);
    const collided = colliders.map((c) => c.counts());
    t.log(`the second senders: ${JSON.stringify(collided)}`);
    for (const c of colliders) await c.stop();

    t.true(
      collided.every((c) => c.admitted > 0),
      "every feeder account really had a second sender whose txs the chain took",
    );
    // Nothing in between was left incomplete: each checkpoint since the collisions began has
    // more than 2/3 of the power, and the contract holds the newest.
    // (A signature still in flight is given a minute; the stall seen before never completed.)
    const upTo = await eventually(
      async () => {
        const cps = (await source.checkpointsAfter(startHeight, 50)).filter((c) => c.checkpoint!.height <= landed);
        return cps.every((c) => c.checkpoint!.completedAt > 0n) ? cps : undefined;
      },
      60_000,
      `every checkpoint from height ${startHeight} to ${landed} complete on the chain`,
    );
    t.true(upTo.length > 0, "checkpoints were taken during the faults");
    for (const c of upTo) {
      const cp = c.checkpoint!;
      t.true(cp.completedAt > 0n, `checkpoint ${cp.height} completed on the chain`);
      t.true(cp.signedPower * 3n > cp.totalPower * 2n, `checkpoint ${cp.height} has more than 2/3 of the power`);
    }
    // The retries are visible to an operator: the nodes counted sequence retries, the relayer L1 errors and retried rounds.
    let sequenceRetries = 0;
    for (const url of nodeMetrics)
      sequenceRetries += await metric(url, "strike_service_tx_retries_total", 'reason="sequence"');
    t.true(sequenceRetries > 0, `the nodes' services retried on the sequence (${sequenceRetries})`);
    t.true(
      net.nodes.some((n) => n.log.includes("tx refused on its sequence; retrying")),
      "a node logged the sequence retry",
    );
    t.true(
      (await metric(relayer.metricsUrl, "strike_relayer_errors_total", 'kind="l1_rpc"')) > 0,
      "the relayer counted the hung L1 requests as l1_rpc errors",
    );
    t.true(
      (await metric(relayer.metricsUrl, "strike_relayer_retries_total", 'kind="round"')) > 0,
      "the relayer retried its rounds",
    );
    t.true(recoverySeconds < 90, `landed within 90 s of the L1 answering again (${recoverySeconds.toFixed(1)} s)`);
  },
);
