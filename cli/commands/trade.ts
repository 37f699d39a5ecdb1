/** `strike tx trade …` and `strike tx margin …`: orders, cancels, bundles, collateral. */
import type { EncodeObject } from "@cosmjs/proto-signing";
import { Command, Option } from "commander";
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
import { withExamples } from "../help.js";
import { addTxOptions, signAndSend, type TxFlags } from "../txSend.js";

const T = "/strike.orderbook.v1.";
const TRADE_GAS = "2000000";

interface AccountFlags extends TxFlags {
  from?: string;
  subaccount: string;
}

interface OrderFlags extends AccountFlags {
  market: string;
  side: string;
  size: string;
  price: string;
  tif: string;
  type: string;
  reduceOnly: boolean;
  clientId?: string;
  goodTilBlock?: string;
  goodTilTime?: string;
  trigger?: string;
  triggerPrice?: string;
  selfTrade: string;
  selfTradeAllSubaccounts?: boolean;
}

/**
 * Trading txs get a generous gas limit by default (an order's cost grows with the makers it
 * fills; about 60k gas per fill). `--gas auto` simulates instead, but a refused order then
 * reports the simulation's error rather than the module's code.
 */
function withAccountOptions(cmd: Command): Command {
  return addTxOptions(
    cmd
      .requiredOption("--from <key>", "keyring key (name or address) that signs and owns the subaccount")
      .option("--subaccount <n>", "subaccount number", "0"),
    TRADE_GAS,
  );
}

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

const TIFS: Record<string, TimeInForce> = {
  gtc: TimeInForce.TIME_IN_FORCE_GTC,
  ioc: TimeInForce.TIME_IN_FORCE_IOC,
  fok: TimeInForce.TIME_IN_FORCE_FOK,
  "post-only": TimeInForce.TIME_IN_FORCE_POST_ONLY,
};
const STPS: Record<string, SelfTradePrevention> = {
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

function withOrderOptions(cmd: Command): Command {
  return withAccountOptions(
    cmd
      .requiredOption("--market <id>", "market, e.g. ETH-PERP or ETH-20261231-3000-C")
      .addOption(new Option("--side <side>", "buy or sell").choices(["buy", "sell"]).makeOptionMandatory())
      .requiredOption("--size <contracts>", "size in contracts, a multiple of the market's lot (e.g. 0.5)")
      .requiredOption("--price <usdc>", "limit price in USDC per contract; for --type market the worst price accepted")
      .addOption(new Option("--tif <tif>", "time in force").choices(Object.keys(TIFS)).default("gtc"))
      .addOption(new Option("--type <type>", "limit or market").choices(["limit", "market"]).default("limit"))
      .option("--reduce-only", "only ever shrink the position", false)
      .option("--client-id <n>", "your id for the order (for cancel and replace)")
      .option("--good-til-block <height>", "expire at the end of this block height")
      .option("--good-til-time <unix>", "expire in the first block at or after this unix time")
      .addOption(
        new Option("--trigger <kind>", "wait off the book until the oracle price crosses --trigger-price").choices([
          "stop",
          "take-profit",
        ]),
      )
      .option("--trigger-price <usdc>", "oracle price that triggers the order")
      .addOption(
        new Option("--self-trade <mode>", "what happens when it would trade with your own resting order")
          .choices(Object.keys(STPS))
          .default("expire-maker"),
      )
      .option("--self-trade-all-subaccounts", "self-trade prevention also covers your other subaccounts"),
  );
}

function placeCommand(): Command {
  const cmd = withOrderOptions(new Command("place").description("Place an order"));
  cmd.action(async (o: OrderFlags, self: Command) => {
    const g = globalOptions(self);
    const acct = account(g, o);
    const spec = orderSpecFromFlags(o);
    const msg: EncodeObject = { typeUrl: `${T}MsgPlaceOrder`, value: { ...acct, order: spec } };
    await signAndSend(g, o.from!, [msg], o, `Place ${o.type} ${o.side} ${o.size} ${o.market} @ ${o.price} (${o.tif})`);
  });
  return withExamples(
    cmd,
    "strike tx trade place --market ETH-PERP --side sell --size 2 --price 3001.5 --tif post-only --from mm",
    "strike tx trade place --market ETH-20261231-3000-C --side buy --size 10 --price 120 --from alice",
    "strike tx trade place --market ETH-PERP --side sell --size 1 --price 2900 --trigger stop --trigger-price 2950 --reduce-only --from alice",
  );
}

function replaceCommand(): Command {
  const cmd = withOrderOptions(
    new Command("replace").description("Atomically cancel the open order with --client-id and place a new one"),
  );
  cmd.action(async (o: OrderFlags, self: Command) => {
    const g = globalOptions(self);
    if (o.clientId === undefined) throw cliErrors.badArgument("--client-id names the order to replace");
    const spec = orderSpecFromFlags(o);
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
  });
  return withExamples(
    cmd,
    "strike tx trade replace --market ETH-PERP --client-id 7 --side sell --size 2 --price 3002 --from mm",
  );
}

function cancelCommand(): Command {
  const cmd = withAccountOptions(
    new Command("cancel")
      .description("Cancel one open order, by order id or client id")
      .requiredOption("--market <id>", "market of the order")
      .option("--order-id <n>", "the chain's order id")
      .option("--client-id <n>", "your client id"),
  );
  cmd.action(async (o: AccountFlags & { market: string; orderId?: string; clientId?: string }, self: Command) => {
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
    await signAndSend(
      g,
      o.from!,
      [msg],
      o,
      `Cancel ${o.orderId !== undefined ? `order ${o.orderId}` : `client id ${o.clientId}`} in ${o.market}`,
    );
  });
  return withExamples(cmd, "strike tx trade cancel --market ETH-PERP --client-id 7 --from mm");
}

function batchCancelCommand(): Command {
  const cmd = withAccountOptions(
    new Command("batch-cancel")
      .description("Cancel several open orders by client id, all or none")
      .requiredOption("--market <id>", "market of the orders")
      .requiredOption("--client-ids <list>", "comma-separated client ids, e.g. 1,2,3"),
  );
  cmd.action(async (o: AccountFlags & { market: string; clientIds: string }, self: Command) => {
    const g = globalOptions(self);
    const ids = o.clientIds.split(",").map((s) => uint(s.trim(), "--client-ids"));
    const msg: EncodeObject = {
      typeUrl: `${T}MsgBatchCancel`,
      value: { ...account(g, o), market: o.market, clientIds: ids },
    };
    await signAndSend(g, o.from!, [msg], o, `Cancel ${ids.length} orders in ${o.market}`);
  });
  return withExamples(cmd, "strike tx trade batch-cancel --market ETH-PERP --client-ids 1,2,3 --from mm");
}

function cancelAllCommand(): Command {
  const cmd = withAccountOptions(
    new Command("cancel-all")
      .description("Cancel every open order of the subaccount in a market (or in all markets)")
      .option("--market <id>", "market (default: all)", ""),
  );
  cmd.action(async (o: AccountFlags & { market: string }, self: Command) => {
    const g = globalOptions(self);
    const msg: EncodeObject = { typeUrl: `${T}MsgCancelAll`, value: { ...account(g, o), market: o.market } };
    await signAndSend(g, o.from!, [msg], o, `Cancel all orders${o.market === "" ? "" : ` in ${o.market}`}`);
  });
  return withExamples(cmd, "strike tx trade cancel-all --market ETH-PERP --from mm");
}

/** "MARKET:side:size@price" */
export function parseLeg(text: string): BundleLeg {
  const m = /^([A-Z0-9-]+):(buy|sell):([0-9.]+)@([0-9.]+)$/.exec(text.trim());
  if (m === null) throw cliErrors.badArgument(`leg "${text}" must look like ETH-20261231-3000-C:buy:10@120`);
  return { market: m[1]!, side: side(m[2]!), size: m[3]!, price: m[4]! };
}

function bundleCommand(): Command {
  const cmd = withAccountOptions(
    new Command("bundle")
      .description("Place up to 4 legs that fill completely at their limits, or not at all")
      .requiredOption("--leg <market:side:size@price>", "a leg; repeat for each", (v: string, prev: string[] = []) => [
        ...prev,
        v,
      ])
      .option("--max-net-cost <usdc>", "limit on the net premium paid (negative: at least this much received)"),
  );
  cmd.action(async (o: AccountFlags & { leg: string[]; maxNetCost?: string }, self: Command) => {
    const g = globalOptions(self);
    const legs = o.leg.map(parseLeg);
    const msg: EncodeObject = {
      typeUrl: `${T}MsgPlaceBundle`,
      value: { ...account(g, o), legs, maxNetCost: o.maxNetCost ?? "" },
    };
    await signAndSend(g, o.from!, [msg], o, `Bundle of ${legs.length} legs:\n  ${o.leg.join("\n  ")}`);
  });
  return withExamples(
    cmd,
    "strike tx trade bundle --leg ETH-20261231-3000-C:buy:10@120 --leg ETH-20261231-3200-C:sell:10@60 --from alice",
    "strike tx trade bundle --leg ETH-20261231-3000-C:buy:1@150 --leg ETH-PERP:sell:0.5@3000 --from alice",
  );
}

/** "10000000000uusdc" or "10000000000" → base units; other denoms are refused here, before signing. */
function collateralAmount(text: string): string {
  const m = /^(\d+)(uusdc)?$/.exec(text.trim());
  if (m === null)
    throw cliErrors.badArgument(`amount "${text}" must be whole uusdc, e.g. 10000000000uusdc (10,000 USDC)`);
  return m[1]!;
}

function depositCommand(): Command {
  const cmd = withAccountOptions(
    new Command("deposit")
      .description("Move collateral from your bank balance into a subaccount")
      .argument("<amount>", "uusdc, e.g. 10000000000uusdc"),
  );
  cmd.action(async (amount: string, o: AccountFlags, self: Command) => {
    const g = globalOptions(self);
    const value = { ...account(g, o), amount: collateralAmount(amount) };
    await signAndSend(
      g,
      o.from!,
      [{ typeUrl: "/strike.margin.v1.MsgDeposit", value }],
      o,
      `Deposit ${value.amount}uusdc into subaccount ${value.subaccount}`,
    );
  });
  return withExamples(cmd, "strike tx margin deposit 10000000000uusdc --from mm");
}

function withdrawCommand(): Command {
  const cmd = withAccountOptions(
    new Command("withdraw")
      .description("Move free collateral back to your bank balance")
      .argument("<amount>", "uusdc, e.g. 5000000uusdc"),
  );
  cmd.action(async (amount: string, o: AccountFlags, self: Command) => {
    const g = globalOptions(self);
    const value = { ...account(g, o), amount: collateralAmount(amount) };
    await signAndSend(
      g,
      o.from!,
      [{ typeUrl: "/strike.margin.v1.MsgWithdraw", value }],
      o,
      `Withdraw ${value.amount}uusdc from subaccount ${value.subaccount}`,
    );
  });
  return withExamples(cmd, "strike tx margin withdraw 5000000uusdc --from mm");
}

export function tradeTxCommand(): Command {
  const trade = withExamples(
    new Command("trade").description("Order-book transactions: place, cancel, replace, bundles"),
    "strike tx trade place --market ETH-PERP --side buy --size 1 --price 3000 --from alice",
  );
  for (const make of [placeCommand, cancelCommand, batchCancelCommand, cancelAllCommand, replaceCommand, bundleCommand])
    trade.addCommand(make());
  return trade;
}

export function marginTxCommand(): Command {
  const margin = withExamples(
    new Command("margin").description("Collateral and margin mode of your subaccounts"),
    "strike tx margin deposit 10000000000uusdc --from mm",
  );
  for (const make of [depositCommand, withdrawCommand, marginModeCommand]) margin.addCommand(make());
  return margin;
}

function marginModeCommand(): Command {
  const cmd = withAccountOptions(
    new Command("set-mode")
      .description("Choose standard margin or portfolio margin (worst loss over a grid of price and volatility shocks)")
      .argument("<mode>", "standard or portfolio"),
  );
  cmd.action(async (mode: string, o: AccountFlags, self: Command) => {
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
  });
  return withExamples(cmd, "strike tx margin set-mode portfolio --from mm");
}
