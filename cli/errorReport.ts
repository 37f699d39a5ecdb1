/** What the `strike` command tells a user about an error: text with code and codespace, or JSON. */
import { isStrikeError } from "../chain/types/errors.js";
import { isNetworkError } from "./client.js";
import { cliErrors } from "./errors.js";
import { toJson } from "./output.js";

export interface CliErrorReport {
  code: number;
  codespace: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * What the user is told. A refused tx reports the module's code (its details carry it),
 * since that is the one to act on; other errors their own registered code.
 */
export function errorReport(e: unknown): CliErrorReport {
  if (isStrikeError(e)) {
    const { code, codespace, ...rest } = e.details as { code?: unknown; codespace?: unknown };
    const fromTx = typeof code === "number" && typeof codespace === "string" && codespace !== "";
    return {
      code: fromTx ? code : e.code,
      codespace: fromTx ? codespace : e.codespace,
      message: e.message,
      ...(Object.keys(rest).length > 0 ? { details: rest } : {}),
    };
  }
  if (isNetworkError(e)) {
    const err = cliErrors.nodeUnreachable(`cannot reach the node: ${(e as Error).message}`);
    return { code: err.code, codespace: err.codespace, message: err.message };
  }
  return { code: 1, codespace: "undefined", message: e instanceof Error ? e.message : String(e) };
}

export function wantsJson(argv: readonly string[]): boolean {
  const i = argv.lastIndexOf("--output");
  return argv.includes("--output=json") || (i >= 0 && argv[i + 1] === "json");
}

export function formatError(report: CliErrorReport, json: boolean): string {
  if (json) return JSON.stringify(JSON.parse(toJson({ error: report })));
  const tag = `code ${report.code}, codespace ${report.codespace}`;
  return report.message.includes(tag) ? `Error: ${report.message}` : `Error: ${report.message} (${tag})`;
}
