/** `strike query margin params` and `strike query funding [market]`: the margin rules and each perpetual's funding. */
import { Command } from "commander";
import { withExamples } from "../help.js";

/** The actions' code, loaded only when one of these commands runs (`--help` never loads it). */
const actions = () => import("./marginQueriesActions.js");

function marginParamsCommand(): Command {
  return withExamples(
    new Command("params")
      .description(
        "The margin module's parameters, each with its unit and what it does: funding interval, cap and impact notional, liquidation penalty, option margin factors, settlement window. JSON output uses the genesis field names (app_state.margin.params)",
      )
      .action(async (o: unknown, self: Command) => (await actions()).showMarginParams(o, self)),
    "strike query margin params",
    "strike query margin params --output json",
  );
}

export function marginQueryCommand(): Command {
  const margin = withExamples(
    new Command("margin").description("Margin module queries (positions: `strike query positions`)"),
    "strike query margin params",
  );
  margin.addCommand(marginParamsCommand());
  return margin;
}

const FUNDING_FIELDS = `
Funding is counted in blocks: it is paid at the end of every block whose height is a multiple
of funding_interval_blocks. Every block samples the premium of the book's impact prices (the
average price of selling and of buying funding_impact_notional) over the oracle price, capped at
±max_funding_rate; at the interval's end the average of the samples is the rate, and each holder
pays (longs, when positive) or receives contracts × oracle price × rate. Rates and premiums are
exact decimal fractions of the notional per interval.

Fields:
  height, time            the committed block the answer was read at, and its block time
  funding_interval_blocks blocks between payments; max_funding_rate: the cap per sample and rate
  next_payment            the height funding is next paid at, the blocks left, and an estimated
                          time from the recent block rate (an estimate: the chain counts blocks)
  market, underlying      the perpetual and the asset whose oracle price it is funded against
  oracle_price, stale     that price in USDC; stale: no sample is taken and nothing is paid
                          (the samples so far wait for the next interval)
  samples                 premium samples taken since the last payment, one a block
  average_premium         their average (each sample capped when taken)
  rate                    the rate paid if the interval ended now: the module's own computation
                          (the average, truncated to 18 decimals); > 0: longs pay shorts
  book_premium            the premium of the book as it stands, capped: what the next block
                          samples if neither the book nor the oracle price moves
  impact_bid, impact_ask  the impact prices (USDC per contract) book_premium comes from; empty
                          on a side with less depth than funding_impact_notional
  last_payment            the rate paid at the last payment height and its block time, read from
                          that block's funding event (not state); paused: the oracle price was
                          stale then; unavailable: the node no longer has that block
Strike keeps no cumulative funding index: each payment moves collateral when it is made.`;

export function fundingQueryCommand(): Command {
  const cmd = new Command("funding")
    .description(
      "Funding of the perpetual markets: the current interval's premium so far, the rate that would be paid if it ended now, the last rate paid and when the next payment is",
    )
    .argument("[market]", "only this perpetual market, e.g. ETH-PERP")
    .action(async (market: string | undefined, o: unknown, self: Command) =>
      (await actions()).showFunding(market, o, self),
    )
    .addHelpText("after", FUNDING_FIELDS);
  return withExamples(cmd, "strike query funding", "strike query funding ETH-PERP --output json");
}
