/** The node-wide write budget's rules (chain/rpc/sendBudget.ts), on fake holders. */
import test from "ava";
import { createSendBudget, type SendBudget, type SendLedger } from "../../../chain/rpc/sendBudget.js";

interface FakeHolder {
  ledger: SendLedger;
  cutReason: string | undefined;
  dropped: boolean;
}

/** A holder whose bytes all sit in its socket: a cut leaves them counted until it is dropped or closes. */
function holder(budget: SendBudget, label: string): FakeHolder {
  const h: FakeHolder = { ledger: undefined as never, cutReason: undefined, dropped: false };
  h.ledger = budget.open({
    label,
    cut: (reason) => (h.cutReason = reason),
    drop: () => {
      h.dropped = true;
      h.ledger.close();
    },
  });
  return h;
}

test("the total never passes the limit: the biggest holders are cut first, down to three quarters", (t) => {
  const budget = createSendBudget(1000);
  const a = holder(budget, "a");
  const b = holder(budget, "b");
  const c = holder(budget, "c");
  t.true(a.ledger.reserve(500));
  t.true(b.ledger.reserve(300));
  t.true(c.ledger.reserve(100));
  // 900 + 200 > 1000: a (500) is cut; 400 + 200 fits under 750 once a's bytes are gone.
  t.true(c.ledger.reserve(200));
  t.regex(a.cutReason ?? "", /write buffers full; 500 bytes unread here/);
  t.is(b.cutReason, undefined);
  t.is(c.cutReason, undefined);
  t.true(a.dropped, "a's bytes were needed at once, so it was dropped rather than left to close");
  t.true(budget.stats().queued <= 1000);
  t.is(budget.stats().peak, 900);
  t.is(budget.stats().cut, 1);
});

test("a holder that holds the most is cut, and its own answer refused", (t) => {
  const budget = createSendBudget(1000);
  const a = holder(budget, "a");
  const b = holder(budget, "b");
  t.true(a.ledger.reserve(800));
  t.true(b.ledger.reserve(100));
  t.false(a.ledger.reserve(300));
  t.truthy(a.cutReason);
  t.false(a.ledger.open);
  t.false(a.ledger.reserve(1), "a cut holder queues nothing more");
  t.true(budget.stats().queued <= 1000);
});

test("bytes released after a close give nothing back twice", (t) => {
  const budget = createSendBudget(1000);
  const a = holder(budget, "a");
  t.true(a.ledger.reserve(400));
  a.ledger.release(100);
  a.ledger.close();
  a.ledger.release(300);
  t.is(budget.stats().queued, 0);
});

test("a body shared by many holders counts once in the total, in full for each holder", (t) => {
  const budget = createSendBudget(1000);
  const body = Buffer.alloc(600);
  const holders = Array.from({ length: 10 }, (_, i) => holder(budget, `s${i}`));
  for (const h of holders) t.true(h.ledger.reserveShared(body));
  t.is(budget.stats().queued, 600);
  t.is(holders[0]!.ledger.held, 600);
  for (const h of holders.slice(0, 9)) h.ledger.releaseShared(body);
  t.is(budget.stats().queued, 600, "still held by one");
  holders[9]!.ledger.close();
  t.is(budget.stats().queued, 0);
  t.true(holders.every((h) => h.cutReason === undefined));
});

test("new requests are refused while the budget is spent by bytes on their way out", (t) => {
  const budget = createSendBudget(1000);
  const a = holder(budget, "a");
  t.true(budget.admits());
  t.true(a.ledger.reserve(499));
  t.false(budget.underPressure());
  a.ledger.release(499);
  t.true(a.ledger.reserve(1000));
  t.true(budget.underPressure());
  t.false(budget.admits());
  a.ledger.close();
  t.true(budget.admits());
});
