import test from "ava";
import { compareDecimals, parseQuery, type EventMap } from "../../../chain/indexer/query.js";
import { indexerErrors } from "../../../chain/indexer/errors.js";

const events = (o: Record<string, string[]>): EventMap => new Map(Object.entries(o));

test("conditions joined by AND are parsed with their operators and typed values", (t) => {
  const q = parseQuery(
    "tm.event = 'Tx' AND tx.height>=5 AND transfer.amount CONTAINS 'stake' AND message.sender EXISTS",
  );
  t.deepEqual(
    q.conditions.map((c) => [c.key, c.op, c.value?.kind]),
    [
      ["tm.event", "=", "string"],
      ["tx.height", ">=", "number"],
      ["transfer.amount", "CONTAINS", "string"],
      ["message.sender", "EXISTS", undefined],
    ],
  );
});

test("TIME and DATE literals are parsed and compared as instants", (t) => {
  const q = parseQuery("block.time >= TIME 2024-01-02T03:04:05Z AND block.day < DATE 2024-02-01");
  t.true(q.matches(events({ "block.time": ["2024-01-02T03:04:05.5Z"], "block.day": ["2024-01-31"] })));
  t.false(q.matches(events({ "block.time": ["2024-01-02T03:04:04Z"], "block.day": ["2024-01-31"] })));
  t.false(q.matches(events({ "block.time": ["2024-01-03T00:00:00Z"], "block.day": ["2024-02-01"] })));
});

test("a condition holds when any value under its key satisfies it", (t) => {
  const q = parseQuery("transfer.recipient = 'bob'");
  t.true(q.matches(events({ "transfer.recipient": ["alice", "bob"] })));
  t.false(q.matches(events({ "transfer.recipient": ["alice"] })));
  t.false(q.matches(events({})));
});

test("numeric comparisons are exact and use the leading number of a value like 100stake", (t) => {
  t.true(parseQuery("transfer.amount > 99").matches(events({ "transfer.amount": ["100stake"] })));
  t.false(parseQuery("transfer.amount > 100").matches(events({ "transfer.amount": ["100stake"] })));
  t.true(parseQuery("x.v = 1.50").matches(events({ "x.v": ["1.5"] })));
  t.true(parseQuery("x.v < 0.30000000000000000001").matches(events({ "x.v": ["0.3"] })));
  t.false(parseQuery("x.v <= 5").matches(events({ "x.v": ["abc"] })));
  t.is(compareDecimals("-1.5", "-1.25"), -1);
  t.is(compareDecimals("12345678901234567890", "12345678901234567889"), 1);
});

test("CONTAINS matches substrings and EXISTS matches any value", (t) => {
  t.true(
    parseQuery("message.action CONTAINS 'Send'").matches(
      events({ "message.action": ["/cosmos.bank.v1beta1.MsgSend"] }),
    ),
  );
  t.true(parseQuery("message.module EXISTS").matches(events({ "message.module": [""] })));
});

test("malformed queries throw a typed invalid-query error that names the position", (t) => {
  for (const bad of [
    "",
    "tx.height",
    "tx.height =",
    "tx.height = 5 OR tx.height = 6",
    "a.b = 'unterminated",
    "a.b < 'x'",
    "a.b CONTAINS 5",
    "a.b = TIME yesterday",
    "= 5",
    "a.b = 5 AND",
    "a.b ! 5",
    "a.b = 1.2.3",
  ]) {
    const e = t.throws(() => parseQuery(bad), undefined, bad);
    t.true(indexerErrors.invalidQuery.is(e), bad);
    t.regex(e!.message, /position \d+/);
  }
});
