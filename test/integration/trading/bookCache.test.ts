/**
 * The in-memory order book (modules/orderbook/bookCache.ts) is a cache: on random order
 * streams, an app reading the book from it and an app reading it through the store's
 * iterators give the same results (codes, gas used, events, data) for every tx, the same
 * end-block events and the same app hash after every block. The streams mix resting, IOC,
 * FOK, post-only, market, reduce-only and self-trading orders, cancels, replaces, bundles,
 * parked stops, expiring orders, oracle moves, txs that fail after writing to the book and
 * txs that run out of gas in the middle of a book walk. The cached app also executes each
 * block speculatively first (the sequencer's branch), and one run restarts it mid-history
 * from its database, so that the cache is rebuilt from committed state. The cached app also
 * reads params, market definitions and prices from memory (chain/runtime/valueCache.ts);
 * the plain one reads them from the store.
 */
import test from "ava";
import fc from "fast-check";
import type { EncodeObject } from "@cosmjs/proto-signing";
import { toHex } from "@cosmjs/encoding";
import { createStrikeApp } from "../../../app/strikeApp.js";
import {
  SelfTradePrevention,
  TimeInForce,
  OrderType,
  TriggerType,
} from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { verifySecp256k1Digest } from "../../../chain/crypto/secp256k1.js";
import { parseDecCoins } from "../../../chain/runtime/coins.js";
import { openStateStore } from "../../../chain/store/stateStore.js";
import type { FinalizeBlockResponse, TxResult } from "../../../chain/types/abci.js";
import { bookCacheReads, setBookCacheMode, type BookCacheMode } from "../../../modules/orderbook/bookReads.js";
import { setValueCacheMode, valueCacheReads } from "../../../chain/runtime/valueCache.js";
import { account, signTx, type TestAccount } from "../../unit/runtime/fixture.js";
import {
  createTradingFixture,
  deposit,
  nextBlockTime,
  orderSpec,
  place,
  submitPrice,
  type TradingFixture,
} from "./fixture.js";
import { batchCancel, cancelAll, cancelOrder, leg, placeBundle, replaceOrder } from "./messages.js";

const TRADERS = 5;

type Step =
  | {
      kind: "place";
      who: number;
      market: number;
      buy: boolean;
      ticks: number;
      lots: number;
      tif: number;
      extra: number;
      client: number;
    }
  | { kind: "cancel"; who: number; client: number }
  | { kind: "cancelAll"; who: number }
  | { kind: "replace"; who: number; client: number; buy: boolean; ticks: number; lots: number }
  | { kind: "batch"; who: number; clients: number[] }
  | { kind: "bundle"; who: number; buy: boolean; ticks: number; lots: number }
  | { kind: "price"; ticks: number };

interface TxPlan {
  steps: Step[];
  /** Append a post-only order that crosses: the whole tx fails after the steps wrote to the book. */
  failAtEnd: boolean;
  gas: number;
}

const who = fc.integer({ min: 0, max: TRADERS - 1 });
const client = fc.integer({ min: 1, max: 6 });
const ticks = fc.integer({ min: -12, max: 12 });
const lots = fc.integer({ min: 1, max: 40 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant("place" as const),
      who,
      market: fc.integer({ min: 0, max: 4 }),
      buy: fc.boolean(),
      ticks,
      lots,
      tif: fc.integer({ min: 0, max: 9 }),
      extra: fc.integer({ min: 0, max: 9 }),
      client: fc.integer({ min: 0, max: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), who, client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancelAll" as const), who }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("replace" as const), who, client, buy: fc.boolean(), ticks, lots }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("batch" as const),
      who,
      clients: fc.uniqueArray(client, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("bundle" as const), who, buy: fc.boolean(), ticks, lots }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("price" as const), ticks: fc.integer({ min: -40, max: 40 }) }),
  },
);
const txPlan: fc.Arbitrary<TxPlan> = fc.record({
  steps: fc.oneof(
    { weight: 3, arbitrary: fc.array(step, { minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.array(step, { minLength: 2, maxLength: 4 }) },
  ),
  failAtEnd: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  // Most txs have room; some run out somewhere in their book walks.
  gas: fc.constantFrom(4_000_000, 4_000_000, 4_000_000, 4_000_000, 120_000, 160_000, 200_000),
});
const stream = fc.array(fc.array(txPlan, { minLength: 2, maxLength: 8 }), { minLength: 10, maxLength: 18 });

const ethPrice = (t: number): string => (3000 + t * 0.5).toFixed(1);

function orderMsgs(f: TradingFixture, s: Step): EncodeObject[] {
  const traders = f.accounts.slice(1, 1 + TRADERS);
  if (s.kind === "price") return [];
  const a = traders[s.who]!.address;
  switch (s.kind) {
    case "place": {
      const tifs = [
        TimeInForce.TIME_IN_FORCE_GTC,
        TimeInForce.TIME_IN_FORCE_GTC,
        TimeInForce.TIME_IN_FORCE_GTC,
        TimeInForce.TIME_IN_FORCE_IOC,
        TimeInForce.TIME_IN_FORCE_IOC,
        TimeInForce.TIME_IN_FORCE_POST_ONLY,
        TimeInForce.TIME_IN_FORCE_POST_ONLY,
        TimeInForce.TIME_IN_FORCE_FOK,
        TimeInForce.TIME_IN_FORCE_GTC,
        TimeInForce.TIME_IN_FORCE_GTC,
      ];
      const extra = {
        // A market order is IOC or FOK.
        timeInForce: s.extra === 2 && s.tif !== 7 ? TimeInForce.TIME_IN_FORCE_IOC : tifs[s.tif]!,
        clientId: BigInt(s.client),
        reduceOnly: s.extra === 1,
        orderType: s.extra === 2 ? OrderType.ORDER_TYPE_MARKET : OrderType.ORDER_TYPE_LIMIT,
        selfTrade: [
          SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_MAKER,
          SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_TAKER,
          SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_BOTH,
        ][s.extra % 3]!,
        selfTradeAllSubaccounts: s.extra === 4,
        goodTilBlock: s.extra === 5 ? f.height + 3n : 0n,
        ...(s.extra === 6
          ? { triggerType: TriggerType.TRIGGER_TYPE_STOP, triggerPrice: ethPrice(s.buy ? 6 : -6) }
          : {}),
      };
      if (s.market === 4) {
        const price = String(60_000 + s.ticks * 10);
        return [place(a, orderSpec("BTC-PERP", s.buy ? "buy" : "sell", (s.lots / 1000).toFixed(4), price, extra))];
      }
      const side = s.buy ? "buy" : "sell";
      return [place(a, orderSpec("ETH-PERP", side, (s.lots / 100).toFixed(3), ethPrice(s.ticks), extra), s.who % 2)];
    }
    case "cancel":
      return [cancelOrder(a, "ETH-PERP", { clientId: BigInt(s.client) })];
    case "cancelAll":
      return [cancelAll(a, s.who % 2 === 0 ? "ETH-PERP" : "")];
    case "replace":
      return [
        replaceOrder(
          a,
          BigInt(s.client),
          orderSpec("ETH-PERP", s.buy ? "buy" : "sell", (s.lots / 100).toFixed(3), ethPrice(s.ticks), {
            clientId: BigInt(s.client),
          }),
        ),
      ];
    case "batch":
      return [batchCancel(a, "ETH-PERP", s.clients.map(BigInt))];
    case "bundle":
      return [
        placeBundle(a, [
          leg("ETH-PERP", s.buy ? "buy" : "sell", (s.lots / 100).toFixed(3), ethPrice(s.ticks + (s.buy ? 8 : -8))),
          leg("BTC-PERP", s.buy ? "sell" : "buy", "0.0010", String(60_000 + (s.buy ? -200 : 200))),
        ]),
      ];
  }
}

/** Signs a block's txs with the sequences `f` shows (both apps show the same ones, or the test fails anyway). */
async function signBlock(f: TradingFixture, plans: TxPlan[]): Promise<Uint8Array[]> {
  const traders = f.accounts.slice(1, 1 + TRADERS);
  const used = new Map<string, bigint>();
  const out: Uint8Array[] = [];
  for (const plan of plans) {
    for (const s of plan.steps.filter((x) => x.kind === "price")) {
      const feeder = f.feeder;
      const seq = used.get(feeder.address) ?? (await account(f, feeder.address))?.sequence ?? 0n;
      used.set(feeder.address, seq + 1n);
      const msgs = [submitPrice(feeder.address, "ETH", ethPrice(s.ticks))];
      out.push(
        await signTx(feeder, {
          sequence: seq,
          msgs,
          fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 400_000 },
        }),
      );
    }
    const signerIndex = plan.steps.find((x) => x.kind !== "price")?.who;
    if (signerIndex === undefined) continue;
    // Every message of a tx is the first step's trader's (the tx has one signer).
    const signer: TestAccount = traders[signerIndex]!;
    const msgs = plan.steps.flatMap((s) => (s.kind === "price" ? [] : orderMsgs(f, { ...s, who: signerIndex })));
    if (plan.failAtEnd)
      msgs.push(
        place(
          signer.address,
          orderSpec("ETH-PERP", "buy", "0.010", "3100.0", { timeInForce: TimeInForce.TIME_IN_FORCE_POST_ONLY }),
        ),
      );
    const seq = used.get(signer.address) ?? (await account(f, signer.address))?.sequence ?? 0n;
    used.set(signer.address, seq + 1n);
    out.push(
      await signTx(signer, {
        sequence: seq,
        msgs,
        fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: plan.gas },
      }),
    );
  }
  return out;
}

function resultText(r: TxResult): string {
  return JSON.stringify({
    code: r.code,
    codespace: r.codespace,
    log: r.log,
    gasUsed: String(r.gasUsed),
    gasWanted: String(r.gasWanted),
    data: toHex(r.data),
    events: r.events,
  });
}

function blockText(res: FinalizeBlockResponse): string[] {
  return [...res.txResults.map(resultText), JSON.stringify(res.events), toHex(res.appHash)];
}

/** Runs one block with the book read as `mode` says; the cached app may first execute it speculatively. */
async function runBlock(
  f: TradingFixture,
  txs: Uint8Array[],
  mode: BookCacheMode,
  speculate: boolean,
): Promise<{ res: FinalizeBlockResponse; speculative: string[] }> {
  const previous = setBookCacheMode(mode);
  const previousValues = setValueCacheMode(mode);
  try {
    const time = { seconds: nextBlockTime(f), nanos: 0 };
    const height = f.height + 1n;
    const speculative: string[] = [];
    if (speculate) {
      const spec = f.app.openSpeculativeBlock({
        height,
        time,
        misbehavior: [],
        decidedLastCommit: { votes: [] },
        proposerAddress: new Uint8Array(20),
      });
      for (const tx of txs) speculative.push(resultText(spec.execute(tx).result));
    }
    f.height = height;
    const res = f.app.finalizeBlock({
      txs,
      height,
      time,
      hash: new Uint8Array(32),
      proposerAddress: new Uint8Array(20),
      misbehavior: [],
    });
    const batch = f.db.batch();
    f.app.commit(batch);
    await batch.write();
    return { res, speculative };
  } finally {
    setBookCacheMode(previous);
    setValueCacheMode(previousValues);
  }
}

async function fixtures(): Promise<[TradingFixture, TradingFixture]> {
  const make = () => createTradingFixture({ accounts: TRADERS + 2 });
  const a = await make();
  const b = await make();
  const traders = a.accounts.slice(1, 1 + TRADERS);
  const setup = async (f: TradingFixture, mode: BookCacheMode) => {
    const txs: Uint8Array[] = [];
    for (const [i, t] of traders.entries()) {
      // Trader 4 is thin: its orders run into margin checks (a failing taker, makers set aside).
      const usdc = i === 4 ? 30n : 50_000n;
      txs.push(
        await signTx(t, {
          sequence: 0n,
          msgs: [deposit(t.address, usdc), deposit(t.address, usdc, 1)],
          fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 1_000_000 },
        }),
      );
    }
    const { res } = await runBlock(f, txs, mode, false);
    for (const r of res.txResults) if (r.code !== 0) throw new TypeError(`deposit failed: ${r.log}`);
  };
  await setup(a, "on");
  await setup(b, "off");
  return [a, b];
}

/** Reopens a fixture's app from its database: the cache starts empty and is rebuilt from committed state. */
async function restart(f: TradingFixture): Promise<void> {
  const state = await openStateStore({ db: f.db, keepRecent: 0 });
  f.state = state;
  f.app = createStrikeApp({ state, minGasPrices: parseDecCoins("0.025ustrike"), verify: verifySecp256k1Digest });
}

test("on random order streams the cached book and the store's iterators give the same results, gas and app hash", async (t) => {
  const readsBefore = bookCacheReads();
  const valueReadsBefore = valueCacheReads();
  const seen = { trades: 0, outOfGas: 0, failed: 0 };
  let run = 0;
  await fc.assert(
    fc.asyncProperty(stream, async (blocks) => {
      run++;
      const [cached, plain] = await fixtures();
      for (const [i, plans] of blocks.entries()) {
        if (run === 1 && i === Math.floor(blocks.length / 2)) await restart(cached);
        const txs = await signBlock(plain, plans);
        const a = await runBlock(cached, txs, "on", i % 2 === 0);
        const b = await runBlock(plain, txs, "off", false);
        const expected = blockText(b.res);
        for (const r of b.res.txResults) {
          seen.trades += r.events.filter((e) => e.type === "trade").length;
          if (r.code === 11 && r.codespace === "sdk") seen.outOfGas++;
          else if (r.code !== 0) seen.failed++;
        }
        t.deepEqual(blockText(a.res), expected, `block ${i + 2}`);
        if (a.speculative.length > 0)
          t.deepEqual(a.speculative, expected.slice(0, txs.length), `speculative block ${i + 2}`);
      }
    }),
    { numRuns: 5, seed: 20261202, endOnFailure: true },
  );
  // The streams did what they are for: fills, txs failing after book writes, gas running out.
  t.true(seen.trades > 0 && seen.outOfGas > 0 && seen.failed > 0, JSON.stringify(seen));
  t.true(bookCacheReads() > readsBefore, "the cached app read the book from the cache");
  t.true(valueCacheReads() > valueReadsBefore, "the cached app read params, markets and prices from memory");
});
