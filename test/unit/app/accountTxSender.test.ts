/**
 * The node's one sender per hot account: concurrent sends from its services never collide,
 * and a sequence another process took is retried at the sequence the node expects, with
 * backoff, counted; a refusal for any other reason is returned, not retried.
 */
import test from "ava";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { AuthInfo, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { createAccountTxSender } from "../../../app/accountTxSender.js";
import { addressToBech32, secp256k1PubKeyToAddressBytes } from "../../../chain/crypto/address.js";
import { createLogger } from "../../../chain/node/logger.js";
import type { QueryResponse, TxResult } from "../../../chain/types/abci.js";

const privKey = new Uint8Array(32).fill(7);
const pubKey = secp256k1.getPublicKey(privKey, true);
const key = { privKey, pubKey, address: addressToBech32(secp256k1PubKeyToAddressBytes(pubKey)) };

/** A mempool's view of one account: the next sequence it takes, and what it admitted. */
function fakeNode(committed: number, quirk?: (sequence: number) => TxResult | undefined) {
  const node = { expected: committed, admitted: [] as number[], refused: 0 };
  const result = (code: number, codespace: string, log: string): TxResult =>
    ({ code, codespace, log, data: new Uint8Array(), gasWanted: 0n, gasUsed: 0n, events: [], info: "" }) as TxResult;
  return {
    node,
    query: async (): Promise<QueryResponse> =>
      ({
        code: 0,
        codespace: "",
        log: "",
        value: QueryAccountResponse.encode({
          account: {
            typeUrl: "/cosmos.auth.v1beta1.BaseAccount",
            value: BaseAccount.encode({
              address: key.address,
              accountNumber: 4n,
              sequence: BigInt(committed),
            }).finish(),
          },
        }).finish(),
      }) as QueryResponse,
    submitTx(tx: Uint8Array): TxResult {
      const sequence = Number(AuthInfo.decode(TxRaw.decode(tx).authInfoBytes).signerInfos[0]!.sequence);
      const forced = quirk?.(sequence);
      if (forced !== undefined) return forced;
      if (sequence !== node.expected) {
        node.refused += 1;
        return result(32, "sdk", `account sequence mismatch, expected ${node.expected}, got ${sequence}`);
      }
      node.admitted.push(sequence);
      node.expected += 1;
      return result(0, "", "");
    },
    result,
  };
}

const msg = (n: number) => [
  {
    typeUrl: "/cosmos.bank.v1beta1.MsgSend",
    value: { fromAddress: key.address, toAddress: key.address, amount: [{ denom: "ustrike", amount: String(n) }] },
  },
];
const fee = { amount: [{ denom: "ustrike", amount: "5000" }], gas: "200000" };
const quiet = createLogger({ level: "error", write: () => undefined });

test("concurrent sends of three services take consecutive sequences, none refused", async (t) => {
  const f = fakeNode(10);
  const sender = await createAccountTxSender({
    key,
    chainId: "c",
    query: f.query,
    submitTx: f.submitTx,
    logger: quiet,
  });
  const sent = await Promise.all(
    ["feeder", "bridge", "checkpoint", "feeder", "checkpoint"].map((s, i) => sender.send(s, msg(i + 1), fee)),
  );
  t.deepEqual(
    sent.map((s) => s.result.code),
    [0, 0, 0, 0, 0],
  );
  t.deepEqual(f.node.admitted, [10, 11, 12, 13, 14]);
  t.deepEqual(
    sent.map((s) => s.sequence),
    [10n, 11n, 12n, 13n, 14n],
  );
  t.is(f.node.refused, 0);
});

test("a sequence another process took is retried at the one the node expects, with backoff, and counted", async (t) => {
  const f = fakeNode(3);
  const retries: string[] = [];
  const sender = await createAccountTxSender({
    key,
    chainId: "c",
    query: f.query,
    submitTx: f.submitTx,
    logger: quiet,
    onRetry: (service, reason) => retries.push(`${service}/${reason}`),
    backoffMs: 1,
  });
  t.is((await sender.send("checkpoint", msg(1), fee)).result.code, 0);
  f.node.expected += 2; // someone else sent two txs with the key
  const r = await sender.send("checkpoint", msg(2), fee);
  t.is(r.result.code, 0);
  t.is(r.sequence, 6n);
  t.deepEqual(retries, ["checkpoint/sequence"]);
  t.deepEqual(f.node.admitted, [3, 6]);
});

test("a sequence that keeps moving is given up after the attempts, and the next send starts from the chain's view", async (t) => {
  const f = fakeNode(0);
  let thief = true;
  const sender = await createAccountTxSender({
    key,
    chainId: "c",
    query: f.query,
    submitTx: (tx) => {
      if (thief) f.node.expected += 1; // another sender always gets in first
      return f.submitTx(tx);
    },
    logger: quiet,
    attempts: 3,
    backoffMs: 1,
  });
  const lost = await sender.send("feeder", msg(1), fee);
  t.is(lost.result.code, 32);
  t.is(f.node.refused, 3, "three attempts, then the refusal is returned");
  thief = false;
  f.node.expected = 0; // as the committed state says (the fake's account query answers 0)
  const ok = await sender.send("feeder", msg(2), fee);
  t.is(ok.result.code, 0);
  t.is(ok.sequence, 0n);
});

test("a refusal that is not about the sequence is returned at once, not retried", async (t) => {
  let calls = 0;
  const f = fakeNode(0, () => {
    calls += 1;
    return f.result(13, "sdk", "insufficient fee");
  });
  const retries: string[] = [];
  const sender = await createAccountTxSender({
    key,
    chainId: "c",
    query: f.query,
    submitTx: f.submitTx,
    logger: quiet,
    onRetry: (s) => retries.push(s),
  });
  const r = await sender.send("bridge", msg(1), fee);
  t.is(r.result.code, 13);
  t.is(calls, 1);
  t.deepEqual(retries, []);
});
