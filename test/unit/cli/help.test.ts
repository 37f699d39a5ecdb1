import test from "ava";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Command } from "commander";
import { allCommands, createProgram } from "../../../cli/program.js";

const run = promisify(execFile);

function helpOf(cmd: Command): string {
  let out = "";
  cmd.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  cmd.outputHelp();
  return out;
}

function fullName(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

test("every command has a description and its --help ends with an example", (t) => {
  const commands = allCommands(createProgram());
  t.true(commands.length >= 18);
  for (const cmd of commands) {
    t.not(cmd.description(), "", `${fullName(cmd)} has no description`);
    const help = helpOf(cmd);
    t.regex(help, /Examples?:\n {2}\$ strike /, `${fullName(cmd)} --help has no example`);
  }
});

test("the expected commands exist", (t) => {
  const names = allCommands(createProgram()).map(fullName);
  for (const n of [
    "strike init",
    "strike genesis add-account",
    "strike start",
    "strike keys add",
    "strike keys list",
    "strike keys show",
    "strike keys delete",
    "strike keys export",
    "strike keys import",
    "strike tx bank send",
    "strike query bank balances",
    "strike query auth account",
    "strike query tx",
    "strike status",
  ]) {
    t.true(names.includes(n), n);
  }
});

test("start accepts a flag for every config setting, named like its TOML key", (t) => {
  const start = allCommands(createProgram()).find((c) => fullName(c) === "strike start")!;
  const flags = start.options.map((o) => o.long);
  for (const f of [
    "--rpc.laddr",
    "--p2p.laddr",
    "--consensus.timeout_commit",
    "--minimum-gas-prices",
    "--p2p.persistent_peers",
  ])
    t.true(flags.includes(f), f);
});

test("`node bin/strike.js --help` runs the real binary and shows the global options and an example", async (t) => {
  const { stdout } = await run(process.execPath, ["bin/strike.js", "--help"]);
  for (const s of ["--home", "--node", "--chain-id", "--output", "--keyring-backend", "--yes", "Examples:"])
    t.true(stdout.includes(s), s);
});
