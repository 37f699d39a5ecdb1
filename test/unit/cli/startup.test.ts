/**
 * `strike --help` and `strike status` start in about a tenth of a second because defining the
 * commands loads no implementation: each action imports its own code when it runs. This test
 * guards that without timing anything: it runs the CLI in a child process whose module
 * resolution is recorded, and fails when a heavy module is loaded for help or status (someone
 * re-adding an eager import to a command's definition, or to a helper every definition uses).
 */
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const repo = resolve(import.meta.dirname, "../../..");
const repoUrl = pathToFileURL(repo + "/").href;

/** What the definitions must not load, each a second or a tenth of one to load. */
const HEAVY: { what: string; loaded: (url: string) => boolean }[] = [
  { what: "ethers", loaded: (u) => u.includes("/node_modules/ethers/") },
  { what: "@cosmjs/*", loaded: (u) => u.includes("/node_modules/@cosmjs/") },
  { what: "cosmjs-types", loaded: (u) => u.includes("/node_modules/cosmjs-types/") },
  { what: "the generated codecs", loaded: (u) => u.startsWith(`${repoUrl}chain/codec/generated/`) },
  { what: "the feeder", loaded: (u) => u.startsWith(`${repoUrl}feeder/`) },
  { what: "the relayer", loaded: (u) => u.startsWith(`${repoUrl}relayer/`) },
  { what: "the node (app/)", loaded: (u) => u.startsWith(`${repoUrl}app/`) },
  { what: "the config schema (zod)", loaded: (u) => u.includes("/node_modules/zod/") },
  { what: "the keyring's curves (@noble, @scure)", loaded: (u) => /\/node_modules\/@(noble|scure)\//.test(u) },
];

/**
 * Loader hooks (in their own thread) that append every resolved URL to a file. Registered
 * after tsx, so they run first and see what tsx resolves.
 */
function recorderImport(file: string): string {
  const hooks = `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(file)}, r.url + "\\t" + (context.parentURL ?? "") + "\\n");
  return r;
}`;
  const register = `import { register } from "node:module";
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
  return `--import=data:text/javascript,${encodeURIComponent(register)}`;
}

interface Resolved {
  url: string;
  parent: string;
}

/** Runs `strike <args>` from the sources; returns its output and every module it resolved, with its importer. */
async function runRecorded(args: string[]): Promise<{ stdout: string; stderr: string; urls: Resolved[] }> {
  const dir = mkdtempSync(join(tmpdir(), "strike-startup-"));
  const file = join(dir, "modules.txt");
  try {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((done) =>
      execFile(
        process.execPath,
        ["--import=tsx", recorderImport(file), join(repo, "cli/main.ts"), ...args],
        { cwd: repo },
        // status against no node exits 1 on purpose: the output says what happened.
        (_err, out, err) => done({ stdout: out, stderr: err }),
      ),
    );
    const urls = readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const [url = "", parent = ""] = line.split("\t");
        return { url, parent };
      });
    return { stdout, stderr, urls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A module's path as a reader knows it: from the repo, or from node_modules. */
function shortName(url: string): string {
  const i = url.lastIndexOf("/node_modules/");
  if (i >= 0) return url.slice(i + 1);
  return url.startsWith(repoUrl) ? url.slice(repoUrl.length) : url;
}

/** Each heavy module loaded, with the first import that pulled it in (what to make lazy). */
function heavyLoaded(urls: Resolved[]): string[] {
  return HEAVY.flatMap((h) => {
    const first = urls.find((r) => h.loaded(r.url));
    return first === undefined ? [] : [`${h.what}: ${shortName(first.url)} imported by ${shortName(first.parent)}`];
  });
}

/** A port with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

for (const args of [
  ["--help"],
  ["tx", "--help"],
  ["query", "--help"],
  ["l1", "--help"],
  ["relayer", "start", "--help"],
]) {
  test(`strike ${args.join(" ")} loads no command's implementation`, async (t) => {
    const { stdout, urls } = await runRecorded(args);
    t.regex(stdout, /^Usage: strike/);
    // The recorder saw the definitions load, so an empty list below means something.
    t.true(urls.some((r) => r.url.startsWith(`${repoUrl}cli/commands/`)));
    t.true(urls.some((r) => r.url.includes("/node_modules/commander/")));
    t.deepEqual(heavyLoaded(urls), []);
  });
}

test("strike status against no node says so, and loads no client library", async (t) => {
  const port = await closedPort();
  const { stderr, urls } = await runRecorded(["status", "--node", `tcp://127.0.0.1:${port}`]);
  t.regex(stderr, new RegExp(`cannot reach the node at http://127\\.0\\.0\\.1:${port}`));
  t.deepEqual(heavyLoaded(urls), []);
});

test("the recorder catches a heavy module when a command does load one", async (t) => {
  // `query tx` with a malformed hash fails before connecting, but only after its action
  // module (and the keyring it opens) is loaded: proof the checks above can fail.
  const { stderr, urls } = await runRecorded(["query", "tx", "not-a-hash"]);
  t.regex(stderr, /is not a 64-character hex tx hash/);
  t.true(urls.some((r) => r.url.startsWith(`${repoUrl}cli/commands/queryActions`)));
  t.notDeepEqual(heavyLoaded(urls), []);
});
