/**
 * A `kill -9` at any moment leaves the node at its last committed height with a
 * consistent state: after a restart it serves the same blocks and app hashes and goes on.
 */
import test from "ava";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { createTestNode, latestHeight, rpc, waitForHeight } from "../helpers/localNode.js";

interface BlockResult {
  block_id: { hash: string };
  block: { header: { app_hash: string; height: string } };
}

test("a node killed with SIGKILL under load restarts at a consistent height and keeps committing", async (t) => {
  const node = await createTestNode({ accounts: ["alice", "bob"], startFlags: ["--consensus.timeout_commit", "50ms"] });
  try {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(node.accounts.alice!.mnemonic, { prefix: "strike" });
    const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
      gasPrice: GasPrice.fromString("0.025ustrike"),
    });
    const alice = node.accounts.alice!.address;
    const account = await client.getAccount(alice);
    const fee = { amount: [{ denom: "ustrike", amount: "5000" }], gas: "200000" };
    const msg = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: { fromAddress: alice, toAddress: node.accounts.bob!.address, amount: [{ denom: "uusdc", amount: "1" }] },
    };
    let accepted = 0;
    let stopLoad = false;
    // Consecutive sequences signed locally, so that the load does not wait for blocks.
    const load = (async () => {
      for (let sequence = account!.sequence; !stopLoad; sequence++) {
        const signed = await client.sign(alice, [msg], fee, "", {
          accountNumber: account!.accountNumber,
          sequence,
          chainId: node.chainId,
        });
        try {
          const res = await rpc<{ code: number }>(node.rpcUrl, "broadcast_tx_sync", {
            tx: Buffer.from(TxRaw.encode(signed).finish()).toString("base64"),
          });
          if (res.code === 0) accepted++;
        } catch {
          return; // the node is gone
        }
      }
    })();
    while (accepted < 30) await new Promise((r) => setTimeout(r, 20));
    // Anywhere in the commit cycle: the precise moment does not matter to the outcome.
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
    const killedAt = await latestHeight(node.rpcUrl);
    await node.kill("SIGKILL");
    stopLoad = true;
    await load;
    client.disconnect();
    t.true(accepted > 0, "txs were being admitted when the node was killed");

    await node.start();
    const restarted = await latestHeight(node.rpcUrl);
    t.true(restarted >= killedAt, "no committed block was lost");
    await waitForHeight(node.rpcUrl, restarted + 3n);

    // Every stored block links to its parent and carries the app hash the parent's commit produced.
    for (let h = 2n; h <= restarted + 3n; h++) {
      const b = await rpc<BlockResult>(node.rpcUrl, "block", { height: String(h) });
      const parent = await rpc<BlockResult & { block: { header: { last_block_id?: unknown } } }>(node.rpcUrl, "block", {
        height: String(h - 1n),
      });
      const header = b.block.header as unknown as { last_block_id: { hash: string } };
      t.is(header.last_block_id.hash, parent.block_id.hash, `block ${h} links to its parent`);
    }
    // The state agrees with the blocks: alice's sequence is the number of her txs committed.
    const committed = await rpc<{ total_count: string }>(node.rpcUrl, "tx_search", {
      query: `message.sender='${alice}'`,
      per_page: "1",
    });
    const after = await StargateClient.connect(node.rpcUrl);
    t.is(BigInt((await after.getAccount(alice))!.sequence), BigInt(committed.total_count));
    after.disconnect();
  } finally {
    await node.destroy();
  }
});
