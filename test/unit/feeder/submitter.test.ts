import test from "ava";
import { BroadcastTxError } from "@cosmjs/stargate";
import { MsgSubmitPrices } from "../../../chain/codec/generated/strike/oracle/v1/tx.js";
import { decFromString } from "../../../chain/types/fixed/index.js";
import {
  createSequencedSender,
  expectedSequenceOf,
  submitPricesMsg,
  type SignerPosition,
} from "../../../feeder/index.js";

function fakeChain(committedSequence: number) {
  const sent: number[] = [];
  let fetches = 0;
  let mempoolSequence = committedSequence;
  const failures: unknown[] = [];
  return {
    sent,
    failures,
    fetches: () => fetches,
    options: {
      fetchPosition: (): Promise<SignerPosition> => {
        fetches++;
        return Promise.resolve({ accountNumber: 3n, sequence: committedSequence });
      },
      send: (p: SignerPosition): Promise<string> => {
        const failure = failures.shift();
        if (failure !== undefined) return Promise.reject(failure);
        if (p.sequence !== mempoolSequence)
          return Promise.reject(
            new BroadcastTxError(
              32,
              "sdk",
              `account sequence mismatch, expected ${mempoolSequence}, got ${p.sequence}`,
            ),
          );
        sent.push(p.sequence);
        mempoolSequence++;
        return Promise.resolve(`TX${p.sequence}`);
      },
    },
    /** Another client used the key: the node now expects a higher sequence. */
    bump: () => mempoolSequence++,
  };
}

test("the sequence is read once and then advanced locally, one per submission", async (t) => {
  const chain = fakeChain(5);
  const next = createSequencedSender(chain.options);
  t.deepEqual(await next(), { txhash: "TX5", sequence: 5n });
  t.deepEqual(await next(), { txhash: "TX6", sequence: 6n });
  t.deepEqual(await next(), { txhash: "TX7", sequence: 7n });
  t.is(chain.fetches(), 1);
});

test("a sequence mismatch adopts the node's expected sequence and resends at once", async (t) => {
  const chain = fakeChain(5);
  const next = createSequencedSender(chain.options);
  await next();
  chain.bump();
  t.deepEqual(await next(), { txhash: "TX7", sequence: 7n });
  t.deepEqual(await next(), { txhash: "TX8", sequence: 8n });
  t.deepEqual(chain.sent, [5, 7, 8]);
});

test("another rejection is passed on without using up a sequence", async (t) => {
  const chain = fakeChain(5);
  const next = createSequencedSender(chain.options);
  chain.failures.push(new BroadcastTxError(13, "sdk", "insufficient fee"));
  await t.throwsAsync(next(), { message: /insufficient fee/ });
  t.deepEqual(await next(), { txhash: "TX5", sequence: 5n });
});

test("after a transport failure the position is read from the chain again", async (t) => {
  const chain = fakeChain(5);
  const next = createSequencedSender(chain.options);
  chain.failures.push(new Error("fetch failed"));
  await t.throwsAsync(next());
  await next();
  t.is(chain.fetches(), 2);
});

test("expectedSequenceOf reads only the SDK's sequence-mismatch rejection", (t) => {
  t.is(expectedSequenceOf(new BroadcastTxError(32, "sdk", "account sequence mismatch, expected 12, got 9")), 12);
  t.is(expectedSequenceOf(new BroadcastTxError(13, "sdk", "expected 12")), undefined);
  t.is(expectedSequenceOf(new Error("expected 12")), undefined);
});

test("a submission message carries each price in the chain's decimal form", (t) => {
  const msg = submitPricesMsg(
    "strike1feeder",
    new Map([
      ["ETH", decFromString("3001.5")],
      ["BTC", decFromString("65000")],
    ]),
  );
  t.is(msg.typeUrl, "/strike.oracle.v1.MsgSubmitPrices");
  t.deepEqual(MsgSubmitPrices.decode(MsgSubmitPrices.encode(msg.value as MsgSubmitPrices).finish()), {
    feeder: "strike1feeder",
    prices: [
      { asset: "ETH", price: "3001.500000000000000000" },
      { asset: "BTC", price: "65000.000000000000000000" },
    ],
  });
});
