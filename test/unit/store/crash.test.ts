import test from "ava";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openRocksDatabase } from "../../../chain/store/rocksDb.js";
import { computeStateRoot, openStateStore, verifyProof } from "../../../chain/store/stateStore.js";
import { utf8 } from "../../../chain/types/bytes.js";

const child = fileURLToPath(new URL("./fixtures/commitLoop.ts", import.meta.url));

/** Runs the committing child until it has written `minVersions` more versions plus a random moment, then SIGKILLs it. */
async function runAndKill(dir: string, minVersions: number): Promise<number> {
  const proc = spawn(process.execPath, ["--import", "tsx", child, dir], { stdio: ["ignore", "pipe", "inherit"] });
  let last = 0;
  let seen = 0;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    proc.once("exit", (code, signal) => reject(new Error(`child exited early: ${code ?? signal}`)));
    proc.stdout.setEncoding("utf8");
    let buffered = "";
    proc.stdout.on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        last = Number(line);
        if (++seen === minVersions) resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)));
  proc.kill("SIGKILL");
  await exited;
  return last;
}

test("a node killed with SIGKILL mid-commit reopens at a version whose root matches its values", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-crash-"));
  try {
    for (let round = 0; round < 2; round++) {
      const reported = await runAndKill(dir, 15);
      const db = await openRocksDatabase(dir);
      try {
        const store = await openStateStore({ db, keepRecent: 5 });
        // Every version the child reported was written; a later one may have been too.
        t.true(store.version >= reported, `reopened at ${store.version}, child reported ${reported}`);
        t.deepEqual(store.root, computeStateRoot([...store.working.iterator()]));
        const probe = await store.getAt(utf8("key-1"), store.version - 1);
        t.true(verifyProof(probe.root, probe.proof));
      } finally {
        await db.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
