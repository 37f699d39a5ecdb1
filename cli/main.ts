/**
 * Entry point of the `strike` command. User errors print one line with their code and
 * codespace (or, with `--output json`, one JSON object on stderr) and exit 1; a stack
 * trace appears only for unexpected errors when STRIKE_DEBUG is set.
 */
import { errorReport, formatError, wantsJson } from "./errorReport.js";
import { createProgram } from "./program.js";
import { closePrompt } from "./prompt.js";

async function main(): Promise<void> {
  try {
    await createProgram().parseAsync(process.argv);
  } catch (e) {
    process.stderr.write(`${formatError(errorReport(e), wantsJson(process.argv))}\n`);
    if (process.env["STRIKE_DEBUG"] !== undefined && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  } finally {
    closePrompt();
  }
}

await main();
// Exit once output is flushed: client libraries can leave timers behind (cosmjs keeps its
// broadcast timeout running when CheckTx rejects a tx), which would hold the process open.
process.stdout.write("", () => process.stderr.write("", () => process.exit()));
