/**
 * Interactive questions on stderr (stdout stays clean for `--output json`). Works with a
 * terminal (passphrases are not echoed) and with piped stdin (one answer per line).
 */
import { createInterface, type Interface } from "node:readline";
import { cliErrors } from "./errors.js";

let rl: Interface | undefined;
let muted = false;
const pending: string[] = [];
const waiting: ((line: string | undefined) => void)[] = [];
let closed = false;

function reader(): Interface {
  if (rl !== undefined) return rl;
  rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
  // Hide typed passphrases: readline echoes through this method.
  const anyRl = rl as unknown as { _writeToOutput: (s: string) => void };
  const write = anyRl._writeToOutput.bind(rl);
  anyRl._writeToOutput = (s: string) => {
    if (!muted || s.includes("\n")) write(muted ? "\n" : s);
  };
  rl.on("line", (line) => {
    const w = waiting.shift();
    if (w !== undefined) w(line);
    else pending.push(line);
  });
  rl.on("close", () => {
    closed = true;
    for (const w of waiting.splice(0)) w(undefined);
  });
  return rl;
}

async function ask(question: string, hidden: boolean): Promise<string> {
  const r = reader();
  process.stderr.write(question);
  muted = hidden && process.stdin.isTTY === true;
  r.resume();
  const line =
    pending.shift() ?? (closed ? undefined : await new Promise<string | undefined>((res) => waiting.push(res)));
  muted = false;
  r.pause();
  if (line === undefined)
    throw cliErrors.noInput(
      `no answer to "${question.trim()}" (stdin closed); use --yes or the environment variables for scripts`,
    );
  return line;
}

export function closePrompt(): void {
  rl?.close();
  rl = undefined;
}

export async function promptLine(question: string): Promise<string> {
  return ask(question, false);
}

export async function promptSecret(question: string): Promise<string> {
  return ask(question, true);
}

export async function confirm(question: string): Promise<boolean> {
  const a = (await promptLine(`${question} [y/N]: `)).trim().toLowerCase();
  return a === "y" || a === "yes";
}

/** The keyring passphrase: from STRIKE_KEYRING_PASSPHRASE, else asked (twice when new). */
export async function keyringPassphrase(request: { creating: boolean; keyringDir: string }): Promise<string> {
  const env = process.env["STRIKE_KEYRING_PASSPHRASE"];
  if (env !== undefined && env !== "") return env;
  const pass = await promptSecret(`Enter keyring passphrase (${request.keyringDir}): `);
  if (request.creating) {
    if (pass.length < 8) throw cliErrors.badPassphrase("the passphrase must have at least 8 characters");
    const again = await promptSecret("Re-enter keyring passphrase: ");
    if (again !== pass) throw cliErrors.badPassphrase("the passphrases do not match");
  }
  return pass;
}
