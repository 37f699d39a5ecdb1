/**
 * Entry point of the `strike` command. User errors print one line and exit 1; a stack
 * trace appears only for unexpected errors when STRIKE_DEBUG is set.
 */
import { isStrikeError } from "../chain/types/errors.js";
import { isNetworkError } from "./client.js";
import { createProgram } from "./program.js";
import { closePrompt } from "./prompt.js";

function describe(e: unknown): string {
  if (isStrikeError(e)) return e.message;
  if (isNetworkError(e)) return `cannot reach the node: ${(e as Error).message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}

async function main(): Promise<void> {
  try {
    await createProgram().parseAsync(process.argv);
  } catch (e) {
    process.stderr.write(`Error: ${describe(e)}\n`);
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
