/**
 * Receipt enforcement across real node processes for the Byzantine modes the drop test
 * (receiptViolation.test.ts) does not cover: node0 of a 4-validator localnet started with
 * `--x-byzantine-sequencer-for-testing reorder` (it swaps the first two receipted txs of a
 * proposal), `equivocate` (it signs a second receipt with another result for one slot) or
 * `false_fills` (it signs a receipt whose fill the tx's own promised result denies).
 * The client library, holding the receipts and talking to an honest node, finds the
 * violation, proves it and reports it by itself, commit then reveal; the sequencer is slashed
 * and jailed within 10 blocks, and the reporter is paid its share claim_window blocks later.
 */
import test, { type ExecutionContext } from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import WebSocket from "ws";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { createStrikeRegistry } from "../../chain/codec/registry.js";
import { jsonRpcQuerier } from "../../chain/client/comet.js";
import { strikeQueries } from "../../chain/client/queries.js";
import { createQueryRpc } from "../../chain/client/queryRpc.js";
import type { ByzantineMode } from "../../chain/sequencer/byzantine.js";
import { createSoftFinalityClient, type SequencerInfo } from "../../chain/sequencer/client.js";
import { createReceiptChecker, type ReceiptCheck } from "../../chain/sequencer/receiptCheck.js";
import { createCosmjsViolationSigner } from "../../chain/sequencer/violationSigner.js";
import { Keyring } from "../../cli/keyring/keyring.js";
import { rpc, runCliOk, waitForHeight, portBase } from "../helpers/localNode.js";

interface Proc {
  home: string;
  rpcUrl: string;
  child: ChildProcess;
  log: string;
}

const bin = resolve(import.meta.dirname, "..", "..", "bin", "strike.js");
const VALIDATORS = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startNet(mode: ByzantineMode): Promise<{ dir: string; nodes: Proc[]; chainId: string }> {
  const dir = await mkdtemp(join(tmpdir(), `strike-${mode}-`));
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
    "alice,bob,carol",
    // A permissioned oracle fed by nobody: no price txs, so the txs the sequencer breaks are the test's.
    "--feeder",
    "carol",
    "--timeout-commit",
    "300ms",
  ]);
  const nodes: Proc[] = Array.from({ length: VALIDATORS }, (_, i) => {
    const home = join(dir, `node${i}`);
    const extra = i === 0 ? ["--x-byzantine-sequencer-for-testing", mode] : [];
    const child = spawn(process.execPath, [bin, "start", "--home", home, ...extra], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const n: Proc = { home, rpcUrl: `http://127.0.0.1:${base + 10 * i + 1}`, child, log: "" };
    const keep = (d: Buffer) => (n.log = (n.log + d.toString()).slice(-100_000));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    return n;
  });
  try {
    for (const n of nodes)
      await waitForHeight(
        n.rpcUrl,
        3n,
        300_000,
        () => n.child.exitCode,
        () => n.log,
      );
  } catch (e) {
    await stopNet({ dir, nodes });
    throw e;
  }
  const chainId = (await rpc<{ node_info: { network: string } }>(nodes[0]!.rpcUrl, "status")).node_info.network;
  return { dir, nodes, chainId };
}

async function stopNet(net: { dir: string; nodes: Proc[] }): Promise<void> {
  for (const n of net.nodes) {
    if (n.child.exitCode !== null || n.child.signalCode !== null) continue;
    const exited = new Promise<void>((r) => n.child.once("exit", () => r()));
    n.child.kill("SIGKILL");
    await exited;
  }
  await rm(net.dir, { recursive: true, force: true });
}

async function wallet(home: string, name: string): Promise<DirectSecp256k1Wallet> {
  const kr = new Keyring({ home, backend: "test" });
  return DirectSecp256k1Wallet.fromKey(await kr.privateKey(name), "strike");
}

async function validatorOf(rpcUrl: string, consAddress: string) {
  const staking = strikeQueries(createQueryRpc(jsonRpcQuerier(rpcUrl))).staking;
  return (await staking.Validator({ operatorAddress: "", consensusAddress: consAddress })).validator!.validator!;
}

async function latest(rpcUrl: string): Promise<bigint> {
  const s = await rpc<{ sync_info: { latest_block_height: string } }>(rpcUrl, "status");
  return BigInt(s.sync_info.latest_block_height);
}

/** Waits for an epoch of node0's with heights to go, so that the txs sent next land in its blocks. */
async function epochOfNode0(soft: ReturnType<typeof createSoftFinalityClient>, rpcUrl: string): Promise<void> {
  for (let i = 0; ; i++) {
    const info: SequencerInfo = await soft.sequencer();
    if (info.is_self && BigInt(info.planned_end_height) - (await latest(rpcUrl)) >= 4n) return;
    if (i > 900) throw new Error("node0 never became the sequencer");
    await sleep(200);
  }
}

/**
 * Signs one 1-uusdc send from each of `senders` to `to`, submits them at once to node0 and
 * returns their outcomes with every receipt node0 streamed meanwhile: an equivocation's two
 * receipts for one slot reach a client on the websocket topic (the RPC answers with the latest
 * only).
 */
async function sendPair(
  soft: ReturnType<typeof createSoftFinalityClient>,
  rpcUrl: string,
  senders: DirectSecp256k1Wallet[],
  to: string,
) {
  const streamed: unknown[] = [];
  const ws = new WebSocket(rpcUrl.replace("http", "ws") + "/websocket");
  await new Promise<void>((r, j) => {
    ws.once("open", () => r());
    ws.once("error", j);
  });
  ws.on("message", (raw: Buffer) => {
    const msg = JSON.parse(raw.toString()) as { result?: { data?: { value?: unknown } } };
    if (msg.result?.data?.value !== undefined) streamed.push(msg.result.data.value);
  });
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { query: "tm.event='Receipt'" } }));
  await sleep(300);
  const signed = await Promise.all(
    senders.map(async (w) => {
      const from = (await w.getAccounts())[0]!.address;
      const c = await SigningStargateClient.connectWithSigner(rpcUrl, w, { registry: createStrikeRegistry() });
      const raw = await c.sign(
        from,
        [
          {
            typeUrl: "/cosmos.bank.v1beta1.MsgSend",
            value: { fromAddress: from, toAddress: to, amount: [{ denom: "uusdc", amount: "1" }] },
          },
        ],
        { amount: [{ denom: "ustrike", amount: "5000" }], gas: "200000" },
        "",
      );
      c.disconnect();
      return TxRaw.encode(raw).finish();
    }),
  );
  const sent = await Promise.all(signed.map((tx) => soft.submit(tx, { receiptWaitMs: 5_000 })));
  await sleep(1000);
  ws.close();
  return { sent, streamed };
}

async function violatingSequencerIsPunished(t: ExecutionContext, mode: ByzantineMode): Promise<void> {
  t.timeout(600_000);
  const net = await startNet(mode);
  try {
    const { nodes, chainId } = net;
    const [byzantine, honest] = [nodes[0]!, nodes[1]!];
    const senders = [await wallet(byzantine.home, "alice"), await wallet(byzantine.home, "bob")];
    const carol = await wallet(byzantine.home, "carol");
    const carolAddress = (await carol.getAccounts())[0]!.address;
    const byzantineAddress = (await rpc<{ validator_info: { address: string } }>(byzantine.rpcUrl, "status"))
      .validator_info.address;

    const soft = createSoftFinalityClient(byzantine.rpcUrl);
    const before = await validatorOf(honest.rpcUrl, byzantineAddress);
    const query = await StargateClient.connect(honest.rpcUrl);
    const carolBefore = BigInt((await query.getBalance(carolAddress, "ustrike")).amount);
    const signer = await createCosmjsViolationSigner(honest.rpcUrl, carol);
    const checker = createReceiptChecker({ rpcUrl: honest.rpcUrl, chainId, signer });

    // Two sends at once (alice and bob): "reorder" needs two receipted txs in one proposal.
    // Sent together they usually share a height; when a height closes between them, the pair
    // is committed as sent (one tx per proposal: nothing to swap) and another pair is sent.
    for (let attempt = 1; ; attempt++) {
      await epochOfNode0(soft, byzantine.rpcUrl);
      const { sent, streamed } = await sendPair(soft, byzantine.rpcUrl, senders, carolAddress);
      for (const s of sent) {
        t.is(s.checkTx.code, 0, s.checkTx.log);
        t.truthy(s.receipt, "the sequencer answered with a signed receipt");
        t.is((s.receipt!.receipt as { sequencer_address: string }).sequencer_address, byzantineAddress);
        checker.hold(s.receipt);
      }
      for (const r of streamed) checker.hold(r);
      const heights = sent.map((s) => BigInt((s.receipt!.receipt as { height: string }).height));
      if (mode !== "reorder" || heights[0] === heights[1]) break;
      t.log(`attempt ${attempt}: the two sends were receipted at heights ${heights.join(", ")}, not in one proposal`);
      if (attempt === 5) {
        signer.disconnect();
        return t.fail("five pairs of sends never shared a height");
      }
      for (const s of sent) t.truthy(await soft.waitForCommit(s.hash, 60_000), "the pair is committed before the next");
    }

    let violated: ReceiptCheck | undefined;
    for (let i = 0; i < 300 && violated === undefined; i++) {
      const verdicts = await checker.check();
      violated = verdicts.find((v) => v.verdict === "violated");
      if (violated === undefined && verdicts.every((v) => v.verdict !== "pending")) break;
      await sleep(200);
    }
    signer.disconnect();
    if (violated === undefined) return t.fail(`no violation found (${mode})`);
    t.log(`${mode}: ${violated.detail}`);
    if (mode === "equivocate") t.truthy(violated.violation?.conflicting, "the proof is the second receipt");
    else if (mode === "false_fills") {
      t.regex(
        violated.detail,
        /the receipt contradicts itself: it shows 1 fill\(s\); the result it promises records 0 trade/,
      );
      t.is(violated.violation?.committed, undefined, "the proof is the receipt alone");
      t.is(violated.violation?.conflicting, undefined);
    } else t.truthy(violated.violation?.committed, "the proof is the committed slot");
    t.is(violated.report?.code, 0, violated.report?.log);

    const client = createSoftFinalityClient(honest.rpcUrl);
    const included = await client.waitForCommit(violated.report!.hash, 60_000);
    t.truthy(included, "the report was committed");
    t.is(included!.code, 0);
    const brokenHeight = BigInt(violated.height);
    t.true(
      BigInt(included!.height) - brokenHeight <= 10n,
      `broken at ${brokenHeight}, punished at ${included!.height}`,
    );
    const after = await validatorOf(honest.rpcUrl, byzantineAddress);
    t.true(after.jailed);
    const slashed = BigInt(before.tokens) - BigInt(after.tokens);
    t.is(slashed, (BigInt(before.tokens) * 5n) / 100n);
    // Commit–reveal: the reward is owed at once and paid claim_window blocks after the reveal,
    // to the earliest commitment (here carol's, the only one); she paid two fees.
    const steps = violated!.reportSteps!;
    t.is(steps.slashed, slashed.toString());
    t.is(steps.reward, (slashed / 10n).toString());
    const rewardHeight = BigInt(steps.rewardHeight!);
    t.is(rewardHeight - BigInt(included!.height), 32n, "paid claim_window (default 32) blocks after the reveal");
    const unpaid = BigInt((await query.getBalance(carolAddress, "ustrike")).amount);
    if ((await latest(honest.rpcUrl)) < rewardHeight)
      t.is(unpaid - carolBefore, -40_000n, "before its height the reward is not paid: carol is down her two fees");
    await waitForHeight(honest.rpcUrl, rewardHeight, 180_000);
    const carolAfter = BigInt((await query.getBalance(carolAddress, "ustrike")).amount);
    t.is(carolAfter - carolBefore, slashed / 10n - 40_000n, "the reporter got 10% of the slash, less its two fees");
    query.disconnect();
  } finally {
    await stopNet(net);
  }
}

test.serial(
  "a sequencer that reorders receipted txs is reported by the client library, slashed and jailed within 10 blocks, and the reporter is paid",
  (t) => violatingSequencerIsPunished(t, "reorder"),
);

test.serial(
  "a sequencer that signs a fill the tx's own promised result denies is reported by the client library, slashed and jailed within 10 blocks, and the reporter is paid",
  (t) => violatingSequencerIsPunished(t, "false_fills"),
);

test.serial(
  "a sequencer that signs two receipts for one slot is reported by the client library, slashed and jailed within 10 blocks, and the reporter is paid",
  (t) => violatingSequencerIsPunished(t, "equivocate"),
);
