import type { Command } from "commander";

/** Adds the "Example:" block every command's --help ends with. */
export function withExamples(cmd: Command, ...examples: string[]): Command {
  return cmd.addHelpText(
    "after",
    `\nExample${examples.length > 1 ? "s" : ""}:\n${examples.map((e) => `  $ ${e}`).join("\n")}\n`,
  );
}
