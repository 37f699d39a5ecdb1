/**
 * An unmodified cosmjs client against a real node process on RocksDB: the contract
 * that wallets and bots rely on.
 */
import anyTest, { type TestFn } from "ava";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { verifyProof } from "../../chain/store/stateStore.js";
import { createTestNode, disconnectWebsocketClient, type TestNode } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ node: TestNode }>;

test.before(async (t) => {
  t.context.node = await createTestNode({ accounts: ["alice", "bob"] });
});

test.after.always(async (t) => {
  await t.context.node?.destroy();
});

async function signer(node: TestNode, name: string) {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(node.accounts[name]!.mnemonic, { prefix: "strike" });
  const client = await SigningStargateClient.connectWithSigner(node.rpcUrl, wallet, {
    gasPrice: GasPrice.fromString("0.025ustrike"),
  });
  return { wallet, client };
}

test.serial("a StargateClient reads chain id, balances and accounts", async (t) => {
  const { node } = t.context;
  const client = await StargateClient.connect(node.rpcUrl);
  t.is(await client.getChainId(), node.chainId);
  const alice = node.accounts.alice!.address;
  t.deepEqual(await client.getBalance(alice, "uusdc"), { denom: "uusdc", amount: "1000000000000" });
  const all = await client.getAllBalances(alice);
  t.deepEqual(
    all.map((c) => c.denom),
    ["ustrike", "uusdc"],
  );
  const account = await client.getAccount(alice);
  t.is(account?.address, alice);
  t.is(account?.sequence, 0);
  t.is(await client.getAccount(toBech32("strike", new Uint8Array(20).fill(7))), null);
  client.disconnect();
});

test.serial("sendTokens with fee auto simulates, commits, and is found by getTx and searchTx", async (t) => {
  const { node } = t.context;
  const alice = node.accounts.alice!.address;
  const bob = node.accounts.bob!.address;
  const { client } = await signer(node, "alice");
  const before = BigInt((await client.getBalance(bob, "uusdc")).amount);
  const res = await client.sendTokens(alice, bob, [{ denom: "uusdc", amount: "12345" }], "auto", "e2e");
  t.is(res.code, 0, res.rawLog);
  t.true(res.gasUsed > 0n);
  t.true(res.gasWanted >= res.gasUsed);
  const after = BigInt((await client.getBalance(bob, "uusdc")).amount);
  t.is(after - before, 12345n);

  const found = await client.getTx(res.transactionHash);
  t.is(found?.height, res.height);
  t.is(found?.code, 0);

  const byRecipient = await client.searchTx([{ key: "transfer.recipient", value: bob }]);
  t.true(byRecipient.some((tx) => tx.hash === res.transactionHash));
  const bySender = await client.searchTx(`message.sender='${alice}'`);
  t.true(bySender.some((tx) => tx.hash === res.transactionHash));
  const account = await client.getAccount(alice);
  t.is(account?.sequence, 1);
  client.disconnect();
});

test.serial("balances are read at past heights, and raw store reads carry a proof", async (t) => {
  const { node } = t.context;
  const alice = node.accounts.alice!.address;
  const bob = node.accounts.bob!.address;
  const { client } = await signer(node, "alice");
  const res = await client.sendTokens(alice, bob, [{ denom: "uusdc", amount: "777" }], "auto");
  t.is(res.code, 0, res.rawLog);
  client.disconnect();

  const comet = await Comet38Client.connect(node.rpcUrl);
  const balanceAt = async (height: number): Promise<bigint> => {
    const q = await comet.abciQuery({
      path: "/cosmos.bank.v1beta1.Query/Balance",
      data: QueryBalanceRequest.encode({ address: bob, denom: "uusdc" }).finish(),
      height,
    });
    t.is(q.code, 0, q.log);
    t.is(q.height, height);
    return BigInt(QueryBalanceResponse.decode(q.value).balance!.amount);
  };
  t.is((await balanceAt(res.height)) - (await balanceAt(res.height - 1)), 777n);

  // bank's balance key: 0x02 | len(address) | address | denom.
  const addr = fromBech32(bob, 90).data;
  const key = Uint8Array.from([0x02, addr.length, ...addr, ...new TextEncoder().encode("uusdc")]);
  const raw = await comet.abciQuery({ path: "store/bank/key", data: key, height: res.height, prove: true });
  t.is(raw.code, 0, raw.log);
  t.true(raw.value.length > 0);
  t.is(raw.proof?.ops.length, 1);
  const op = raw.proof!.ops[0]!;
  t.is(op.type, "strike:state:exist");
  // The state after block H is committed to by the app hash in block H+1's header.
  const next = await comet.block(res.height + 1);
  t.true(verifyProof(next.block.header.appHash, { kind: "exist", key: op.key, value: raw.value, steps: op.data }));
  t.false(
    verifyProof(next.block.header.appHash, { kind: "exist", key: op.key, value: Uint8Array.of(1), steps: op.data }),
  );
  comet.disconnect();
});

test.serial(
  "a send beyond the balance passes CheckTx, fails in the block with code 5, and moves nothing",
  async (t) => {
    const { node } = t.context;
    const bob = node.accounts.bob!.address;
    const alice = node.accounts.alice!.address;
    const { client } = await signer(node, "bob");
    const before = await client.getAllBalances(alice);
    const fee = { amount: [{ denom: "ustrike", amount: "5000" }], gas: "200000" };
    // As in Cosmos, CheckTx runs only the ante handler, so the message fails in the block.
    const res = await client.sendTokens(bob, alice, [{ denom: "uusdc", amount: "999999999999999999" }], fee);
    t.is(res.code, 5);
    t.regex(res.rawLog ?? "", /insufficient funds/);
    t.deepEqual(await client.getAllBalances(alice), before);
    client.disconnect();
  },
);

test.serial("a Comet38Client reads blocks, results, commits, validators and genesis", async (t) => {
  const { node } = t.context;
  const comet = await Comet38Client.connect(node.rpcUrl);
  const status = await comet.status();
  t.is(status.nodeInfo.network, node.chainId);
  const height = status.syncInfo.latestBlockHeight;
  t.true(height >= 2);
  const block = await comet.block(height);
  t.is(block.block.header.height, height);
  t.is(block.block.header.chainId, node.chainId);
  const previous = await comet.block(height - 1);
  t.deepEqual(block.block.header.lastBlockId?.hash, previous.blockId.hash);
  const results = await comet.blockResults(height);
  t.is(results.height, height);
  const commit = await comet.commit(height - 1);
  t.deepEqual(commit.header.appHash, previous.block.header.appHash);
  t.true(commit.commit.signatures.length >= 1);
  const validators = await comet.validators({ height });
  t.is(validators.total, 1);
  const genesis = await comet.genesis();
  t.is(genesis.chainId, node.chainId);
  comet.disconnect();
});

test.serial("a websocket subscriber receives new blocks as they commit", async (t) => {
  const { node } = t.context;
  const comet = await Comet38Client.connect(node.rpcUrl.replace("http://", "ws://"));
  const heights = await new Promise<number[]>((resolve, reject) => {
    const seen: number[] = [];
    const sub = comet.subscribeNewBlock().subscribe({
      next: (b) => {
        seen.push(b.header.height);
        if (seen.length === 3) {
          sub.unsubscribe();
          resolve(seen);
        }
      },
      error: reject,
    });
  });
  t.is(heights[1], heights[0]! + 1);
  t.is(heights[2], heights[0]! + 2);
  disconnectWebsocketClient(comet);
});
