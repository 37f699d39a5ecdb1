/**
 * `strike receipt verify` on tampered receipt files: every field of the receipt changed
 * under the original signature, the signature itself, a key that is not the named
 * sequencer's, and the wrong expected sequencer or chain: each fails with a non-zero exit
 * and says which check failed; the untouched file passes. A receipt the sequencer did sign
 * whose fill its own result denies fails too (exit code 3), as a lie to report.
 */
import test from "ava";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Receipt } from "../../../chain/codec/generated/strike/sequencer/v1/receipt.js";
import { createEd25519Signer, ed25519Address } from "../../../chain/crypto/ed25519.js";
import { signReceipt, type SignedReceipt } from "../../../chain/sequencer/receipt.js";
import { receiptToJson } from "../../../chain/sequencer/receiptJson.js";
import { toHex } from "../../../chain/types/bytes.js";
import { runCli, type CliResult } from "../../helpers/localNode.js";
import { receiptTamperings, sampleReceipt } from "../../helpers/receiptTampering.js";

const CHAIN = "strike-test-1";
const sequencer = createEd25519Signer(new Uint8Array(32).fill(7));
const other = createEd25519Signer(new Uint8Array(32).fill(9));
const SEQUENCER_HEX = toHex(ed25519Address(sequencer.publicKey)).toUpperCase();

async function verify(dir: string, name: string, signed: SignedReceipt, extra: string[] = []): Promise<CliResult> {
  const file = join(dir, `${name.replace(/\W+/g, "-")}.json`);
  await writeFile(file, JSON.stringify(receiptToJson(signed)));
  return runCli([
    "receipt",
    "verify",
    file,
    "--sequencer",
    SEQUENCER_HEX,
    "--chain-id",
    CHAIN,
    "--output",
    "json",
    ...extra,
  ]);
}

/** Runs at most `n` CLI processes at a time (the machine is shared). */
async function limited<T, R>(items: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

test("strike receipt verify fails on a receipt with any field, the signature or the signing key tampered with", async (t) => {
  // 27 CLI processes (about 1.5 s of CPU each): minutes on the shared, loaded machine.
  t.timeout(8 * 60_000);
  const dir = await mkdtemp(join(tmpdir(), "strike-receipt-verify-"));
  try {
    const good = signReceipt(sampleReceipt(CHAIN, sequencer), sequencer);
    const ok = await verify(dir, "untouched", good);
    t.is(ok.code, 0, ok.stderr);
    t.is((JSON.parse(ok.stdout) as { valid: boolean }).valid, true);

    const cases: [string, SignedReceipt, RegExp][] = receiptTamperings(other).map(([field, tamper]) => {
      const r = sampleReceipt(CHAIN, sequencer);
      tamper(r);
      // The tampered bytes under the original signature and key.
      return [field, { ...good, receipt: Receipt.encode(r).finish() }, /signature|chain|signed by|sequencer/i];
    });
    const sig = Uint8Array.from(good.signature);
    sig[10] = sig[10]! ^ 0x40;
    cases.push(["signature", { ...good, signature: sig }, /signature/i]);
    // Signed by another key over the same content: names the sequencer, is not its key.
    cases.push(["signing key", signReceipt(sampleReceipt(CHAIN, sequencer), other), /signed by/i]);
    const results = await limited(cases, 3, ([name, signed]) => verify(dir, name, signed));
    cases.forEach(([name, , pattern], i) => {
      const r = results[i]!;
      t.not(r.code, 0, `${name}: accepted`);
      t.regex(r.stderr + r.stdout, pattern, name);
    });

    const wrongSequencer = await runCli([
      "receipt",
      "verify",
      join(dir, "untouched.json"),
      "--sequencer",
      toHex(ed25519Address(other.publicKey)),
    ]);
    t.not(wrongSequencer.code, 0);
    t.regex(wrongSequencer.stderr, /sequencer/);
    const wrongChain = await runCli(["receipt", "verify", join(dir, "untouched.json"), "--chain-id", "strike-other-1"]);
    t.not(wrongChain.code, 0);
    t.regex(wrongChain.stderr, /chain/);

    // Signed by the sequencer, but its fill is a tick better than the trade its own result records.
    const lying = sampleReceipt(CHAIN, sequencer);
    lying.fills[0]!.price -= 1n;
    const lie = await verify(dir, "lying", signReceipt(lying, sequencer));
    t.is(lie.code, 3, lie.stderr);
    const out = JSON.parse(lie.stdout) as { valid: boolean; signature_valid: boolean; contradiction: string };
    t.like(out, { valid: false, signature_valid: true });
    t.is(out.contradiction, "fill 0 shows price 2999999999; trade 0 of the result it promises has 3000000000");
    const text = await runCli(["receipt", "verify", join(dir, "lying.json")]);
    t.is(text.code, 3);
    t.regex(text.stdout, /INVALID: signed by [0-9A-F]{40}, but the receipt contradicts itself: fill 0 shows price/);
    t.regex(text.stdout, /strike receipt report .*lying\.json --from KEY/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
