/** `strike tx trade …` and `strike tx margin …`: orders, cancels, bundles, collateral. */
import { Command, Option } from "commander";
import { withExamples } from "../help.js";
import { addTxOptions } from "../txSend.js";
import { SELF_TRADE_NAMES, TIF_NAMES, type AccountFlags, type OrderFlags } from "./tradeFlags.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./tradeActions.js");

const TRADE_GAS = "2000000";

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

function withOrderOptions(cmd: Command): Command {
  return withAccountOptions(
    cmd
      .requiredOption("--market <id>", "market, e.g. ETH-PERP or ETH-20261231-3000-C")
      .addOption(new Option("--side <side>", "buy or sell").choices(["buy", "sell"]).makeOptionMandatory())
      .requiredOption("--size <contracts>", "size in contracts, a multiple of the market's lot (e.g. 0.5)")
      .requiredOption("--price <usdc>", "limit price in USDC per contract; for --type market the worst price accepted")
      .addOption(new Option("--tif <tif>", "time in force").choices(TIF_NAMES).default("gtc"))
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
          .choices(SELF_TRADE_NAMES)
          .default("expire-maker"),
      )
      .option("--self-trade-all-subaccounts", "self-trade prevention also covers your other subaccounts"),
  );
}

function placeCommand(): Command {
  const cmd = withOrderOptions(new Command("place").description("Place an order"));
  cmd.action(async (o: OrderFlags, self: Command) => (await actions()).place(o, self));
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
  cmd.action(async (o: OrderFlags, self: Command) => (await actions()).replace(o, self));
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
  cmd.action(async (o: AccountFlags & { market: string; orderId?: string; clientId?: string }, self: Command) =>
    (await actions()).cancel(o, self),
  );
  return withExamples(cmd, "strike tx trade cancel --market ETH-PERP --client-id 7 --from mm");
}

function batchCancelCommand(): Command {
  const cmd = withAccountOptions(
    new Command("batch-cancel")
      .description("Cancel several open orders by client id, all or none")
      .requiredOption("--market <id>", "market of the orders")
      .requiredOption("--client-ids <list>", "comma-separated client ids, e.g. 1,2,3"),
  );
  cmd.action(async (o: AccountFlags & { market: string; clientIds: string }, self: Command) =>
    (await actions()).batchCancel(o, self),
  );
  return withExamples(cmd, "strike tx trade batch-cancel --market ETH-PERP --client-ids 1,2,3 --from mm");
}

function cancelAllCommand(): Command {
  const cmd = withAccountOptions(
    new Command("cancel-all")
      .description("Cancel every open order of the subaccount in a market (or in all markets)")
      .option("--market <id>", "market (default: all)", ""),
  );
  cmd.action(async (o: AccountFlags & { market: string }, self: Command) => (await actions()).cancelAll(o, self));
  return withExamples(cmd, "strike tx trade cancel-all --market ETH-PERP --from mm");
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
  cmd.action(async (o: AccountFlags & { leg: string[]; maxNetCost?: string }, self: Command) =>
    (await actions()).bundle(o, self),
  );
  return withExamples(
    cmd,
    "strike tx trade bundle --leg ETH-20261231-3000-C:buy:10@120 --leg ETH-20261231-3200-C:sell:10@60 --from alice",
    "strike tx trade bundle --leg ETH-20261231-3000-C:buy:1@150 --leg ETH-PERP:sell:0.5@3000 --from alice",
  );
}

function depositCommand(): Command {
  const cmd = withAccountOptions(
    new Command("deposit")
      .description("Move collateral from your bank balance into a subaccount")
      .argument("<amount>", "uusdc, e.g. 10000000000uusdc"),
  );
  cmd.action(async (amount: string, o: AccountFlags, self: Command) => (await actions()).deposit(amount, o, self));
  return withExamples(cmd, "strike tx margin deposit 10000000000uusdc --from mm");
}

function withdrawCommand(): Command {
  const cmd = withAccountOptions(
    new Command("withdraw")
      .description("Move free collateral back to your bank balance")
      .argument("<amount>", "uusdc, e.g. 5000000uusdc"),
  );
  cmd.action(async (amount: string, o: AccountFlags, self: Command) => (await actions()).withdraw(amount, o, self));
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
  cmd.action(async (mode: string, o: AccountFlags, self: Command) => (await actions()).marginMode(mode, o, self));
  return withExamples(cmd, "strike tx margin set-mode portfolio --from mm");
}
