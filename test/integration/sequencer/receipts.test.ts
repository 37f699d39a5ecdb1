/**
 * Soft finality on the in-process app: a sequencer executes random orders on arrival and
 * signs receipts; its sealed blocks are then executed as validators do (on its own app
 * and on an independent one). Every receipt must be honoured by the committed block:
 * same height, index, tx, result hash, code and fills.
 */
import test, { type ExecutionContext } from "ava";
import fc from "fast-check";
import { TimeInForce } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { Fill } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { fillsFromEvents } from "../../../chain/sequencer/fills.js";
import { falseFills } from "../../../chain/sequencer/receiptTrades.js";
import { provenResultData } from "../../../chain/sequencer/receiptResult.js";
import { ReceiptStatus, verifyReceipt } from "../../../chain/sequencer/receipt.js";
import { resultHashOf, type StoredReceipt } from "../../../chain/sequencer/receiptStore.js";
import { proposed } from "./sealed.js";
import { fundedTraders, heightPlan, SEQUENCER, sequencerOn } from "./fixture.js";
import type { FinalizeBlockResponse } from "../../../chain/types/abci.js";
import { equalBytes, toHex } from "../../../chain/types/bytes.js";
import { account, CHAIN_ID, signTx } from "../../unit/runtime/fixture.js";
import { assertAsyncProperty } from "../../helpers/property.js";
import { GENESIS_SECONDS, orderSpec, place, type TradingFixture } from "../trading/fixture.js";

const TRADERS = 5;
const MARKETS = [
  { id: "ETH-PERP", mid: 3000 },
  { id: "BTC-PERP", mid: 60000 },
];
const TIFS = [TimeInForce.TIME_IN_FORCE_GTC, TimeInForce.TIME_IN_FORCE_IOC, TimeInForce.TIME_IN_FORCE_POST_ONLY];

interface Action {
  trader: number;
  market: number;
  buy: boolean;
  offset: number;
  size: number;
  tif: number;
  /** Re-use a sequence already spent: the sequencer must refuse it with a signed rejection. */
  stale: boolean;
  /** Arrives after the proposal is sealed: receipted in the next height. */
  late: boolean;
}

const action = fc.record({
  trader: fc.integer({ min: 0, max: TRADERS - 1 }),
  market: fc.integer({ min: 0, max: MARKETS.length - 1 }),
  buy: fc.boolean(),
  offset: fc.integer({ min: -3, max: 3 }),
  size: fc.integer({ min: 1, max: 4 }),
  tif: fc.integer({ min: 0, max: TIFS.length - 1 }),
  stale: fc.integer({ min: 0, max: 14 }).map((n) => n === 0),
  late: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

const funded = () => fundedTraders(TRADERS);

async function finalize(f: TradingFixture, txs: Uint8Array[], height: bigint, seconds: bigint) {
  const res = f.app.finalizeBlock({
    txs,
    height,
    time: { seconds, nanos: 0 },
    hash: new Uint8Array(32),
    proposerAddress: SEQUENCER,
    misbehavior: [],
    decidedLastCommit: { votes: [] },
  });
  const batch = f.db.batch();
  f.app.commit(batch);
  await batch.write();
  f.height = height;
  return res;
}

function sameFills(a: Fill[], b: Fill[]): boolean {
  return a.length === b.length && a.every((x, i) => equalBytes(Fill.encode(x).finish(), Fill.encode(b[i]!).finish()));
}

/** The receipts of `height` against the block and its results, checked field by field. */
function honoured(t: ExecutionContext, rs: StoredReceipt[], txs: Uint8Array[], res: FinalizeBlockResponse): boolean {
  for (const r of rs) {
    const i = r.receipt.index;
    const tx = txs[i];
    const result = res.txResults[i];
    if (tx === undefined || result === undefined) return false;
    if (!equalBytes(sha256(tx), r.receipt.txHash)) return false;
    if (!equalBytes(resultHashOf(result), r.receipt.resultHash)) return false;
    if (result.code !== r.receipt.code || result.codespace !== r.receipt.codespace) return false;
    if (!sameFills(fillsFromEvents(result.events), r.receipt.fills)) return false;
    // The result the receipt carries is the committed one, and proven by its result hash.
    const data = provenResultData(r.receipt);
    if (data === undefined || !equalBytes(data, result.data)) return false;
    if (r.receipt.gasUsed !== result.gasUsed || r.receipt.gasWanted !== result.gasWanted) return false;
    // Its fills are the trades that result records: an honest receipt never contradicts itself.
    if (falseFills(r.receipt) !== undefined) return false;
    t.notThrows(() => verifyReceipt(r.signed, { chainId: CHAIN_ID, sequencerAddress: SEQUENCER }));
  }
  return true;
}

test("every receipt of random orders over many blocks is honoured by the committed block", async (t) => {
  let totalFills = 0;
  let totalReceipts = 0;
  let totalRejections = 0;
  await assertAsyncProperty(
    t,
    fc.asyncProperty(
      fc.array(fc.array(action, { minLength: 4, maxLength: 16 }), { minLength: 5, maxLength: 8 }),
      async (blocks) => {
        const { f, traders } = await funded();
        const validator = await funded();
        const { receipts, mempool, sequencer, admit } = sequencerOn(f);
        const sequences = new Map<string, bigint>();
        for (const a of traders) sequences.set(a.address, (await account(f, a.address))!.sequence);
        let stale: Uint8Array[] = [];
        const sign = async (a: Action, spent: boolean) => {
          const trader = traders[a.trader]!;
          const next = sequences.get(trader.address)!;
          const m = MARKETS[a.market]!;
          const spec = orderSpec(m.id, a.buy ? "buy" : "sell", String(a.size), String(m.mid + a.offset), {
            timeInForce: TIFS[a.tif]!,
          });
          if (!spent) sequences.set(trader.address, next + 1n);
          return signTx(trader, {
            sequence: spent ? next - 1n : next,
            msgs: [place(trader.address, spec)],
            fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 },
          });
        };
        let late: Uint8Array[] = [];
        for (const actions of [...blocks, []]) {
          const height = f.height + 1n;
          const seconds = GENESIS_SECONDS + height;
          sequencer.openHeight(heightPlan(height));
          // Txs that arrived while the previous proposal was sealed are receipted at the opening, in arrival order.
          const firstIndexes = late.map((tx) => receipts.get(sha256(tx)));
          if (!firstIndexes.every((r, i) => r?.receipt.height === height && r.receipt.index === i)) return false;
          late = [];
          for (const a of actions.filter((x) => !x.late)) {
            const tx = await sign(a, a.stale && sequences.get(traders[a.trader]!.address)! > 0n);
            const check = admit.checkAndAdd(tx);
            const r = receipts.get(sha256(tx));
            if (r === undefined) return false;
            if (check.code !== 0) {
              if (r.receipt.status !== ReceiptStatus.RECEIPT_STATUS_REJECTED) return false;
              stale.push(tx);
            } else if (r.receipt.status !== ReceiptStatus.RECEIPT_STATUS_SEQUENCED || r.receipt.height !== height) {
              return false;
            }
          }
          const sealed = proposed(sequencer.sealBlock(height));
          for (const a of actions.filter((x) => x.late)) {
            const tx = await sign(a, false);
            if (admit.checkAndAdd(tx).code !== 0 || receipts.get(sha256(tx)) !== undefined) return false;
            late.push(tx);
          }
          const res = await finalize(f, sealed.txs, height, seconds);
          const resV = await finalize(validator.f, sealed.txs, height, seconds);
          if (!equalBytes(res.appHash, resV.appHash)) return false;
          mempool.update(sealed.txs);
          receipts.blockCommitted(height, sealed.txs, res.txResults, 0);
          sequencer.committed(height);
          const mine = sealed.txs.map((tx) => receipts.get(sha256(tx))!);
          if (mine.some((r) => r === undefined || r.stage !== "committed")) return false;
          if (!honoured(t, mine, sealed.txs, resV)) return false;
          // A rejected tx is never in the block.
          const inBlock = new Set(sealed.txs.map((tx) => toHex(sha256(tx))));
          if (stale.some((tx) => inBlock.has(toHex(sha256(tx))))) return false;
          totalRejections += stale.length;
          stale = [];
          totalReceipts += mine.length;
          totalFills += mine.reduce((n, r) => n + r.receipt.fills.length, 0);
        }
        return true;
      },
    ),
    { numRuns: 4, seed: 20261202 },
  );
  // The property is only meaningful if the random orders really traded and were refused sometimes.
  t.log(`receipts ${totalReceipts}, fills ${totalFills}, rejections ${totalRejections}`);
  t.true(totalReceipts > 50, `receipts: ${totalReceipts}`);
  t.true(totalFills > 10, `fills: ${totalFills}`);
  t.true(totalRejections > 0, `rejections: ${totalRejections}`);
});

test("a peer's order that overtook its predecessor gets no signed rejection; tried again after it, it is receipted next; a client's early tx is still refused, signed", async (t) => {
  const { f, traders } = await funded();
  const { receipts, sequencer, admit } = sequencerOn(f);
  const height = f.height + 1n;
  sequencer.openHeight(heightPlan(height));
  const trader = traders[0]!;
  const next = (await account(f, trader.address))!.sequence;
  const order = (sequence: bigint, price: string) =>
    signTx(trader, {
      sequence,
      msgs: [place(trader.address, orderSpec("ETH-PERP", "buy", "1", price))],
      fee: { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 },
    });
  const [first, second] = [await order(next, "2900"), await order(next + 1n, "2901")];
  // The second came first, from a peer: refused for its sequence, and nothing signed.
  const early = admit.checkAndAdd(second, "peer");
  t.is(early.code, 32);
  t.is(receipts.get(sha256(second)), undefined, "no signed rejection for a tx the node holds for another try");
  t.is(admit.checkAndAdd(first, "peer").code, 0);
  // Tried again (network.ts does so once a tx of its signer is admitted): receipted right after it.
  t.is(admit.checkAndAdd(second, "peer").code, 0);
  const [r1, r2] = [receipts.get(sha256(first))!, receipts.get(sha256(second))!];
  t.like(r1.receipt, { status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED, height, index: 0 });
  t.like(r2.receipt, { status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED, height, index: 1 });
  // A client's own early tx is told at once, signed; a late one from a peer too (it can never be valid).
  const gap = await order(next + 3n, "2902");
  t.is(admit.checkAndAdd(gap).code, 32);
  t.is(receipts.get(sha256(gap))?.receipt.status, ReceiptStatus.RECEIPT_STATUS_REJECTED);
  const replay = await order(next, "2903");
  t.is(admit.checkAndAdd(replay, "peer").code, 32);
  t.is(receipts.get(sha256(replay))?.receipt.status, ReceiptStatus.RECEIPT_STATUS_REJECTED);
});
