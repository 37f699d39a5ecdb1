/**
 * The sequencer's admission without a separate CheckTx (chain/sequencer/admission.ts): a tx
 * is executed on the open height first, and its ante there stands for CheckTx's. It must
 * decide exactly as CheckTx followed by the execution on arrival did. Two sequencers on two
 * copies of one chain take the same stream of txs, honest and not (replays, txs a sequence
 * early from a client and from a peer, fees below the minimum gas price or above the
 * balance, duplicates, bad signatures, garbage), one admitting this way and one as before,
 * with blocks small enough to fill so that CheckTx runs too, against a check state the new
 * way kept up to date: every answer, receipt, block, app hash and mempool must be the same.
 */
import test from "ava";
import fc from "fast-check";
import { sha256 } from "../../../chain/crypto/hash.js";
import type { TxOrigin } from "../../../chain/mempool/mempool.js";
import { ReceiptStatus } from "../../../chain/sequencer/receipt.js";
import type { TxResult } from "../../../chain/types/abci.js";
import { equalBytes, toHex } from "../../../chain/types/bytes.js";
import { account, balance, sendMsg, signTx, testAccount } from "../../unit/runtime/fixture.js";
import { assertAsyncProperty } from "../../helpers/property.js";
import { GENESIS_SECONDS, orderSpec, place, sendBlock, type TradingFixture } from "../trading/fixture.js";
import { proposed } from "./sealed.js";
import { fundedTraders, heightPlan, SEQUENCER, sequencerOn } from "./fixture.js";

const TRADERS = 4;
/** The fixture's minimum gas price is 0.025ustrike: 100,000 ustrike for 4M gas. */
const GAS = 4_000_000;
const FEE = "100000";
/** Room for about five orders: heights fill, and the txs after go through CheckTx. */
const MAX_BLOCK_BYTES = 2_000;

type Kind = "order" | "stale" | "gap" | "peerEarly" | "lowFee" | "hugeFee" | "duplicate" | "badSignature" | "garbage";
const KINDS: readonly Kind[] = [
  "order",
  "order",
  "order",
  "order",
  "order",
  "order",
  "stale",
  "gap",
  "peerEarly",
  "lowFee",
  "hugeFee",
  "duplicate",
  "badSignature",
  "garbage",
];

interface Step {
  kind: Kind;
  trader: number;
  buy: boolean;
  offset: number;
  fromPeer: boolean;
}

const step = fc.record({
  kind: fc.constantFrom(...KINDS),
  trader: fc.integer({ min: 0, max: TRADERS - 1 }),
  buy: fc.boolean(),
  offset: fc.integer({ min: -3, max: 3 }),
  fromPeer: fc.boolean(),
});

const funded = () => fundedTraders(TRADERS);

/** A sequencer on `f` admitting through the ante on arrival (`unchecked`), or through CheckTx first as before. */
function world(f: TradingFixture, unchecked: boolean) {
  const counts = { inCheckTxStead: 0, checkTx: 0 };
  const app = {
    admissibleWithoutState: (tx: Uint8Array, hash: Uint8Array) => f.app.admissibleWithoutState(tx, hash),
    anteMatchesCheckState: (writes: Parameters<typeof f.app.anteMatchesCheckState>[0]) =>
      f.app.anteMatchesCheckState(writes),
    applyAnteToCheckState: (...args: Parameters<typeof f.app.applyAnteToCheckState>) => {
      counts.inCheckTxStead++;
      f.app.applyAnteToCheckState(...args);
    },
  };
  const checkTx = f.app.checkTx.bind(f.app);
  f.app.checkTx = (tx, kind) => {
    if (kind === "new") counts.checkTx++;
    return checkTx(tx, kind);
  };
  return { f, ...sequencerOn(f, { maxBlockBytes: MAX_BLOCK_BYTES, admission: unchecked ? app : null }), counts };
}
type World = ReturnType<typeof world>;

/** What admission answered, as a client or peer sees it (broadcast_tx_commit shows the events too). */
function answer(r: TxResult) {
  return {
    code: r.code,
    codespace: r.codespace,
    log: r.log,
    gasWanted: r.gasWanted,
    gasUsed: r.gasUsed,
    events: r.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => [a.key, a.value, a.index]) })),
  };
}

async function commit(w: World, height: bigint, txs: Uint8Array[]): Promise<Uint8Array> {
  const time = { seconds: GENESIS_SECONDS + height, nanos: 0 };
  const res = w.f.app.finalizeBlock({
    txs,
    height,
    time,
    hash: new Uint8Array(32),
    proposerAddress: SEQUENCER,
    misbehavior: [],
    decidedLastCommit: { votes: [] },
  });
  const batch = w.f.db.batch();
  w.f.app.commit(batch);
  w.mempool.update(txs);
  await batch.write();
  w.receipts.blockCommitted(height, txs, res.txResults, 0);
  w.sequencer.committed(height);
  w.f.height = height;
  return res.appHash;
}

function open(w: World, height: bigint): void {
  w.sequencer.openHeight(heightPlan(height));
}

test("admission through the ante on arrival answers, receipts and commits exactly as CheckTx first did, over random honest and hostile txs", async (t) => {
  const seen = { inCheckTxStead: 0, checkTx: 0, refused: 0, parked: 0, heights: 0, rechecksReplayed: 0 };
  await assertAsyncProperty(
    t,
    fc.asyncProperty(
      fc.array(fc.array(step, { minLength: 3, maxLength: 14 }), { minLength: 3, maxLength: 6 }),
      async (blocks) => {
        // The second world also re-checks its mempool by running every ante again, where the
        // first re-checks from what each tx's ante read on arrival (chain/runtime/anteReplay.ts).
        const [a, b] = [await funded(), await fundedTraders(TRADERS, { replayRechecks: false })];
        const worlds = [world(a.f, true), world(b.f, false)] as const;
        const traders = a.traders;
        const next = new Map<string, bigint>();
        for (const x of traders) next.set(x.address, (await account(a.f, x.address))!.sequence);
        const sign = (s: Step, sequence: bigint, fee = FEE) =>
          signTx(traders[s.trader]!, {
            sequence,
            msgs: [
              place(
                traders[s.trader]!.address,
                orderSpec("ETH-PERP", s.buy ? "buy" : "sell", "1", String(3000 + s.offset)),
              ),
            ],
            fee: { amount: [{ denom: "ustrike", amount: fee }], gas: GAS },
          });
        let last: Uint8Array | undefined;
        /** Peer txs refused for coming early, tried again after each admission (as network.ts does). */
        let parked: Uint8Array[] = [];
        const admitBoth = (tx: Uint8Array, origin: TxOrigin): boolean => {
          const [ra, rb] = worlds.map((w) => w.admit.checkAndAdd(tx, origin));
          t.deepEqual(answer(ra!), answer(rb!), `the answers to ${toHex(sha256(tx)).slice(0, 12)} differ`);
          return ra!.code === 0;
        };
        const retryParked = () => {
          const waiting = parked;
          parked = [];
          for (const tx of waiting) if (!admitBoth(tx, "peer")) parked.push(tx);
        };
        for (const steps of [...blocks, []]) {
          const height = a.f.height + 1n;
          for (const w of worlds) open(w, height);
          for (const s of steps) {
            const address = traders[s.trader]!.address;
            const n = next.get(address)!;
            let tx: Uint8Array;
            let origin: TxOrigin = s.fromPeer ? "peer" : "client";
            switch (s.kind) {
              case "order":
                tx = await sign(s, n);
                next.set(address, n + 1n);
                break;
              case "stale":
                tx = await sign(s, n > 0n ? n - 1n : n + 5n);
                break;
              case "gap":
                tx = await sign(s, n + 2n);
                break;
              case "peerEarly": {
                // The next two of one trader, the second first: from a peer it is held and tried again.
                const [first, second] = [await sign(s, n), await sign({ ...s, offset: s.offset + 1 }, n + 1n)];
                next.set(address, n + 2n);
                origin = "peer";
                if (!admitBoth(second, origin)) parked.push(second);
                tx = first;
                break;
              }
              case "lowFee":
                tx = await sign(s, n, "99999");
                break;
              case "hugeFee":
                tx = await sign(s, n, "1" + "0".repeat(20));
                break;
              case "duplicate":
                tx = last ?? (await sign(s, n + 7n));
                break;
              case "badSignature":
                tx = await signTx(traders[s.trader]!, {
                  sequence: n,
                  msgs: [place(address, orderSpec("ETH-PERP", "buy", "1", "2990"))],
                  fee: { amount: [{ denom: "ustrike", amount: FEE }], gas: GAS },
                  mutateSignature: (sig) => sig.map((x, i) => (i === 5 ? x ^ 1 : x)),
                });
                break;
              case "garbage":
                tx = Uint8Array.of(0x0a, 0x03, 1, 2, 3, s.trader);
                break;
            }
            if (admitBoth(tx, origin)) retryParked();
            else if (origin === "peer" && s.kind === "gap") parked.push(tx);
            last = tx;
          }
          const [sa, sb] = worlds.map((w) => proposed(w.sequencer.sealBlock(height)));
          t.is(sa!.txs.length, sb!.txs.length);
          t.true(
            sa!.txs.every((tx, i) => equalBytes(tx, sb!.txs[i]!)),
            `the blocks at ${height} differ`,
          );
          const [ha, hb] = [await commit(worlds[0], height, sa!.txs), await commit(worlds[1], height, sb!.txs)];
          t.true(equalBytes(ha, hb), `app hashes at ${height} differ`);
          seen.heights++;
        }
        // Every receipt either signed, byte for byte, and the mempools hold the same txs in the same order.
        const [ra, rb] = worlds.map((w) => w.receipts.newest(100_000, () => true));
        t.is(ra!.length, rb!.length);
        for (const [i, r] of ra!.entries()) {
          t.true(equalBytes(r.bytes, rb![i]!.bytes), "a receipt differs");
          t.is(r.stage, rb![i]!.stage);
          if (r.receipt.status === ReceiptStatus.RECEIPT_STATUS_REJECTED) seen.refused++;
        }
        const [ma, mb] = worlds.map((w) => w.mempool.txs(100_000));
        t.is(ma!.length, mb!.length);
        t.true(ma!.every((tx, i) => equalBytes(tx, mb![i]!)));
        seen.parked += parked.length;
        seen.inCheckTxStead += worlds[0].counts.inCheckTxStead;
        seen.checkTx += worlds[0].counts.checkTx;
        seen.rechecksReplayed += a.f.app.reuse.recheckReplayed;
        t.is(b.f.app.reuse.recheckReplayed, 0);
        return true;
      },
    ),
    { numRuns: 6, seed: 20261206 },
  );
  t.log(seen);
  // Both ways were taken: most txs admitted without CheckTx, and CheckTx still for the rest
  // (full heights, refusals), reading the check state the ante on arrival kept.
  t.true(seen.inCheckTxStead > 50, `admitted in CheckTx's stead: ${seen.inCheckTxStead}`);
  t.true(seen.checkTx > 20, `CheckTx runs: ${seen.checkTx}`);
  t.true(seen.refused > 10, `signed refusals: ${seen.refused}`);
  t.true(seen.rechecksReplayed > 10, `re-checks from records: ${seen.rechecksReplayed}`);
});

test("a tx CheckTx admits while the height is full sees the fee and sequence of its signer's tx admitted on arrival before it", async (t) => {
  const { f, traders } = await funded();
  const w = world(f, true);
  const trader = traders[0]!;
  const n = (await account(f, trader.address))!.sequence;
  const order = (sequence: bigint, price: string) =>
    signTx(trader, {
      sequence,
      msgs: [place(trader.address, orderSpec("ETH-PERP", "buy", "1", price))],
      fee: { amount: [{ denom: "ustrike", amount: FEE }], gas: GAS },
    });
  const height = f.height + 1n;
  open(w, height);
  const txs = await Promise.all(Array.from({ length: 8 }, (_, i) => order(n + BigInt(i), String(2990 - i))));
  for (const tx of txs) t.is(w.admit.checkAndAdd(tx).code, 0);
  // The first ones were executed on arrival in CheckTx's stead, the rest (the height full) by CheckTx.
  t.true(w.counts.inCheckTxStead >= 3, `in CheckTx's stead: ${w.counts.inCheckTxStead}`);
  t.true(w.counts.checkTx >= 1, `CheckTx: ${w.counts.checkTx}`);
  t.is(w.counts.inCheckTxStead + w.counts.checkTx, txs.length);
  const receipted = txs.filter((tx) => w.receipts.get(sha256(tx))?.stage === "sequenced");
  t.is(receipted.length, w.counts.inCheckTxStead);
  // The rest are held, and receipted in order at the next height.
  const sealed = proposed(w.sequencer.sealBlock(height));
  await commit(w, height, sealed.txs);
  open(w, height + 1n);
  for (const tx of txs.slice(receipted.length))
    t.is(w.receipts.get(sha256(tx))?.receipt.height, height + 1n, "held and sequenced at the next height");
  // A replay of the first is refused on both counts: its sequence is used.
  const replay = await order(n, "2900");
  t.is(w.admit.checkAndAdd(replay).code, 32);
});

test("a fee under this node's minimum gas price is refused as CheckTx refuses it: nothing executed, the refusal signed", async (t) => {
  const { f, traders } = await funded();
  const w = world(f, true);
  const trader = traders[1]!;
  const n = (await account(f, trader.address))!.sequence;
  const height = f.height + 1n;
  open(w, height);
  const cheap = await signTx(trader, {
    sequence: n,
    msgs: [place(trader.address, orderSpec("ETH-PERP", "sell", "1", "3010"))],
    fee: { amount: [{ denom: "ustrike", amount: "99999" }], gas: GAS },
  });
  const before = (await account(f, trader.address))!.sequence;
  const r = w.admit.checkAndAdd(cheap);
  t.is(r.codespace, "sdk");
  t.is(r.code, 13);
  t.regex(r.log, /insufficient fees/);
  t.is(w.counts.inCheckTxStead, 0);
  t.is(w.receipts.get(sha256(cheap))?.receipt.status, ReceiptStatus.RECEIPT_STATUS_REJECTED);
  t.deepEqual(proposed(w.sequencer.sealBlock(height)).txs, []);
  t.is((await account(f, trader.address))!.sequence, before);
  t.is(w.mempool.size(), 0);
});

test("a fee paid with funds a receipted tx just sent is not taken on arrival: CheckTx refuses it, as it always did", async (t) => {
  const [a, b] = [await funded(), await funded()];
  const payer = a.traders[0]!;
  // A fresh account with a little uusdc and no ustrike at all: it can pay a fee only with what it is sent.
  const fresh = await testAccount(4242, 0n);
  for (const c of [a, b])
    await sendBlock(c.f, [
      { signer: payer, msgs: [sendMsg(payer.address, fresh.address, [{ denom: "uusdc", amount: "1" }])] },
    ]);
  const number = (await account(a.f, fresh.address))!.accountNumber;
  t.is((await account(b.f, fresh.address))!.accountNumber, number);
  const newcomer = await testAccount(4242, number);
  t.is(await balance(a.f, newcomer.address), 0n);
  const funding = await signTx(payer, {
    sequence: (await account(a.f, payer.address))!.sequence,
    msgs: [sendMsg(payer.address, newcomer.address, [{ denom: "ustrike", amount: "150000" }])],
    fee: { amount: [{ denom: "ustrike", amount: FEE }], gas: GAS },
  });
  const spending = await signTx(newcomer, {
    sequence: 0n,
    msgs: [sendMsg(newcomer.address, payer.address, [{ denom: "uusdc", amount: "1" }])],
    fee: { amount: [{ denom: "ustrike", amount: FEE }], gas: GAS },
  });
  const worlds = [world(a.f, true), world(b.f, false)] as const;
  const height = a.f.height + 1n;
  for (const w of worlds) open(w, height);
  for (const w of worlds) t.is(w.admit.checkAndAdd(funding).code, 0);
  t.is(worlds[0].counts.inCheckTxStead, 1);
  // The speculative state holds the funds the first tx moved; the check state does not, and
  // peers' check states do not either: receipted, the tx could not be sequenced again after a
  // revert. So CheckTx decides, and refuses it, either way, with the same signed refusal.
  const [ra, rb] = worlds.map((w) => w.admit.checkAndAdd(spending));
  t.deepEqual(answer(ra!), answer(rb!));
  t.is(ra!.codespace, "sdk");
  t.is(ra!.code, 5, ra!.log);
  t.is(worlds[0].counts.inCheckTxStead, 1);
  for (const w of worlds) {
    t.is(w.receipts.get(sha256(spending))?.receipt.status, ReceiptStatus.RECEIPT_STATUS_REJECTED);
    t.is(proposed(w.sequencer.sealBlock(height)).txs.length, 1);
  }
  t.true(equalBytes(worlds[0].receipts.get(sha256(spending))!.bytes, worlds[1].receipts.get(sha256(spending))!.bytes));
});

test("with a bonded validator, whose begin block pays the fee collector out, txs are still admitted on arrival: executed once, and the outcome is CheckTx-first's", async (t) => {
  const [a, b] = [await fundedTraders(TRADERS, { validator: true }), await fundedTraders(TRADERS, { validator: true })];
  const worlds = [world(a.f, true), world(b.f, false)] as const;
  const traders = a.traders;
  const next = await Promise.all(traders.map(async (x) => (await account(a.f, x.address))!.sequence));
  let admitted = 0;
  for (let round = 0; round < 4; round++) {
    const height = a.f.height + 1n;
    for (const w of worlds) open(w, height);
    const before = worlds[0].counts.checkTx;
    // A maker and a taker per pair of traders: fills, so trading fees too.
    for (const [i, trader] of traders.entries()) {
      const tx = await signTx(trader, {
        sequence: next[i]!++,
        msgs: [place(trader.address, orderSpec("ETH-PERP", i % 2 === 0 ? "buy" : "sell", "1", "3000"))],
        fee: { amount: [{ denom: "ustrike", amount: FEE }], gas: GAS },
      });
      const [ra, rb] = worlds.map((w) => w.admit.checkAndAdd(tx, "client"));
      t.is(ra!.code, 0, ra!.log);
      // The answer of a tx admitted on arrival is its ante's on the speculative state; its gas
      // can differ from CheckTx's by the bytes of the fee collector's balance it rewrote there.
      t.deepEqual({ ...answer(ra!), gasUsed: 0n }, { ...answer(rb!), gasUsed: 0n });
      admitted++;
    }
    // From the second height on the fee collector differs between the two states (the begin
    // block emptied it on the speculative one), and no tx went through CheckTx.
    if (round > 0) t.is(worlds[0].counts.checkTx, before, `CheckTx ran at height ${height}`);
    const [sa, sb] = worlds.map((w) => proposed(w.sequencer.sealBlock(height)));
    t.is(sa!.txs.length, traders.length);
    t.true(sa!.txs.every((tx, i) => equalBytes(tx, sb!.txs[i]!)));
    const [ha, hb] = [await commit(worlds[0], height, sa!.txs), await commit(worlds[1], height, sb!.txs)];
    t.true(equalBytes(ha, hb), `app hashes at ${height} differ`);
  }
  t.true(
    worlds[0].counts.inCheckTxStead >= admitted - traders.length,
    `in CheckTx's stead: ${worlds[0].counts.inCheckTxStead}`,
  );
  const [ra, rb] = worlds.map((w) => w.receipts.newest(100_000, () => true));
  t.is(ra!.length, admitted);
  t.true(
    ra!.every((r, i) => equalBytes(r.bytes, rb![i]!.bytes)),
    "the receipts differ",
  );
});
