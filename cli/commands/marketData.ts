/** `strike query candles|tape`: the node's market-data index (chain/indexer/marketData.ts), as tables or JSON. */
import { Command } from "commander";
import { withExamples } from "../help.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./marketDataActions.js");

function candlesCommand(): Command {
  return withExamples(
    new Command("candles")
      .description("OHLCV candles of a market built from its trades by block time (oldest first)")
      .requiredOption("--market <id>", "market id, e.g. ETH-PERP")
      .option("--interval <i>", "candle length: 1m, 5m, 1h or 1d", "1m")
      .option("--limit <n>", "how many of the latest candles (1-1000)", "30")
      .action(async (o: { market: string; interval: string; limit: string }, self: Command) =>
        (await actions()).showCandles(o, self),
      ),
    "strike query candles --market ETH-PERP --interval 1m",
    "strike query candles --market ETH-PERP --interval 1h --limit 24 --output json",
  );
}

function tapeCommand(): Command {
  return withExamples(
    new Command("tape")
      .description("The trade tape of a market from the node's index, newest first (with block time and height)")
      .requiredOption("--market <id>", "market id, e.g. ETH-PERP")
      .option("--limit <n>", "how many of the latest trades (1-1000)", "20")
      .action(async (o: { market: string; limit: string }, self: Command) => (await actions()).showTape(o, self)),
    "strike query tape --market ETH-PERP",
    "strike query tape --market ETH-PERP --limit 100 --output json",
  );
}

export function marketDataQueryCommands(): Command[] {
  return [candlesCommand(), tapeCommand()];
}
