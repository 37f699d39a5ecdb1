/** What `strike receipt reports` does when it runs (receiptReports.ts defines it): the receipts module's Commitments and Claims queries. */
import type { Command } from "commander";
import { cliQueries, withComet } from "../abciQuery.js";
import { addressArg, globalOptions } from "../context.js";
import { print } from "../output.js";

export async function showReceiptReports(
  reporterArg: string | undefined,
  _flags: unknown,
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  const reporter = reporterArg === undefined ? "" : addressArg(g, reporterArg);
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
  const { commitments, claims } = await withComet(g, async (c) => {
    const q = cliQueries(c).receipts;
    return {
      commitments: reporter === "" ? [] : (await q.Commitments({ reporter })).commitments,
      claims: (await q.Claims({ reporter })).claims,
    };
  });
  const view = {
    ...(reporter === "" ? {} : { reporter }),
    commitments: commitments.map((p) => ({
      commitment: hex(p.commitment!.commitment),
      height: p.commitment!.height.toString(),
      sequence: p.commitment!.sequence.toString(),
      revealed: p.commitment!.revealed,
      reveal_from_height: p.revealFromHeight.toString(),
      reveal_until_height: p.revealUntilHeight.toString(),
    })),
    claims: claims.map((c) => ({
      sequencer: hex(c.sequencerAddress),
      height: c.height.toString(),
      reporter: c.reporter,
      reward: c.reward,
      pay_height: c.payHeight.toString(),
    })),
  };
  print(g.output, view, () =>
    [
      ...(reporter === ""
        ? []
        : [
            `commitments of ${reporter}: ${view.commitments.length}`,
            ...view.commitments.map(
              (c) =>
                `  #${c.sequence} ${c.commitment.slice(0, 16)}… at ${c.height}: ` +
                (c.revealed ? "revealed" : `reveal from ${c.reveal_from_height} until ${c.reveal_until_height}`),
            ),
          ]),
      `unpaid claims${reporter === "" ? "" : ` of ${reporter}`}: ${view.claims.length}`,
      ...view.claims.map(
        (c) =>
          `  sequencer ${c.sequencer} at ${c.height}: reward ${c.reward} (bond denom) to ` +
          `${c.reporter === "" ? "(withheld: no reporter yet)" : c.reporter}, paid at ${c.pay_height}`,
      ),
    ].join("\n"),
  );
}
