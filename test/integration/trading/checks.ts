/** Assertions shared by the trading specs: coded rejections that change nothing, events, state snapshots. */
import type { ExecutionContext } from "ava";
import { TxMsgData } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import {
  MsgPlaceBundleResponse,
  MsgPlaceOrderResponse,
  type OrderSpec,
} from "../../../chain/codec/generated/strike/orderbook/v1/tx.js";
import type { AbciEvent, TxResult } from "../../../chain/types/abci.js";
import type { RegisteredError } from "../../../chain/types/errors.js";
import {
  FEE_COLLECTOR_ADDRESS,
  book,
  createTradingFixture,
  depositAll,
  place,
  subaccount,
  insuranceFund,
  openOrders,
  send,
  subaccounts,
  trades,
  uusdc,
  type TradingFixture,
} from "./fixture.js";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { TestAccount } from "../../unit/runtime/fixture.js";

/** Everything trading state a rejected tx must leave alone (not marks, which move with block time). */
export async function tradingSnapshot(f: TradingFixture, marketIds: readonly string[]): Promise<unknown> {
  const accounts = [];
  for (const a of f.accounts) {
    const subs = (await subaccounts(f, a.address)).map((s) => ({
      number: s.subaccount!.number,
      quote: s.subaccount!.quoteBalance,
      portfolio: s.subaccount!.portfolioMargin,
      positions: s.positions.map((p) => [p.market, p.size, p.entryPrice]),
    }));
    accounts.push({ subs, orders: await openOrders(f, a.address), uusdc: await uusdc(f, a.address) });
  }
  const books = [];
  for (const m of marketIds) {
    const b = await book(f, m);
    books.push({ market: b.market, bids: b.bids, asks: b.asks, trades: await trades(f, m) });
  }
  return { accounts, books, insurance: await insuranceFund(f), fees: await uusdc(f, FEE_COLLECTOR_ADDRESS) };
}

export function assertCode(t: ExecutionContext, res: TxResult, err: RegisteredError, message?: string): void {
  t.deepEqual(
    { codespace: res.codespace, code: res.code },
    { codespace: err.codespace, code: err.code },
    `${message ?? err.description}: got ${res.codespace}/${res.code} "${res.log}"`,
  );
}

/** Sends msgs that must fail with `err`, and checks that the trading state did not change. */
export async function assertRejected(
  t: ExecutionContext,
  f: TradingFixture,
  signer: TestAccount,
  msgs: EncodeObject[],
  err: RegisteredError,
  marketIds: readonly string[] = ["ETH-PERP"],
): Promise<TxResult> {
  const before = await tradingSnapshot(f, marketIds);
  const res = await send(f, signer, msgs);
  assertCode(t, res, err);
  t.deepEqual(await tradingSnapshot(f, marketIds), before, `a rejected ${err.description} tx changed state`);
  return res;
}

export function assertOk(t: ExecutionContext, res: TxResult, what = "tx"): void {
  t.is(res.code, 0, `${what} failed: ${res.codespace}/${res.code} ${res.log}`);
}

/** Events of a type as attribute maps. */
export function eventsOf(events: readonly AbciEvent[], type: string): Record<string, string>[] {
  return events
    .filter((e) => e.type === type)
    .map((e) => Object.fromEntries(e.attributes.map((a) => [a.key, a.value])));
}

/** A decimal USDC text to uusdc (exact; the views print at most 6 places for amounts). */
export function uusdcOf(text: string): bigint {
  const negative = text.startsWith("-");
  const [whole, frac = ""] = (negative ? text.slice(1) : text).split(".");
  const v = BigInt(whole!) * 1_000_000n + BigInt(frac.padEnd(6, "0").slice(0, 6) || "0");
  return negative ? -v : v;
}

/** The n-th message response of a successful tx, decoded. */
export function msgResponse<T>(res: TxResult, decode: (b: Uint8Array) => T, index = 0): T {
  const any = TxMsgData.decode(res.data).msgResponses[index];
  if (any === undefined) throw new TypeError(`no message response ${index}`);
  return decode(any.value);
}

export function placeResponse(res: TxResult, index = 0): MsgPlaceOrderResponse {
  return msgResponse(res, (b) => MsgPlaceOrderResponse.decode(b), index);
}

export function bundleResponse(res: TxResult): MsgPlaceBundleResponse {
  return msgResponse(res, (b) => MsgPlaceBundleResponse.decode(b));
}

/** Four funded traders (100,000 USDC each) and the feeder. */
export interface Traders {
  f: TradingFixture;
  mm: TestAccount;
  alice: TestAccount;
  bob: TestAccount;
  carol: TestAccount;
}

export async function traders(t: ExecutionContext): Promise<Traders> {
  const f = await createTradingFixture({ accounts: 5 });
  const [mm, alice, bob, carol] = f.accounts as [TestAccount, TestAccount, TestAccount, TestAccount];
  await depositAll(f, [mm, alice, bob, carol], 100_000n);
  t.truthy(await subaccount(f, carol.address));
  return { f, mm, alice, bob, carol };
}

export async function placeOk(t: ExecutionContext, f: TradingFixture, who: TestAccount, spec: OrderSpec) {
  const res = await send(f, who, [place(who.address, spec)]);
  assertOk(t, res, `${spec.side === 1 ? "buy" : "sell"} ${spec.size} @ ${spec.price}`);
  return { res, response: placeResponse(res) };
}

export const levels = (ls: { price: bigint; size: bigint }[]) => ls.map((l) => [l.price, l.size]);
