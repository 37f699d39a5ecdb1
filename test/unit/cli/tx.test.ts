/**
 * `tx bank send` against a stand-in CometBFT 0.38 RPC that answers the handful of methods
 * cosmjs uses, so the CLI's signing, fee and error paths are checked without a node.
 * The real node is exercised by the lead's e2e tests.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeTxRaw } from "@cosmjs/proto-signing";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { MsgSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { QueryMarketsResponse } from "../../../chain/codec/generated/strike/orderbook/v1/query.js";

const TO = "strike1qy352euf40x77qfrg4ncn27dauqjx3t8ztnahv";

interface Fake {
  url: string;
  server: Server;
  txs: Uint8Array[];
}

/** `deliverCode` is the code every included tx gets. */
async function fakeNode(deliverCode: number): Promise<Fake> {
  const txs: Uint8Array[] = [];
  const hashOf = (tx: Uint8Array): string => createHash("sha256").update(tx).digest("hex").toUpperCase();
  const txResult = (tx: Uint8Array) => ({
    hash: hashOf(tx),
    height: "5",
    index: 0,
    tx: Buffer.from(tx).toString("base64"),
    tx_result: {
      code: deliverCode,
      codespace: deliverCode === 0 ? "" : "sdk",
      log: deliverCode === 0 ? "" : "spendable balance 0ustrike is smaller than 10ustrike: insufficient funds",
      gas_wanted: "200000",
      gas_used: "61000",
      events: [],
    },
  });
  const methods: Record<string, (p: Record<string, unknown>) => unknown> = {
    status: () => ({
      node_info: {
        protocol_version: { p2p: "8", block: "11", app: "0" },
        id: "ab".repeat(20),
        listen_addr: "tcp://0.0.0.0:26656",
        network: "strike-local-1",
        version: "0.38.17",
        channels: "",
        moniker: "fake",
        other: { tx_index: "on", rpc_address: "" },
      },
      sync_info: {
        latest_block_hash: "AA".repeat(32),
        latest_app_hash: "BB".repeat(32),
        latest_block_height: "5",
        latest_block_time: "2025-01-01T00:00:00Z",
        catching_up: false,
      },
      validator_info: {
        address: "CC".repeat(20),
        pub_key: { type: "tendermint/PubKeyEd25519", value: Buffer.alloc(32, 1).toString("base64") },
        voting_power: "10",
      },
    }),
    abci_query: (p) => {
      let value: Uint8Array;
      if (p["path"] === "/strike.orderbook.v1.Query/Markets") {
        // One market: ETH-PERP (only its id is read by the cancels' check).
        value = QueryMarketsResponse.encode(
          QueryMarketsResponse.fromPartial({ markets: [{ id: "ETH-PERP" }] }),
        ).finish();
      } else if (p["path"] === "/cosmos.auth.v1beta1.Query/Account") {
        const account = BaseAccount.fromPartial({ address: "", accountNumber: 3n, sequence: 7n });
        value = QueryAccountResponse.encode({
          account: { typeUrl: "/cosmos.auth.v1beta1.BaseAccount", value: BaseAccount.encode(account).finish() },
        }).finish();
      } else return { response: { code: 6, log: "unknown query", codespace: "sdk" } };
      return {
        response: {
          code: 0,
          log: "",
          info: "",
          index: "0",
          key: null,
          value: Buffer.from(value).toString("base64"),
          proofOps: null,
          height: "5",
          codespace: "",
        },
      };
    },
    broadcast_tx_sync: (p) => {
      const tx = new Uint8Array(Buffer.from(p["tx"] as string, "base64"));
      txs.push(tx);
      return { code: 0, data: "", log: "", codespace: "", hash: hashOf(tx) };
    },
    tx_search: () => ({ txs: txs.map(txResult), total_count: String(txs.length) }),
    tx: () => txResult(txs[0]!),
  };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const r = JSON.parse(body) as { id: number; method: string; params: Record<string, unknown> };
      const m = methods[r.method];
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify(
          m === undefined
            ? { jsonrpc: "2.0", id: r.id, error: { code: -32601, message: "Method not found" } }
            : { jsonrpc: "2.0", id: r.id, result: m(r.params) },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `tcp://127.0.0.1:${(server.address() as { port: number }).port}`, server, txs };
}

function strike(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["bin/strike.js", ...args], (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : 1, stdout, stderr }),
    );
  });
}

async function homeWithKey(): Promise<{ home: string; address: string }> {
  const home = mkdtempSync(join(tmpdir(), "strike-tx-"));
  const r = await strike(["keys", "add", "alice", "--home", home, "--keyring-backend", "test", "--output", "json"]);
  return { home, address: (JSON.parse(r.stdout) as { address: string }).address };
}

test("tx bank send signs a MsgSend with the default 5000ustrike fee, the account's sequence, and prints the hash", async (t) => {
  const node = await fakeNode(0);
  const { home, address } = await homeWithKey();
  const r = await strike([
    "tx",
    "bank",
    "send",
    "alice",
    TO,
    "10ustrike",
    "--home",
    home,
    "--keyring-backend",
    "test",
    "--node",
    node.url,
    "--yes",
    "--memo",
    "hi",
    "--output",
    "json",
  ]);
  t.is(r.code, 0, r.stderr);
  t.is(node.txs.length, 1);
  const tx = decodeTxRaw(node.txs[0]!);
  t.is(tx.body.memo, "hi");
  t.is(tx.body.messages[0]!.typeUrl, "/cosmos.bank.v1beta1.MsgSend");
  t.deepEqual(MsgSend.decode(tx.body.messages[0]!.value), {
    fromAddress: address,
    toAddress: TO,
    amount: [{ denom: "ustrike", amount: "10" }],
  });
  t.deepEqual(tx.authInfo.fee!.amount, [{ denom: "ustrike", amount: "5000" }]);
  t.is(tx.authInfo.fee!.gasLimit, 200000n);
  t.is(tx.authInfo.signerInfos[0]!.sequence, 7n);
  const out = JSON.parse(r.stdout) as { txhash: string; height: number; code: number };
  t.is(out.txhash, createHash("sha256").update(node.txs[0]!).digest("hex").toUpperCase());
  t.is(out.height, 5);
  node.server.close();
  rmSync(home, { recursive: true });
});

test("a tx that fails in the block exits 1 with its code, codespace and log", async (t) => {
  const node = await fakeNode(5);
  const { home } = await homeWithKey();
  const r = await strike([
    "tx",
    "bank",
    "send",
    "alice",
    TO,
    "10ustrike",
    "--home",
    home,
    "--keyring-backend",
    "test",
    "--node",
    node.url,
    "--yes",
  ]);
  t.is(r.code, 1);
  t.regex(r.stderr, /code 5, codespace sdk: spendable balance 0ustrike is smaller than 10ustrike/);
  t.false(r.stderr.includes("    at "));
  node.server.close();
  rmSync(home, { recursive: true });
});

test("a --chain-id that differs from the node's is refused before signing", async (t) => {
  const node = await fakeNode(0);
  const { home } = await homeWithKey();
  const r = await strike([
    "tx",
    "bank",
    "send",
    "alice",
    TO,
    "10ustrike",
    "--home",
    home,
    "--keyring-backend",
    "test",
    "--node",
    node.url,
    "--yes",
    "--chain-id",
    "other-1",
  ]);
  t.is(r.code, 1);
  t.regex(r.stderr, /--chain-id is other-1 but the node .* runs strike-local-1/);
  t.is(node.txs.length, 0);
  node.server.close();
  rmSync(home, { recursive: true });
});

test("status and query tx read the node's answers (json and text)", async (t) => {
  const node = await fakeNode(0);
  const { home } = await homeWithKey();
  await strike([
    "tx",
    "bank",
    "send",
    "alice",
    TO,
    "10ustrike",
    "--home",
    home,
    "--keyring-backend",
    "test",
    "--node",
    node.url,
    "--yes",
  ]);
  const status = JSON.parse((await strike(["status", "--node", node.url, "--output", "json"])).stdout) as {
    node_info: { network: string };
    sync_info: { latest_block_height: string };
  };
  t.is(status.node_info.network, "strike-local-1");
  t.is(status.sync_info.latest_block_height, "5");
  const hash = createHash("sha256").update(node.txs[0]!).digest("hex").toUpperCase();
  const q = await strike(["query", "tx", hash, "--node", node.url, "--output", "json"]);
  t.is(q.code, 0, q.stderr);
  const tx = JSON.parse(q.stdout) as {
    txhash: string;
    code: number;
    messages: { "@type": string; toAddress: string }[];
  };
  t.is(tx.txhash, hash);
  t.is(tx.messages[0]!["@type"], "/cosmos.bank.v1beta1.MsgSend");
  t.is(tx.messages[0]!.toAddress, TO);
  const text = await strike(["query", "tx", hash, "--node", node.url]);
  t.regex(text.stdout, /status: success/);
  node.server.close();
  rmSync(home, { recursive: true });
});

test("a cancel in a market that does not exist is refused before signing: nothing is sent, no fee is paid", async (t) => {
  const node = await fakeNode(0);
  const { home } = await homeWithKey();
  const common = ["--from", "alice", "--home", home, "--keyring-backend", "test", "--node", node.url, "--yes"];
  for (const args of [
    ["cancel", "--market", "NOPE-PERP", "--order-id", "5"],
    ["batch-cancel", "--market", "NOPE-PERP", "--client-ids", "1,2"],
    ["cancel-all", "--market", "NOPE-PERP"],
  ]) {
    const r = await strike(["tx", "trade", ...args, ...common]);
    t.is(r.code, 1, args.join(" "));
    t.regex(r.stderr, /unknown market "NOPE-PERP" \(see `strike query markets`\); nothing was sent/);
    t.false(r.stderr.includes("    at "));
  }
  t.is(node.txs.length, 0, "nothing was broadcast");
  const known = await strike(["tx", "trade", "cancel", "--market", "ETH-PERP", "--order-id", "5", ...common]);
  t.is(known.code, 0, known.stderr);
  t.is(node.txs.length, 1, "a cancel in a known market is sent");
  node.server.close();
  rmSync(home, { recursive: true });
});
