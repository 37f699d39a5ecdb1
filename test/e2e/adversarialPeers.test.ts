/**
 * Attacks on a real node process over its p2p port and RPC, as issue 9 found them: an
 * attacker runs its own libp2p host on loopback with a fresh identity and sends crafted
 * consensus messages; a client sends a tx whose gas limit is over the block's max gas.
 */
import anyTest, { type TestFn } from "ava";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { encodeConsensusMessage } from "../../chain/consensus/gossip.js";
import type { ConsensusMessage } from "../../chain/consensus/types.js";
import { loadNodeKey } from "../../chain/node/home.js";
import { createP2PHost, p2pPeerId, type P2PHost } from "../../chain/p2p/index.js";
import type { Block } from "../../chain/types/block.js";
import { createTestNode, latestHeight, waitForHeight, type TestNode } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ node: TestNode; attackers: P2PHost[] }>;
const MAX_GAS = 2_000_000n;

test.before(async (t) => {
  t.context.attackers = [];
  t.context.node = await createTestNode({
    accounts: ["alice", "bob"],
    ...(process.env.ADV_DEBUG === undefined ? {} : { startFlags: ["--log_level", "debug"] }),
    editGenesis: (g) => {
      const cp = g["consensus_params"] as { block: { max_gas: string } };
      cp.block.max_gas = String(MAX_GAS);
    },
  });
});

test.after.always(async (t) => {
  for (const a of t.context.attackers) await a.stop().catch(() => undefined);
  await t.context.node?.destroy();
});

function nodePeerId(node: TestNode): string {
  return p2pPeerId(loadNodeKey(join(node.home, "config", "node_key.json")).privKey.subarray(0, 32));
}

async function attacker(t: { context: { node: TestNode; attackers: P2PHost[] } }): Promise<P2PHost> {
  const { node } = t.context;
  const host = createP2PHost({
    nodeKeySeed: new Uint8Array(randomBytes(32)),
    listen: "tcp://127.0.0.1:0",
    persistentPeers: [`${nodePeerId(node)}@127.0.0.1:${node.p2pPort}`],
    networkId: node.chainId,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    tuning: { reconnectInitialDelayMs: 200, reconnectMaxDelayMs: 400 },
  });
  t.context.attackers.push(host);
  await host.start();
  return host;
}

async function until(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function fakeBlock(height: bigint, fillerBytes: number): Block {
  const zero = new Uint8Array(32);
  return {
    header: {
      version: { block: 11n, app: 1n },
      chainId: "x",
      height,
      time: { seconds: 1n, nanos: 0 },
      lastBlockId: { hash: zero, partSetHeader: { total: 1, hash: zero } },
      lastCommitHash: zero,
      dataHash: zero,
      validatorsHash: zero,
      nextValidatorsHash: zero,
      consensusHash: zero,
      appHash: zero,
      lastResultsHash: zero,
      evidenceHash: zero,
      proposerAddress: new Uint8Array(20),
    },
    txs: [new Uint8Array(randomBytes(fillerBytes))],
    evidence: [],
    lastCommit: {
      height: height - 1n,
      round: 0,
      blockId: { hash: zero, partSetHeader: { total: 1, hash: zero } },
      signatures: [],
    },
  };
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) * 1024;
}

/** Sends `make(currentHeight)` until the attacker is cut off (or `count` messages went out). */
async function sendAtCurrentHeight(
  node: TestNode,
  host: P2PHost,
  count: number,
  make: (height: bigint, i: number) => ConsensusMessage,
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < count && host.peers().length > 0; i++) {
    host.broadcast("consensus", encodeConsensusMessage(make((await latestHeight(node.rpcUrl)) + 1n, i)));
    sent++;
    await new Promise((r) => setTimeout(r, 30));
  }
  return sent;
}

test.serial("unsigned proposals for round 2^31-1 do not freeze the node, and each costs the sender", async (t) => {
  const { node } = t.context;
  const host = await attacker(t);
  t.true(await until(() => host.peers().length > 0, 15_000), "the attacker connects");
  // Five: half of what gets a peer banned, so that the next test finds it still connected.
  const sent = await sendAtCurrentHeight(node, host, 5, (height) => ({
    kind: "proposal",
    proposal: {
      height,
      round: 2 ** 31 - 1,
      polRound: -1,
      blockId: { hash: new Uint8Array(32), partSetHeader: { total: 1, hash: new Uint8Array(32) } },
      timestamp: { seconds: 1n, nanos: 0 },
      signature: new Uint8Array(64).fill(1),
    },
    block: fakeBlock(height, 16),
  }));
  t.is(sent, 5);
  const h0 = await latestHeight(node.rpcUrl);
  await waitForHeight(node.rpcUrl, h0 + 3n, 15_000);
  t.regex(node.logs(), /round 2147483647 is too far/);
});

test.serial("undecodable txs on the mempool channel carry a peer penalty", async (t) => {
  const { node } = t.context;
  const host = t.context.attackers[0]!;
  t.true(host.peers().length > 0);
  host.broadcast("mempool", new Uint8Array([0xff, 0x01, 0x02]));
  t.true(
    await until(() => /invalid message from peer[^\n]*invalid tx \(sdk 2\)/.test(node.logs()), 5_000),
    "the node scores the sender down",
  );
});

test.serial(
  "unsigned blocks (current or next height) do not pile up in memory; their sender is cut off and banned, also under a new peer id",
  async (t) => {
    const { node } = t.context;
    const host = t.context.attackers[0]!;
    t.true(host.peers().length > 0, "the attacker of the previous test is still connected");
    const before = rssBytes(node.process.pid!);
    const sent = await sendAtCurrentHeight(node, host, 60, (h) => ({ kind: "block", block: fakeBlock(h, 1_000_000) }));
    t.true(await until(() => host.peers().length === 0, 10_000), "the attacker is dropped");
    const h0 = await latestHeight(node.rpcUrl);
    await waitForHeight(node.rpcUrl, h0 + 2n, 15_000);
    const grown = rssBytes(node.process.pid!) - before;
    t.log(`sent ${sent} unsigned 1 MB blocks before being cut off; node RSS grew ${Math.round(grown / 1e6)} MB`);
    t.true(sent < 20, `cut off after ${sent}`);
    t.true(grown < 100e6, `RSS grew ${grown} bytes`);
    t.regex(node.logs(), /an unsigned block for height|a block no vote of this height names/);
    t.regex(node.logs(), /dropping peer[^\n]*misbehaved/);
    await host.stop();

    // A fresh peer id from the same address is refused while the ban lasts.
    const again = await attacker(t);
    t.false(await until(() => again.peers().length > 0, 4_000), "a new identity from a banned address is refused");
    await again.stop();
  },
);

test.serial(
  "a tx whose gas limit is over the block's max gas is refused at CheckTx and no longer blocks inclusion",
  async (t) => {
    const { node } = t.context;
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(node.accounts.alice!.mnemonic, { prefix: "strike" });
    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("0.025ustrike"),
    });
    const [alice] = await wallet.getAccounts();
    const bob = node.accounts.bob!.address;
    const coins = [{ denom: "uusdc", amount: "7" }];
    const over = { amount: [{ denom: "ustrike", amount: "100000" }], gas: String(MAX_GAS + 1n) };
    const err = await t.throwsAsync(() => client.sendTokens(alice!.address, bob, coins, over));
    t.regex(err?.message ?? "", /exceeds the block's max gas/);
    const ok = await client.sendTokens(alice!.address, bob, coins, {
      amount: [{ denom: "ustrike", amount: "10000" }],
      gas: "200000",
    });
    t.is(ok.code, 0, ok.rawLog);
    client.disconnect();
  },
);

test.serial("priv_validator_state.json keeps mode 0600 while the validator signs", async (t) => {
  const { node } = t.context;
  const h = await latestHeight(node.rpcUrl);
  await waitForHeight(node.rpcUrl, h + 2n, 15_000);
  t.is(statSync(join(node.home, "data", "priv_validator_state.json")).mode & 0o777, 0o600);
});
