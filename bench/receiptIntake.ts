/**
 * What a validator that is not the sequencer spends taking in the sequencer's receipts
 * (chain/sequencer/service.ts `relayedBatch`), in process: a sequencer's chain of signed
 * receipts (each naming the hash of the one before, as chain/sequencer/sequencer.ts signs
 * them) is taken in one at a time (every signature checked, as before receipts were
 * authenticated through the chain) and in batches of the sizes a loaded node reads in one
 * turn of its event loop (receiptChain.ts: the newest of each batch is checked, it vouches
 * for the rest). Then a share of the receipts is handed out (`receipt`, as broadcast_tx_sync
 * answers a client of this node), which checks the signature of each one kept on the chain's
 * word. Reports µs of CPU per receipt, signatures checked per receipt, and this machine's
 * ed25519 verification rate measured in the same run.
 *
 *   npx tsx bench/receiptIntake.ts    (BENCH_RECEIPTS, BENCH_BATCHES=1,8,35,128, BENCH_SERVED=0.25)
 * Writes bench/results/receipt-intake.json.
 */
import { loadavg } from "node:os";
import { createEd25519Signer, ed25519Address, verifyEd25519Strict } from "../chain/crypto/ed25519.js";
import { sha256 } from "../chain/crypto/hash.js";
import { type Receipt, ReceiptStatus, SignedReceipt, signReceipt } from "../chain/sequencer/receipt.js";
import { openRelayingNode } from "../test/helpers/relayingNode.js";
import { writeResult } from "./lib/machine.js";
import { runAsNode } from "./lib/nodeFlags.js";

runAsNode(import.meta.url);

const RECEIPTS = Number(process.env.BENCH_RECEIPTS ?? 20_000);
const BATCHES = (process.env.BENCH_BATCHES ?? "1,8,35,128").split(",").map(Number);
const SERVED = Number(process.env.BENCH_SERVED ?? 0.25);
const CHAIN_ID = "strike-bench-1";
const sequencer = createEd25519Signer(new Uint8Array(32).fill(7));

/** The sequencer's receipts as its node publishes them: a chain, 200 to a height, each with one fill's worth of data. */
function receipts(n: number): { txHash: Uint8Array; bytes: Uint8Array }[] {
  const out: { txHash: Uint8Array; bytes: Uint8Array }[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < n; i++) {
    const txHash = sha256(new TextEncoder().encode(`tx ${i}`));
    const receipt: Receipt = {
      chainId: CHAIN_ID,
      height: 10n + BigInt(Math.floor(i / 200)),
      index: i % 200,
      txHash,
      code: 0,
      codespace: "",
      resultHash: sha256(txHash),
      fills: [],
      sequencerAddress: ed25519Address(sequencer.publicKey),
      epoch: 1n,
      previousReceiptHash: previous,
      status: ReceiptStatus.RECEIPT_STATUS_SEQUENCED,
      log: "",
      data: new Uint8Array(40).fill(1),
      gasWanted: 200_000n,
      gasUsed: 61_234n,
    };
    const signed = signReceipt(receipt, sequencer);
    previous = sha256(signed.receipt);
    out.push({ txHash, bytes: SignedReceipt.encode(signed).finish() });
  }
  return out;
}

/** A validator that is not the sequencer, as far as receipts go. */
const node = () => openRelayingNode({ chainId: CHAIN_ID, validators: [sequencer] });

const cpuMicros = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/** ed25519 verifications per CPU second (libsodium, as the node checks receipts). */
function ed25519Limit(): number {
  const message = new TextEncoder().encode("limit");
  const signature = sequencer.sign(message);
  let n = 0;
  const start = cpuMicros();
  while (cpuMicros() - start < 1_000_000) {
    for (let i = 0; i < 100; i++) verifyEd25519Strict(sequencer.publicKey, message, signature);
    n += 100;
  }
  return Math.round(n / ((cpuMicros() - start) / 1e6));
}

const all = receipts(RECEIPTS);
const limitBefore = ed25519Limit();
const results = [];
for (const batch of BATCHES) {
  // Twice: the first warms the JIT; the second is reported.
  let last: Record<string, unknown> = {};
  for (let round = 0; round < 2; round++) {
    const s = await node();
    const start = cpuMicros();
    for (let i = 0; i < all.length; i += batch) {
      const verdicts = s.relayedBatch(all.slice(i, i + batch).map((r) => r.bytes));
      if (verdicts.some((v) => v.verdict !== "new"))
        throw new Error(`a receipt was not kept: ${JSON.stringify(verdicts)}`);
    }
    const intake = cpuMicros() - start;
    const afterIntake = s.relayStats();
    const served = Math.round(all.length * SERVED);
    const serveStart = cpuMicros();
    for (let i = 0; i < served; i++) {
      // Spread over the run, as clients' txs are.
      const r = all[Math.floor((i * all.length) / served)]!;
      if ((await s.receipt(r.txHash, 0)) === undefined) throw new Error("a kept receipt was not served");
    }
    const serve = cpuMicros() - serveStart;
    const stats = s.relayStats();
    last = {
      batch,
      receipts: all.length,
      intakeMicrosPerReceipt: Math.round((intake / all.length) * 100) / 100,
      signaturesCheckedOnArrivalPerReceipt: Math.round((afterIntake.signature / all.length) * 1000) / 1000,
      served,
      serveMicrosPerServed: Math.round((serve / served) * 100) / 100,
      signaturesCheckedToServe: stats.onServe,
      totalMicrosPerReceipt: Math.round(((intake + serve) / all.length) * 100) / 100,
    };
  }
  console.log(JSON.stringify(last));
  results.push(last);
}
const limitAfter = ed25519Limit();
const limit = Math.round((limitBefore + limitAfter) / 2);
const one = results.find((r) => r["batch"] === 1);
const path = writeResult("receipt-intake", {
  setup: { receipts: RECEIPTS, batches: BATCHES, servedShare: SERVED },
  machineLimit: { ed25519VerifyPerCpuSecond: { before: limitBefore, after: limitAfter }, loadAverage: loadavg() },
  // A receipt taken in at the cost of one signature check is 1.0 here.
  results: results.map((r) => ({
    ...r,
    totalInSignatureChecks: Math.round((((r["totalMicrosPerReceipt"] as number) * limit) / 1e6) * 100) / 100,
    totalAgainstOneByOne:
      one === undefined
        ? null
        : Math.round(((r["totalMicrosPerReceipt"] as number) / (one["totalMicrosPerReceipt"] as number)) * 1000) / 1000,
  })),
});
console.log(`wrote ${path}`);
