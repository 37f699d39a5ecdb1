/**
 * Staking and slashing through consensus, on four validator processes made by
 * `strike testnet`: node3 runs with the test-only double-signing flag and is caught,
 * slashed and tombstoned with the evidence committed in a block; a delegation changes
 * voting power two heights after its block; `status` shows peers and sync state.
 */
import anyTest, { type TestFn } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { latestHeight, rpc, runCli, runCliOk, waitForHeight, portBase } from "../helpers/localNode.js";

const test = anyTest as TestFn<{ dir: string; base: number; children: ChildProcess[]; logs: string[] }>;
const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");

interface ValidatorRow {
  operator_address: string;
  consensus_address: string;
  moniker: string;
  jailed: boolean;
  tokens: string;
  power: string;
}

const node0 = (t: { context: { dir: string; base: number } }) => [
  "--home",
  join(t.context.dir, "node0"),
  "--keyring-backend",
  "test",
  "--node",
  `tcp://127.0.0.1:${t.context.base + 1}`,
];

async function validators(t: Parameters<typeof node0>[0]): Promise<ValidatorRow[]> {
  const out = JSON.parse(await runCliOk(["query", "staking", "validators", "--output", "json", ...node0(t)])) as {
    validators: ValidatorRow[];
  };
  return out.validators;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test.before(async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-validators-"));
  const base = await portBase(8);
  await runCliOk([
    "testnet",
    "--validators",
    "4",
    "--output",
    dir,
    "--starting-port",
    String(base),
    "--accounts",
    "alice",
    "--timeout-commit",
    "200ms",
  ]);
  const logs = ["", "", "", ""];
  const children = [0, 1, 2, 3].map((i) => {
    const extra = i === 3 ? ["--x-double-sign-for-testing"] : [];
    const c = spawn(process.execPath, [bin, "start", "--home", join(dir, `node${i}`), ...extra], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    c.stdout?.on("data", (d: Buffer) => (logs[i] += d.toString()));
    c.stderr?.on("data", (d: Buffer) => (logs[i] += d.toString()));
    return c;
  });
  t.context = { dir, base, children, logs };
  await waitForHeight(
    `http://127.0.0.1:${base + 1}`,
    2n,
    120_000,
    () => children[0]!.exitCode,
    () => logs[0]!,
  );
});

test.after.always(async (t) => {
  for (const c of t.context.children ?? []) c.kill("SIGKILL");
  if (t.context.dir !== undefined) await rm(t.context.dir, { recursive: true, force: true });
});

test.serial(
  "a double-signing validator is caught: the evidence is in a block, 5% of its stake is slashed, it is tombstoned and leaves the set",
  async (t) => {
    const slashed = await until("node3 to be jailed", async () =>
      (await validators(t)).find((v) => v.moniker === "node3" && v.jailed),
    );
    t.is(slashed.tokens, "95000000", "5% of the 100 STRIKE bonded");
    t.is(slashed.power, "0");
    const info = JSON.parse(
      await runCliOk(["query", "slashing", "signing-info", slashed.consensus_address, "--output", "json", ...node0(t)]),
    ) as { tombstoned: boolean };
    t.true(info.tombstoned);

    const rpcUrl = `http://127.0.0.1:${t.context.base + 1}`;
    const top = await latestHeight(rpcUrl);
    let found: { type: string; value: { vote_a: { validator_address: string } } } | undefined;
    for (let h = 1n; h <= top && found === undefined; h++) {
      const b = await rpc<{
        block: { evidence: { evidence: { type: string; value: { vote_a: { validator_address: string } } }[] } };
      }>(rpcUrl, "block", { height: String(h) });
      found = b.block.evidence.evidence[0];
    }
    t.truthy(found, "a block carries the evidence");
    t.is(found!.type, "tendermint/DuplicateVoteEvidence");
    t.is(found!.value.vote_a.validator_address, slashed.consensus_address);

    // Two heights after the slash the set has three validators, and the chain goes on without node3.
    const h = await latestHeight(rpcUrl);
    await waitForHeight(rpcUrl, h + 3n, 60_000);
    const set = await rpc<{ validators: { address: string }[] }>(rpcUrl, "validators", { height: String(h + 3n) });
    t.deepEqual(
      set.validators.map((v) => v.address).filter((a) => a === slashed.consensus_address),
      [],
    );
    t.is(set.validators.length, 3);
  },
);

test.serial("a delegation changes voting power two heights after the block that includes it", async (t) => {
  const target = (await validators(t)).find((v) => v.moniker === "node0")!;
  // The chain would refuse these in the block after charging the fee: the CLI says why and sends nothing.
  const alice = (await runCliOk(["keys", "show", "alice", "-a", ...node0(t)])).trim();
  const account = () => runCliOk(["query", "auth", "account", alice, "--output", "json", ...node0(t)]);
  const before = await account();
  const denom = await runCli([
    "tx",
    "staking",
    "delegate",
    target.operator_address,
    "5uusdc",
    "--from",
    "alice",
    "--yes",
    ...node0(t),
  ]);
  t.is(denom.code, 1);
  t.regex(denom.stderr, /stake is in ustrike, not uusdc; nothing was sent/);
  const unknown = await runCli([
    "tx",
    "staking",
    "delegate",
    alice,
    "5ustrike",
    "--from",
    "alice",
    "--yes",
    ...node0(t),
  ]);
  t.is(unknown.code, 1);
  t.true(unknown.stderr.includes(`no validator ${alice} (see \`strike query staking validators\`); nothing was sent`));
  t.is(await account(), before, "alice signed nothing");
  const out = JSON.parse(
    await runCliOk([
      "tx",
      "staking",
      "delegate",
      target.operator_address,
      "50000000ustrike",
      "--from",
      "alice",
      "--yes",
      "--output",
      "json",
      ...node0(t),
    ]),
  ) as { height: number };
  const h = BigInt(out.height);
  const rpcUrl = `http://127.0.0.1:${t.context.base + 1}`;
  await waitForHeight(rpcUrl, h + 2n, 60_000);
  const powerAt = async (height: bigint) => {
    const set = await rpc<{ validators: { address: string; voting_power: string }[] }>(rpcUrl, "validators", {
      height: String(height),
    });
    return set.validators.find((v) => v.address === target.consensus_address)?.voting_power;
  };
  t.is(await powerAt(h + 1n), "100");
  t.is(await powerAt(h + 2n), "150");
});

test.serial("status shows the peers and that the node is in sync", async (t) => {
  const out = JSON.parse(await runCliOk(["status", "--output", "json", ...node0(t)])) as {
    sync_info: { catching_up: boolean };
    peers: { id: string }[];
  };
  t.false(out.sync_info.catching_up);
  t.is(out.peers.length, 3);
});
