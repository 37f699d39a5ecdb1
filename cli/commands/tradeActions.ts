/** What `strike tx trade|margin …` do when they run (trade.ts defines them): the orders and collateral messages, signed and sent. */
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { Command } from "commander";
import {
  OrderType,
  SelfTradePrevention,
  Side,
  TimeInForce,
  TriggerType,
} from "../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { BundleLeg, OrderSpec } from "../../chain/codec/generated/strike/orderbook/v1/tx.js";
import { globalOptions, openKeyring, type GlobalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { checkMarketsExist, checkOrderShapes, checkSubaccountExists, type OrderShape } from "../orderCheck.js";
import { signAndSend } from "../txSend.js";
import type { AccountFlags, OrderFlags, SELF_TRADE_NAMES, TIF_NAMES } from "./tradeFlags.js";

const T = "/strike.orderbook.v1.";

function uint(text: string | undefined, flag: string, max = (1n << 64n) - 1n): bigint {
  if (text === undefined) return 0n;
  if (!/^\d+$/.test(text)) throw cliErrors.badArgument(`${flag} must be a whole number, got "${text}"`);
  const n = BigInt(text);
  if (n > max) throw cliErrors.badArgument(`${flag} is too large`);
  return n;
}

function account(g: GlobalOptions, flags: AccountFlags): { owner: string; subaccount: number } {
  const owner = openKeyring(g).resolve(flags.from!).address;
  return { owner, subaccount: Number(uint(flags.subaccount, "--subaccount", 0xffffffffn)) };
}

function side(text: string): Side {
  if (text === "buy") return Side.SIDE_BUY;
  if (text === "sell") return Side.SIDE_SELL;
  throw cliErrors.badArgument(`side must be buy or sell, got "${text}"`);
}

const TIFS: Record<(typeof TIF_NAMES)[number], TimeInForce> = {
  gtc: TimeInForce.TIME_IN_FORCE_GTC,
  ioc: TimeInForce.TIME_IN_FORCE_IOC,
  fok: TimeInForce.TIME_IN_FORCE_FOK,
  "post-only": TimeInForce.TIME_IN_FORCE_POST_ONLY,
};

const STPS: Record<(typeof SELF_TRADE_NAMES)[number], SelfTradePrevention> = {
  "expire-maker": SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_MAKER,
  "expire-taker": SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_TAKER,
  "expire-both": SelfTradePrevention.SELF_TRADE_PREVENTION_EXPIRE_BOTH,
};

function orderSpecFromFlags(o: OrderFlags): OrderSpec {
  const trigger =
    o.trigger === undefined
      ? TriggerType.TRIGGER_TYPE_UNSPECIFIED
      : o.trigger === "stop"
        ? TriggerType.TRIGGER_TYPE_STOP
        : TriggerType.TRIGGER_TYPE_TAKE_PROFIT;
  if ((o.trigger === undefined) !== (o.triggerPrice === undefined))
    throw cliErrors.badArgument("--trigger and --trigger-price go together");
  return {
    market: o.market,
    side: side(o.side),
    price: o.price,
    size: o.size,
    timeInForce: TIFS[o.tif]!,
    orderType: o.type === "market" ? OrderType.ORDER_TYPE_MARKET : OrderType.ORDER_TYPE_LIMIT,
    reduceOnly: o.reduceOnly,
    clientId: uint(o.clientId, "--client-id"),
    goodTilBlock: uint(o.goodTilBlock, "--good-til-block"),
    goodTilTime: uint(o.goodTilTime, "--good-til-time"),
    triggerType: trigger,
    triggerPrice: o.triggerPrice ?? "",
    selfTrade: STPS[o.selfTrade]!,
    selfTradeAllSubaccounts: o.selfTradeAllSubaccounts === true,
  };
}

/** "MARKET:side:size@price" */
export function parseLeg(text: string): BundleLeg {
  const m = /^([A-Z0-9-]+):(buy|sell):([0-9.]+)@([0-9.]+)$/.exec(text.trim());
  if (m === null) throw cliErrors.badArgument(`leg "${text}" must look like ETH-20261231-3000-C:buy:10@120`);
  return { market: m[1]!, side: side(m[2]!), size: m[3]!, price: m[4]! };
}

/** "10000000000uusdc" or "10000000000" → base units; other denoms are refused here, before signing. */
function collateralAmount(text: string): string {
  const m = /^(\d+)(uusdc)?$/.exec(text.trim());
  if (m === null)
    throw cliErrors.badArgument(`amount "${text}" must be whole uusdc, e.g. 10000000000uusdc (10,000 USDC)`);
  return m[1]!;
}

/** The flags' order as the market-shape check reads it. */
function shapeOf(spec: OrderSpec): OrderShape {
  return {
    market: spec.market,
    price: spec.price,
    size: spec.size,
    triggerPrice: spec.triggerPrice,
    goodTilBlock: spec.goodTilBlock,
    goodTilTime: spec.goodTilTime,
    reduceOnly: spec.reduceOnly,
    ...(spec.orderType === OrderType.ORDER_TYPE_MARKET ? { priceName: "worst price" } : {}),
  };
}

export async function place(o: OrderFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const acct = account(g, o);
  const spec = orderSpecFromFlags(o);
  await checkOrderShapes(g, [shapeOf(spec)]);
  await checkSubaccountExists(g, acct.owner, acct.subaccount);
  const msg: EncodeObject = { typeUrl: `${T}MsgPlaceOrder`, value: { ...acct, order: spec } };
  await signAndSend(g, o.from!, [msg], o, `Place ${o.type} ${o.side} ${o.size} ${o.market} @ ${o.price} (${o.tif})`);
}

export async function replace(o: OrderFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  if (o.clientId === undefined) throw cliErrors.badArgument("--client-id names the order to replace");
  const spec = orderSpecFromFlags(o);
  await checkOrderShapes(g, [shapeOf(spec)]);
  const msg: EncodeObject = {
    typeUrl: `${T}MsgReplaceOrder`,
    value: { ...account(g, o), clientId: uint(o.clientId, "--client-id"), order: spec },
  };
  await signAndSend(
    g,
    o.from!,
    [msg],
    o,
    `Replace order ${o.clientId} in ${o.market} with ${o.side} ${o.size} @ ${o.price}`,
  );
}

export async function cancel(
  o: AccountFlags & { market: string; orderId?: string; clientId?: string },
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  if ((o.orderId === undefined) === (o.clientId === undefined))
    throw cliErrors.badArgument("give exactly one of --order-id and --client-id");
  const msg: EncodeObject = {
    typeUrl: `${T}MsgCancelOrder`,
    value: {
      ...account(g, o),
      market: o.market,
      orderId: uint(o.orderId, "--order-id"),
      clientId: uint(o.clientId, "--client-id"),
    },
  };
  await checkMarketsExist(g, [o.market]);
  await signAndSend(
    g,
    o.from!,
    [msg],
    o,
    `Cancel ${o.orderId !== undefined ? `order ${o.orderId}` : `client id ${o.clientId}`} in ${o.market}`,
  );
}

export async function batchCancel(
  o: AccountFlags & { market: string; clientIds: string },
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  const ids = o.clientIds.split(",").map((s) => uint(s.trim(), "--client-ids"));
  const msg: EncodeObject = {
    typeUrl: `${T}MsgBatchCancel`,
    value: { ...account(g, o), market: o.market, clientIds: ids },
  };
  await checkMarketsExist(g, [o.market]);
  await signAndSend(g, o.from!, [msg], o, `Cancel ${ids.length} orders in ${o.market}`);
}

export async function cancelAll(o: AccountFlags & { market: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const msg: EncodeObject = { typeUrl: `${T}MsgCancelAll`, value: { ...account(g, o), market: o.market } };
  // "" cancels in every market.
  if (o.market !== "") await checkMarketsExist(g, [o.market]);
  await signAndSend(g, o.from!, [msg], o, `Cancel all orders${o.market === "" ? "" : ` in ${o.market}`}`);
}

export async function bundle(o: AccountFlags & { leg: string[]; maxNetCost?: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const legs = o.leg.map(parseLeg);
  await checkOrderShapes(
    g,
    legs.map((l, i) => ({ market: l.market, price: l.price, size: l.size, label: `leg ${i + 1} (${o.leg[i]})` })),
  );
  const acct = account(g, o);
  await checkSubaccountExists(g, acct.owner, acct.subaccount);
  const msg: EncodeObject = {
    typeUrl: `${T}MsgPlaceBundle`,
    value: { ...acct, legs, maxNetCost: o.maxNetCost ?? "" },
  };
  await signAndSend(g, o.from!, [msg], o, `Bundle of ${legs.length} legs:\n  ${o.leg.join("\n  ")}`);
}

export async function deposit(amount: string, o: AccountFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const value = { ...account(g, o), amount: collateralAmount(amount) };
  await signAndSend(
    g,
    o.from!,
    [{ typeUrl: "/strike.margin.v1.MsgDeposit", value }],
    o,
    `Deposit ${value.amount}uusdc into subaccount ${value.subaccount}`,
  );
}

export async function withdraw(amount: string, o: AccountFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const value = { ...account(g, o), amount: collateralAmount(amount) };
  await signAndSend(
    g,
    o.from!,
    [{ typeUrl: "/strike.margin.v1.MsgWithdraw", value }],
    o,
    `Withdraw ${value.amount}uusdc from subaccount ${value.subaccount}`,
  );
}

export async function marginMode(mode: string, o: AccountFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  if (mode !== "standard" && mode !== "portfolio")
    throw cliErrors.badArgument(`mode must be standard or portfolio, got "${mode}"`);
  const value = { ...account(g, o), portfolioMargin: mode === "portfolio" };
  await signAndSend(
    g,
    o.from!,
    [{ typeUrl: "/strike.margin.v1.MsgSetMarginMode", value }],
    o,
    `Set subaccount ${value.subaccount} to ${mode} margin`,
  );
}
