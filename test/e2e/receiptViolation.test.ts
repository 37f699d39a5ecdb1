/**
 * Receipt enforcement across real node processes: four validators from `strike testnet`,
 * node0 started with the test-only Byzantine sequencer flag ("drop": it leaves one
 * receipted tx out of its proposal). The client library, holding the receipt and talking
 * to an honest node, sees the committed block break it; `strike receipt report` reports it
 * (MsgCommitReport, then MsgReceiptViolation revealing it); the sequencer is slashed and
 * jailed within 10 blocks of the broken block, and the reporter is paid its share
 * claim_window blocks after the reveal. A copier who reports the same proof after her gets
 * nothing. (The library reporting by itself is receiptViolationModes.test.ts.)
 */
import { jsonRpcQuerier } from "../../chain/client/comet.js";
import { strikeQueries } from "../../chain/client/queries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";
import anyTest, { type TestFn } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { createStrikeRegistry } from "../../chain/codec/registry.js";
import { createSoftFinalityClient, type SequencerInfo } from "../../chain/sequencer/client.js";
import { createReceiptChecker, type ReceiptCheck } from "../../chain/sequencer/receiptCheck.js";
import { reportViolation, type ReportOutcome } from "../../chain/sequencer/violationReport.js";
import { createCosmjsViolationSigner } from "../../chain/sequencer/violationSigner.js";
import { receiptsErrors } from "../../modules/receipts/index.js";
import { Keyring } from "../../cli/keyring/keyring.js";
import { rpc, runCli, runCliOk, waitForHeight, portBase } from "../helpers/localNode.js";

interface Proc {
  home: string;
  rpcUrl: string;
  child?: ChildProcess;
  log: string;
}

const test = anyTest as TestFn<{ dir: string; nodes: Proc[]; chainId: string }>;
const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");
const VALIDATORS = 4;

test.before(async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "strike-violation-"));
  const base = await portBase(8);
  await runCliOk([
    "testnet",
    "--validators",
    String(VALIDATORS),
    "--output",
    dir,
    "--starting-port",
    String(base),
    "--accounts",
    "alice,carol",
    // A permissioned oracle fed by nobody: no price txs, so the one tx the sequencer drops is the test's.
    "--feeder",
    "carol",
    "--timeout-commit",
    // The report is a CLI process started once the violation is found: from finding it to the
    // commitment's block took 3–4 blocks of 300 ms on an idle machine (process start, key,
    // signing, the commit's wait), and a CI run on a loaded 2-core machine took 11 in all.
    "500ms",
  ]);
  const nodes: Proc[] = Array.from({ length: VALIDATORS }, (_, i) => ({
    home: join(dir, `node${i}`),
    rpcUrl: `http://127.0.0.1:${base + 10 * i + 1}`,
    log: "",
  }));
  t.context = { dir, nodes, chainId: "" };
  nodes.forEach((n, i) => {
    const extra = i === 0 ? ["--x-byzantine-sequencer-for-testing", "drop"] : [];
    const child = spawn(process.execPath, [bin, "start", "--home", n.home, ...extra], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => (n.log += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (n.log += d.toString()));
    n.child = child;
  });
  for (const n of nodes)
    await waitForHeight(
      n.rpcUrl,
      3n,
      120_000,
      () => n.child?.exitCode ?? null,
      () => n.log,
    );
  t.context.chainId = (await rpc<{ node_info: { network: string } }>(nodes[0]!.rpcUrl, "status")).node_info.network;
});

test.after.always(async (t) => {
  for (const n of t.context.nodes ?? []) {
    const c = n.child;
    if (c === undefined || c.exitCode !== null) continue;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGKILL");
    await exited;
  }
  if (t.context.dir !== undefined) await rm(t.context.dir, { recursive: true, force: true });
});

async function wallet(home: string, name: string): Promise<DirectSecp256k1Wallet> {
  const kr = new Keyring({ home, backend: "test" });
  return DirectSecp256k1Wallet.fromKey(await kr.privateKey(name), "strike");
}

async function latest(rpcUrl: string): Promise<bigint> {
  const s = await rpc<{ sync_info: { latest_block_height: string } }>(rpcUrl, "status");
  return BigInt(s.sync_info.latest_block_height);
}

async function validatorOf(rpcUrl: string, consAddress: string) {
  const staking = strikeQueries(createQueryRpc(jsonRpcQuerier(rpcUrl))).staking;
  return (await staking.Validator({ operatorAddress: "", consensusAddress: consAddress })).validator!.validator!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial(
  "a sequencer that drops a receipted tx is reported with `strike receipt report`, slashed and jailed within 10 blocks; the reporter is paid and a copier of the report gets nothing",
  async (t) => {
    const { nodes, chainId } = t.context;
    const [byzantine, honest] = [nodes[0]!, nodes[1]!];
    const home0 = byzantine.home;
    const alice = await wallet(home0, "alice");
    const carol = await wallet(home0, "carol");
    const [aliceAddress, carolAddress] = [
      (await alice.getAccounts())[0]!.address,
      (await carol.getAccounts())[0]!.address,
    ];
    const byzantineAddress = (await rpc<{ validator_info: { address: string } }>(byzantine.rpcUrl, "status"))
      .validator_info.address;

    // Wait for an epoch of node0's with a few heights to go, so that the tx lands in its block.
    const soft = createSoftFinalityClient(byzantine.rpcUrl);
    for (let i = 0; ; i++) {
      const info: SequencerInfo = await soft.sequencer();
      const h = BigInt(
        (await rpc<{ sync_info: { latest_block_height: string } }>(byzantine.rpcUrl, "status")).sync_info
          .latest_block_height,
      );
      if (info.is_self && BigInt(info.planned_end_height) - h >= 3n) break;
      if (i > 600) t.fail("node0 never became the sequencer");
      await sleep(200);
    }

    const before = await validatorOf(honest.rpcUrl, byzantineAddress);
    const query = await StargateClient.connect(honest.rpcUrl);
    const carolBefore = BigInt((await query.getBalance(carolAddress, "ustrike")).amount);

    const signing = await SigningStargateClient.connectWithSigner(byzantine.rpcUrl, alice, {
      registry: createStrikeRegistry(),
    });
    const raw = await signing.sign(
      aliceAddress,
      [
        {
          typeUrl: "/cosmos.bank.v1beta1.MsgSend",
          value: { fromAddress: aliceAddress, toAddress: carolAddress, amount: [{ denom: "uusdc", amount: "1" }] },
        },
      ],
      { amount: [{ denom: "ustrike", amount: "5000" }], gas: "200000" },
      "",
    );
    signing.disconnect();
    const sent = await soft.submit(TxRaw.encode(raw).finish(), { receiptWaitMs: 5_000 });
    t.is(sent.checkTx.code, 0, sent.checkTx.log);
    t.truthy(sent.receipt, "the sequencer answered with a signed receipt");
    const promised = sent.receipt!.receipt as { height: string; index: number; sequencer_address: string };
    t.is(promised.sequencer_address, byzantineAddress);
    const brokenHeight = BigInt(promised.height);

    // The client library, watching through an honest node, finds the broken promise.
    const checker = createReceiptChecker({ rpcUrl: honest.rpcUrl, chainId });
    checker.hold(sent.receipt);
    let verdict: ReceiptCheck | undefined;
    for (let i = 0; i < 300; i++) {
      [verdict] = await checker.check();
      if (verdict!.verdict !== "pending") break;
      await sleep(200);
    }
    t.is(verdict?.verdict, "violated", verdict?.detail);
    const foundAt = await latest(honest.rpcUrl);

    // Carol reports it with the CLI: commitment, then reveal.
    const receiptFile = join(t.context.dir, "broken-receipt.json");
    await writeFile(receiptFile, JSON.stringify(sent.receipt));
    const cli = await runCli([
      "receipt",
      "report",
      receiptFile,
      "--from",
      "carol",
      "--home",
      home0,
      "--keyring-backend",
      "test",
      "--node",
      honest.rpcUrl,
      "--yes",
      "--output",
      "json",
    ]);
    t.is(cli.code, 0, `${cli.stdout}\n${cli.stderr}`);
    const out = JSON.parse(cli.stdout) as ReportOutcome & { accepted: boolean };
    t.true(out.accepted);
    t.is(out.commit.committedCode, 0);
    t.true(
      BigInt(out.reveal!.height!) > BigInt(out.commit.height!),
      "the reveal comes in a later block than its commitment",
    );
    const revealHeight = BigInt(out.reveal!.height!);
    t.true(
      revealHeight - brokenHeight <= 10n,
      `broken at ${brokenHeight}, found at ${foundAt}, committed at ${out.commit.height}, punished at ${revealHeight}`,
    );
    t.log(
      `receipt ${brokenHeight}/${promised.index} broken; found at ${foundAt}, committed at ${out.commit.height}, revealed at ${revealHeight}`,
    );

    const after = await validatorOf(honest.rpcUrl, byzantineAddress);
    t.true(after.jailed);
    const slashed = BigInt(before.tokens) - BigInt(after.tokens);
    t.is(slashed, (BigInt(before.tokens) * 5n) / 100n);
    t.is(out.slashed, slashed.toString());
    t.is(out.reward, (slashed / 10n).toString());
    const rewardHeight = BigInt(out.rewardHeight!);
    t.is(rewardHeight - revealHeight, 32n, "paid claim_window (default 32) blocks after the reveal");

    // `strike receipt reports carol` shows her revealed commitment and, before its payment, her claim.
    const askedAt = BigInt(await query.getHeight());
    const reports = await runCli([
      "receipt",
      "reports",
      "carol",
      "--home",
      home0,
      "--keyring-backend",
      "test",
      "--node",
      honest.rpcUrl,
      "--output",
      "json",
    ]);
    t.is(reports.code, 0, reports.stderr);
    const shown = JSON.parse(reports.stdout) as {
      reporter: string;
      commitments: { revealed: boolean; height: string }[];
      claims: { reporter: string; reward: string; pay_height: string }[];
    };
    t.is(shown.reporter, carolAddress);
    t.true(shown.commitments.some((c) => c.revealed && c.height === out.commit.height));
    t.true(
      shown.claims.every(
        (c) => c.reporter === carolAddress && c.reward === out.reward && c.pay_height === out.rewardHeight,
      ),
    );
    if (askedAt + 3n < rewardHeight) t.is(shown.claims.length, 1, "the claim waits for its payment height");

    // Alice copies the proof and reports it under her own name: her commitment comes after
    // carol's, so her reveal changes nothing, and the sequencer is not slashed again.
    const aliceBefore = BigInt((await query.getBalance(aliceAddress, "ustrike")).amount);
    const copier = await createCosmjsViolationSigner(honest.rpcUrl, alice);
    const { receipt, committed, conflicting } = verdict!.violation!;
    const copy = await reportViolation({
      rpcUrl: honest.rpcUrl,
      chainId,
      signer: copier,
      violation: { receipt, committed, conflicting },
    });
    copier.disconnect();
    t.is(copy.commit.committedCode, 0, copy.commit.log);
    const copyHeight = BigInt(copy.reveal!.height!);
    // Inside the claim window the earlier claim wins; after the payment the fault is closed.
    const expected = copyHeight <= rewardHeight ? receiptsErrors.laterClaim : receiptsErrors.alreadyPunished;
    t.is(copy.reveal!.committedCode, expected.code, copy.reveal!.log);
    t.is(BigInt((await validatorOf(honest.rpcUrl, byzantineAddress)).tokens), BigInt(after.tokens), "slashed once");

    await waitForHeight(honest.rpcUrl, rewardHeight, 180_000);
    const carolAfter = BigInt((await query.getBalance(carolAddress, "ustrike")).amount);
    t.is(carolAfter - carolBefore, slashed / 10n - 40_000n, "the reporter got 10% of the slash, less its two fees");
    const aliceAfter = BigInt((await query.getBalance(aliceAddress, "ustrike")).amount);
    t.is(aliceAfter - aliceBefore, -40_000n, "the copier paid its two fees and got nothing");
    query.disconnect();
  },
);
