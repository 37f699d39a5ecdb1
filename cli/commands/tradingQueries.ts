/** `strike query book|trades|positions|markets|marks|orders`: the trading state, as tables or JSON. */
import { Command } from "commander";
import { withExamples } from "../help.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./tradingQueriesActions.js");

function marketsCommand(): Command {
  return withExamples(
    new Command("markets")
      .description("Every market with its tick, lot, fees and terms")
      .action(async (o: unknown, self: Command) => (await actions()).showMarkets(o, self)),
    "strike query markets",
    "strike query markets --output json",
  );
}

function marksCommand(): Command {
  return withExamples(
    new Command("marks")
      .description(
        "Mark prices (USDC per contract) that positions are valued at: a perpetual's is its oracle price, an option's its model price; STALE when that oracle price is stale",
      )
      .argument("[market]", "only this market, e.g. ETH-PERP")
      .action(async (market: string | undefined, o: unknown, self: Command) =>
        (await actions()).showMarks(market, o, self),
      ),
    "strike query marks",
    "strike query marks ETH-PERP --output json",
  );
}

function bookCommand(): Command {
  return withExamples(
    new Command("book")
      .description("Depth ladder of a market: asks above, bids below")
      .argument("<market>", "market id, e.g. ETH-PERP")
      .option("--levels <n>", "price levels per side", "10")
      .action(async (market: string, o: { levels: string }, self: Command) =>
        (await actions()).showBook(market, o, self),
      ),
    "strike query book ETH-PERP",
    "strike query book ETH-PERP --levels 5 --output json",
  );
}

function tradesCommand(): Command {
  return withExamples(
    new Command("trades")
      .description("Recent trades of a market, newest first")
      .requiredOption("--market <id>", "market id")
      .option("--limit <n>", "how many", "20")
      .action(async (o: { market: string; limit: string }, self: Command) => (await actions()).showTrades(o, self)),
    "strike query trades --market ETH-PERP --output json",
  );
}

function positionsCommand(): Command {
  return withExamples(
    new Command("positions")
      .description(
        "Subaccounts of an address: collateral, equity, margin, and each position with PnL, liquidation price and greeks",
      )
      .argument("<address>", "bech32 address or keyring key name")
      .option(
        "--state <state>",
        "committed, or speculative: the sequencer's state with receipted fills (a node that is not the sequencer asks it, and checks its signature); each position then shows how much is checkpointed on L1 (when the node reads L1 settlement), how much is committed and how much rests on receipts only (soft)",
        "committed",
      )
      .action(async (addr: string, o: { state: string }, self: Command) =>
        (await actions()).showPositions(addr, o, self),
      ),
    "strike query positions alice",
    "strike query positions strike1... --output json",
    "strike query positions alice --state speculative   # with the fills receipted since the last block",
  );
}

function ordersCommand(): Command {
  return withExamples(
    new Command("orders")
      .description("Open orders of an address")
      .argument("<address>", "bech32 address or keyring key name")
      .option("--market <id>", "only this market", "")
      .action(async (addr: string, o: { market: string }, self: Command) =>
        (await actions()).showOrders(addr, o, self),
      ),
    "strike query orders mm --market ETH-PERP",
  );
}

export function tradingQueryCommands(): Command[] {
  return [marketsCommand(), marksCommand(), bookCommand(), tradesCommand(), positionsCommand(), ordersCommand()];
}
