/**
 * A `kill -9` at any moment leaves the node at its last committed height with a
 * consistent state: after a restart it serves the same blocks and app hashes and goes on.
 */
import test from "ava";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient } from "@cosmjs/stargate";
import { createTestNode, latestHeight, rpc, waitForHeight } from "../helpers/localNode.js";

interface BlockResult {
  block_id: { hash: string };
  block: { header: { app_hash: string; height: string } };
}

test("a node killed with SIGKILL under load restarts at a consistent height and keeps committing", async (t) => {
  const node = await createTestNode({ accounts: ["alice", "bob"], startFlags: ["--consensus.timeout_commit", "50ms"] });
  try {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(node.accounts.alice!.mnemonic, { prefix: "strike" });
    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, { gasPrice: GasPrice.fromString("0.025ustrike") });
    const fee = { amount: [{ denom: "ustrike", amount: "5000" }], gas: "200000" };
    let sent = 0;
    const load = (async () => {
      for (;;) {
        try {
          await client.signAndBroadcastSync(node.accounts.alice!.address, [
            { typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: node.accounts.alice!.address, toAddress: node.accounts.bob!.address, amount: [{ denom: "uusdc", amount: "1" }] } },
          ], fee);
          sent++;
        } catch {
          return;
        }
      }
    })();
    await waitForHeight(node.rpcUrl, 5n);
    await node.kill("SIGKILL");
    await load;
    client.disconnect();
    t.true(sent > 0);

    await node.start();
    const restarted = await latestHeight(node.rpcUrl);
    t.true(restarted >= 5n);
    await waitForHeight(node.rpcUrl, restarted + 3n);

    // Every stored block links to its parent and carries the app hash the parent's commit produced.
    for (let h = 2n; h <= restarted + 2n; h++) {
      const b = await rpc<BlockResult>(node.rpcUrl, "block", { height: String(h) });
      const parent = await rpc<BlockResult & { block: { header: { last_block_id?: unknown } } }>(node.rpcUrl, "block", { height: String(h - 1n) });
      const header = (b.block.header as unknown as { last_block_id: { hash: string } });
      t.is(header.last_block_id.hash, parent.block_id.hash, `block ${h} links to its parent`);
    }
    const account = await rpc<{ response: { code: number } }>(node.rpcUrl, "abci_query", { path: "/cosmos.auth.v1beta1.Query/Params", data: "" });
    t.is(account.response.code, 0);
  } finally {
    await node.destroy();
  }
});
