/**
 * Bad input over the wire: each gets a clear code or JSON-RPC error, changes nothing,
 * and the node keeps committing blocks.
 */
import anyTest, { type TestFn } from "ava";
import { DirectSecp256k1HdWallet, makeAuthInfoBytes, makeSignDoc, encodePubkey } from "@cosmjs/proto-signing";
import { encodeSecp256k1Pubkey } from "@cosmjs/amino";
import { StargateClient } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { createStrikeRegistry } from "../../chain/codec/registry.js";
import { createTestNode, latestHeight, rpc, waitForHeight, type TestNode } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ node: TestNode }>;

test.before(async (t) => {
  t.context.node = await createTestNode({ accounts: ["alice", "bob"] });
});

test.after.always(async (t) => {
  await t.context.node?.destroy();
});

interface SendOptions {
  chainId?: string;
  sequence?: number;
  accountNumber?: number;
  amount?: string;
}

/** Signs a bank send by hand so that each field can be made wrong on purpose. */
async function signedSend(node: TestNode, opts: SendOptions = {}): Promise<Uint8Array> {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(node.accounts.alice!.mnemonic, { prefix: "strike" });
  const [account] = await wallet.getAccounts();
  const client = await StargateClient.connect(node.rpcUrl);
  const onChain = await client.getAccount(account!.address);
  client.disconnect();
  const registry = createStrikeRegistry();
  const bodyBytes = registry.encodeTxBody({
    messages: [
      {
        typeUrl: "/cosmos.bank.v1beta1.MsgSend",
        value: {
          fromAddress: account!.address,
          toAddress: node.accounts.bob!.address,
          amount: [{ denom: "uusdc", amount: opts.amount ?? "1" }],
        },
      },
    ],
    memo: "",
  });
  const pubkey = encodePubkey(encodeSecp256k1Pubkey(account!.pubkey));
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey, sequence: opts.sequence ?? onChain!.sequence }],
    [{ denom: "ustrike", amount: "5000" }],
    200000,
    undefined,
    undefined,
  );
  const signDoc = makeSignDoc(
    bodyBytes,
    authInfoBytes,
    opts.chainId ?? node.chainId,
    opts.accountNumber ?? onChain!.accountNumber,
  );
  const { signature, signed } = await wallet.signDirect(account!.address, signDoc);
  return TxRaw.encode({
    bodyBytes: signed.bodyBytes,
    authInfoBytes: signed.authInfoBytes,
    signatures: [Buffer.from(signature.signature, "base64")],
  }).finish();
}

interface CheckResult {
  code: number;
  codespace: string;
  log: string;
  hash: string;
}

async function broadcast(node: TestNode, tx: Uint8Array): Promise<CheckResult> {
  return rpc<CheckResult>(node.rpcUrl, "broadcast_tx_sync", { tx: Buffer.from(tx).toString("base64") });
}

async function aliceUsdc(node: TestNode): Promise<string> {
  const client = await StargateClient.connect(node.rpcUrl);
  const b = await client.getBalance(node.accounts.alice!.address, "uusdc");
  client.disconnect();
  return b.amount;
}

test.serial("malformed, mis-signed and replayed txs are refused with Cosmos codes and change nothing", async (t) => {
  const { node } = t.context;
  const before = await aliceUsdc(node);

  const garbage = await broadcast(node, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
  t.is(garbage.code, 2, garbage.log);

  const wrongChain = await broadcast(node, await signedSend(node, { chainId: "other-chain" }));
  t.is(wrongChain.code, 4, wrongChain.log);

  const wrongAccountNumber = await broadcast(node, await signedSend(node, { accountNumber: 999 }));
  t.is(wrongAccountNumber.code, 4, wrongAccountNumber.log);

  const future = await broadcast(node, await signedSend(node, { sequence: 99 }));
  t.is(future.code, 32, future.log);
  t.regex(future.log, /sequence/);

  const tampered = await signedSend(node);
  const raw = TxRaw.decode(tampered);
  raw.signatures[0]![5]! ^= 0xff;
  const badSig = await broadcast(node, TxRaw.encode(raw).finish());
  t.is(badSig.code, 4, badSig.log);

  const negative = await broadcast(node, await signedSend(node, { amount: "-1" }));
  t.not(negative.code, 0);

  t.is(await aliceUsdc(node), before);

  const good = await signedSend(node);
  t.is((await broadcast(node, good)).code, 0);
  const replay = await broadcast(node, good);
  t.not(replay.code, 0, "the same tx again is refused");

  const h = await latestHeight(node.rpcUrl);
  await waitForHeight(node.rpcUrl, h + 2n);
  t.is(BigInt(await aliceUsdc(node)), BigInt(before) - 1n, "exactly one send landed");
});

test.serial(
  "one JSON-RPC batch of an account's next sends, a forged one among them: the rest land in order",
  async (t) => {
    const { node } = t.context;
    const before = BigInt(await aliceUsdc(node));
    const client = await StargateClient.connect(node.rpcUrl);
    const { sequence } = (await client.getAccount(node.accounts.alice!.address))!;
    client.disconnect();
    const good: Uint8Array[] = [];
    for (let i = 0; i < 12; i++) good.push(await signedSend(node, { sequence: sequence + i, amount: "1" }));
    // The forged one claims the sequence of the send after it: refusing it must not use that up.
    const forged = TxRaw.decode(await signedSend(node, { sequence: sequence + 6, amount: "1000" }));
    forged.signatures[0]![7]! ^= 0x01;
    const txs = [...good.slice(0, 6), TxRaw.encode(forged).finish(), ...good.slice(6)];
    const res = await fetch(node.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(
        txs.map((tx, id) => ({
          jsonrpc: "2.0",
          id,
          method: "broadcast_tx_sync",
          params: { tx: Buffer.from(tx).toString("base64") },
        })),
      ),
    });
    const answers = (await res.json()) as {
      id: number;
      result: CheckResult & { receipt: { receipt: { height: string; index: number } } | null };
    }[];
    t.deepEqual(
      answers.map((a) => a.id),
      txs.map((_, i) => i),
    );
    t.is(answers[6]!.result.code, 4, answers[6]!.result.log);
    const admitted = answers.filter((_, i) => i !== 6);
    t.true(
      admitted.every((a) => a.result.code === 0),
      admitted.map((a) => a.result.log).join(" | "),
    );
    // Receipted in request order: each at a later (height, index) than the one before.
    const slots = admitted.map((a) => a.result.receipt!.receipt);
    for (let i = 1; i < slots.length; i++) {
      const [a, b] = [slots[i - 1]!, slots[i]!];
      t.true(BigInt(b.height) > BigInt(a.height) || (b.height === a.height && b.index > a.index));
    }
    const h = await latestHeight(node.rpcUrl);
    await waitForHeight(node.rpcUrl, h + 2n);
    t.is(BigInt(await aliceUsdc(node)), before - 12n, "the twelve sends landed, not the forged one");
  },
);

test.serial("malformed JSON-RPC, unknown methods and oversized bodies get JSON-RPC errors", async (t) => {
  const { node } = t.context;
  const post = (body: string) =>
    fetch(node.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body });

  const parse = (await (await post("{not json")).json()) as { error: { code: number } };
  t.is(parse.error.code, -32700);

  const unknown = (await (
    await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "no_such_method", params: {} }))
  ).json()) as {
    error: { code: number };
  };
  t.is(unknown.error.code, -32601);

  const big = await post(
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "status", params: { pad: "x".repeat(2_000_000) } }),
  );
  t.true(big.status === 413 || big.status === 400 || ((await big.json()) as { error?: unknown }).error !== undefined);

  const h = await latestHeight(node.rpcUrl);
  t.true((await waitForHeight(node.rpcUrl, h + 1n)) > h, "the node is still committing blocks");
});

test.serial("a re-encoded copy of a signed tx is refused (ADR-027) and the signer's original lands", async (t) => {
  const { node } = t.context;
  const before = BigInt(await aliceUsdc(node));
  const original = await signedSend(node);
  const raw = TxRaw.decode(original);
  const field = (n: number, b: Uint8Array) => Buffer.concat([Buffer.from([n * 8 + 2, b.length]), b]);
  const copies = {
    "an unknown TxRaw field": Buffer.concat([original, field(4, Uint8Array.of(1))]),
    "auth info before body": Buffer.concat([
      TxRaw.encode({ bodyBytes: new Uint8Array(), authInfoBytes: raw.authInfoBytes, signatures: [] }).finish(),
      TxRaw.encode({ bodyBytes: raw.bodyBytes, authInfoBytes: new Uint8Array(), signatures: raw.signatures }).finish(),
    ]),
    "a non-minimal signature length": Buffer.concat([
      TxRaw.encode({ ...raw, signatures: [] }).finish(),
      Buffer.from([0x1a, 0x80 | raw.signatures[0]!.length, 0x00]),
      raw.signatures[0]!,
    ]),
  };
  for (const [name, copy] of Object.entries(copies)) {
    const r = await broadcast(node, copy);
    t.is(r.code, 2, `${name}: ${r.log}`);
    t.is(r.codespace, "sdk");
    t.regex(r.log, /not canonical \(ADR-027\)/, name);
  }
  const landed = await broadcast(node, original);
  t.is(landed.code, 0, landed.log);
  const h = await latestHeight(node.rpcUrl);
  await waitForHeight(node.rpcUrl, h + 2n);
  const tx = await rpc<{ tx_result: { code: number } }>(node.rpcUrl, "tx", {
    hash: Buffer.from(landed.hash, "hex").toString("base64"),
  });
  t.is(tx.tx_result.code, 0, "the original is found by its hash, committed");
  t.is(BigInt(await aliceUsdc(node)), before - 1n);
});
