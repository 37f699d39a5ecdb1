/**
 * Risk by finality tier on the in-process app: a fill the sequencer has receipted shows in
 * the positions queried on its speculative state before the block commits, and not in
 * committed state; once the block commits the two agree. The CLI's per-position split
 * (committed vs soft) is exact decimal arithmetic.
 */
import test from "ava";
import { strikeQueries } from "../../../chain/client/queries.js";
import { queryPath } from "../../../chain/client/queryRpc.js";
import { TimeInForce } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { decimalSub } from "../../../cli/speculativeQuery.js";
import { sequencerOn } from "./fixture.js";
import { account, signTx } from "../../unit/runtime/fixture.js";
import {
  createTradingFixture,
  deposit,
  GENESIS_SECONDS,
  orderSpec,
  place,
  sendBlock,
  subaccount,
} from "../trading/fixture.js";

test("a receipted fill shows in the speculative positions before it commits, and only there", async (t) => {
  const f = await createTradingFixture({ accounts: 3 });
  const [maker, taker] = f.accounts;
  await sendBlock(f, [
    { signer: maker!, msgs: [deposit(maker!.address, 1_000_000n)] },
    { signer: taker!, msgs: [deposit(taker!.address, 1_000_000n)] },
  ]);
  const { sequencer, admit } = sequencerOn(f, { maxBlockBytes: 1 << 24 });
  // The margin queries on the sequencer's speculative state, as the CLI's --speculative reads them.
  const noHeightOpen = new Error("no height open");
  const speculativeMargin = strikeQueries({
    async request(service, method, data) {
      const r = sequencer.speculativeQuery(queryPath(service, method), data);
      if (r === undefined) throw noHeightOpen;
      return r.value;
    },
  }).margin;
  const specPositions = async (owner: string) => {
    try {
      return (await speculativeMargin.Subaccounts({ owner })).subaccounts[0]?.positions ?? [];
    } catch (e) {
      if (e === noHeightOpen) return undefined;
      throw e;
    }
  };
  t.is(await specPositions(taker!.address), undefined, "no height open: no speculative state");

  const height = f.height + 1n;
  sequencer.openHeight({
    height,
    time: { seconds: GENESIS_SECONDS + height, nanos: 0 },
    proposerAddress: new Uint8Array(20),
    evidence: [],
    misbehavior: [],
    decidedLastCommit: { votes: [] },
  });
  const fee = { amount: [{ denom: "ustrike", amount: "100000" }], gas: 4_000_000 };
  const sign = async (who: typeof maker, spec: ReturnType<typeof orderSpec>) =>
    signTx(who!, { sequence: (await account(f, who!.address))!.sequence, msgs: [place(who!.address, spec)], fee });
  t.is(
    admit.checkAndAdd(
      await sign(maker, orderSpec("ETH-PERP", "sell", "2", "3000", { timeInForce: TimeInForce.TIME_IN_FORCE_GTC })),
    ).code,
    0,
  );
  t.is(
    admit.checkAndAdd(
      await sign(taker, orderSpec("ETH-PERP", "buy", "1.5", "3000", { timeInForce: TimeInForce.TIME_IN_FORCE_IOC })),
    ).code,
    0,
  );

  const soft = (await specPositions(taker!.address))!;
  t.is(soft.length, 1);
  t.is(soft[0]!.market, "ETH-PERP");
  t.is(decimalSub(soft[0]!.size, "0"), "1.5");
  t.is(decimalSub((await specPositions(maker!.address))![0]!.size, "0"), "-1.5");
  // Committed state knows nothing of it yet.
  t.deepEqual((await subaccount(f, taker!.address))?.positions ?? [], []);
});

test("the committed / soft split is exact decimal subtraction", (t) => {
  t.is(decimalSub("1.5", "0"), "1.5");
  t.is(decimalSub("2.5", "1.25"), "1.25");
  t.is(decimalSub("-1.5", "0.5"), "-2");
  t.is(decimalSub("0", "0.001"), "-0.001");
  t.is(decimalSub("3", "3"), "0");
  t.is(decimalSub("0.1", "0.3"), "-0.2");
});
