/**
 * The layer checker (.dependency-cruiser.cjs, run on the real tree by `make layers` inside
 * `make test`) must catch what it claims to. Each case builds a tiny tree in a temporary
 * folder with the project's folder names and one deliberate violation, runs the checker with
 * the project's own config, and expects exactly the rule that guards it to fire. A clean
 * tree of the same shape must pass, so a rule that fires on everything fails here too.
 */
import test from "ava";
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, "../..");
const depcruise = join(repo, "node_modules/.bin/depcruise");
const config = join(repo, ".dependency-cruiser.cjs");

/** A legal tree: every file here imports only what the map allows. */
const CLEAN: Record<string, string> = {
  "chain/types/bytes.ts": "export const empty = new Uint8Array();\n",
  "chain/store/kv.ts": 'import { empty } from "../types/bytes.js";\nexport const start = empty;\n',
  "chain/runtime/context.ts": 'import { start } from "../store/kv.js";\nexport const ctx = { start };\n',
  "chain/consensus/driver.ts": 'import { empty } from "../types/bytes.js";\nexport const driver = empty;\n',
  "modules/bank/expectedKeepers.ts": "export interface AccountReader {\n  has(a: string): boolean;\n}\n",
  "modules/bank/keeper.ts":
    'import { ctx } from "../../chain/runtime/context.js";\nimport type { AccountReader } from "./expectedKeepers.js";\nexport const keeper = (r: AccountReader) => [ctx, r];\n',
  "modules/bank/state.ts":
    'import { ctx } from "../../chain/runtime/context.js";\nexport const setBalance = (n: number) => [ctx, n];\n',
  "modules/bank/index.ts": 'export { keeper } from "./keeper.js";\n',
  "modules/auth/keeper.ts": 'import { ctx } from "../../chain/runtime/context.js";\nexport const auth = ctx;\n',
  "modules/auth/index.ts": 'export { auth } from "./keeper.js";\n',
  "app/strikeApp.ts":
    'import { keeper } from "../modules/bank/index.js";\nimport { auth } from "../modules/auth/index.js";\nimport { driver } from "../chain/consensus/driver.js";\nexport const app = [keeper, auth, driver];\n',
  "cli/index.ts": 'import { app } from "../app/strikeApp.js";\nexport const cli = app;\n',
};

const VIOLATIONS: { rule: string; file: string; source: string }[] = [
  {
    rule: "chain-is-the-framework",
    file: "chain/runtime/wiring.ts",
    source: 'import { keeper } from "../../modules/bank/index.js";\nexport const w = keeper;\n',
  },
  {
    rule: "chain-store-layer",
    file: "chain/store/upward.ts",
    source: 'import { ctx } from "../runtime/context.js";\nexport const u = ctx;\n',
  },
  {
    rule: "modules-meet-through-expected-keepers",
    file: "modules/bank/reach.ts",
    source: 'import { auth } from "../auth/index.js";\nexport const r = auth;\n',
  },
  {
    rule: "module-internals-stay-inside",
    file: "app/rawSetter.ts",
    source: 'import { setBalance } from "../modules/bank/state.js";\nexport const s = setBalance;\n',
  },
  {
    // An expected keeper is an interface: it may not hand another module's setters over.
    rule: "module-internals-stay-inside",
    file: "modules/auth/expectedKeepers.ts",
    source: 'import { setBalance } from "../bank/state.js";\nexport type BankWriter = typeof setBalance;\n',
  },
  {
    rule: "modules-below-the-node",
    file: "modules/bank/consensusPeek.ts",
    source: 'import { driver } from "../../chain/consensus/driver.js";\nexport const p = driver;\n',
  },
  {
    rule: "nothing-imports-the-cli",
    file: "app/back.ts",
    source: 'import { cli } from "../cli/index.js";\nexport const b = cli;\n',
  },
  {
    rule: "no-circular",
    file: "chain/types/loopA.ts",
    source: 'import type { B } from "./loopB.js";\nexport interface A {\n  b?: B;\n}\n',
  },
];
const LOOP_B = { "chain/types/loopB.ts": 'import type { A } from "./loopA.js";\nexport interface B {\n  a?: A;\n}\n' };

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "strike-layers-"));
  await writeFile(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true } }),
  );
  for (const [path, source] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), source);
  }
  return dir;
}

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

async function check(dir: string): Promise<Violation[]> {
  const { stdout } = await run(
    depcruise,
    ["--config", config, "--output-type", "json", "app", "chain", "modules", "cli"],
    {
      cwd: dir,
      maxBuffer: 64 << 20,
    },
  ).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? "" }));
  const report = JSON.parse(stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations;
}

test("a tree that follows the layer map passes the checker", async (t) => {
  const dir = await tree(CLEAN);
  try {
    t.deepEqual(await check(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

for (const v of VIOLATIONS) {
  test(`the checker refuses ${v.file}: ${v.rule}`, async (t) => {
    const extra = v.rule === "no-circular" ? LOOP_B : {};
    const dir = await tree({ ...CLEAN, ...extra, [v.file]: v.source });
    try {
      const found = await check(dir);
      t.true(found.length > 0, "the violation went unnoticed");
      t.deepEqual([...new Set(found.map((f) => f.rule.name))], [v.rule]);
      t.true(found.every((f) => f.from === v.file || f.to === v.file));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
