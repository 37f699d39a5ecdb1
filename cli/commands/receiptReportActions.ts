/** What `strike receipt report` does when it runs (receiptReport.ts defines it): the commit-reveal report txs. */
import { readReceiptFile } from "./receiptFile.js";
import type { Command } from "commander";
import { parseDuration } from "../../chain/node/config.js";
import type { SignedReceipt } from "../../chain/sequencer/receipt.js";
import { globalOptions, openKeyring, rpcHttpUrl } from "../context.js";
import { cliErrors } from "../errors.js";
import { cliCoins, formatFee } from "../fees.js";
import { note, print } from "../output.js";
import { confirm } from "../prompt.js";

export interface ReportFlags {
  from: string;
  conflicting?: string;
  fees: string;
  gas: string;
  timeout: string;
}

export async function receiptReport(file: string, flags: ReportFlags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const timeoutMs = parseDuration(flags.timeout);
  if (timeoutMs === undefined || timeoutMs === 0)
    throw cliErrors.badArgument(`--timeout must be a duration like 60s, got "${flags.timeout}"`);
  if (!/^[0-9]+$/.test(flags.gas)) throw cliErrors.badArgument(`--gas must be an integer, got "${flags.gas}"`);
  const fee = { amount: cliCoins(flags.fees, "--fees"), gas: flags.gas };
  // Loaded here only, so that other commands start without the receipt and cosmjs code.
  const [{ signedReceiptFromJson }, { verifyReceipt }, check, { reportViolation }, signerMod, cosmjs, client] =
    await Promise.all([
      import("../../chain/sequencer/receiptJson.js"),
      import("../../chain/sequencer/receipt.js"),
      import("../../chain/sequencer/receiptCheck.js"),
      import("../../chain/sequencer/violationReport.js"),
      import("../../chain/sequencer/violationSigner.js"),
      import("@cosmjs/proto-signing"),
      import("../../chain/sequencer/client.js"),
    ]);
  const url = rpcHttpUrl(g.node);
  const network = (
    await client.rpcCall<{ node_info: { network: string } }>(url, "status", {}).catch(() => {
      throw cliErrors.nodeUnreachable(`cannot reach the node at ${g.node}`);
    })
  ).node_info.network;
  if (g.chainId !== undefined && g.chainId !== network)
    throw cliErrors.chainIdMismatch(`--chain-id is ${g.chainId} but the node at ${g.node} runs ${network}`);
  const verified = (path: string): { signed: SignedReceipt; receipt: ReturnType<typeof verifyReceipt> } => {
    const signed = signedReceiptFromJson(readReceiptFile(path));
    // Evidence: the chain holds a sequencer to any bytes it signed, canonical or not.
    return { signed, receipt: verifyReceipt(signed, { chainId: network, acceptNonCanonical: true }) };
  };
  const first = verified(file);
  const lie = check.selfContradiction(first.signed, first.receipt);
  let violation: Parameters<typeof reportViolation>[0]["violation"];
  let why: string;
  if (flags.conflicting !== undefined) {
    const second = verified(flags.conflicting);
    if (!check.conflictingReceipts(first.receipt, second.receipt))
      throw cliErrors.badArgument(
        "the two receipts do not conflict: they must be signed by one sequencer for one height and index, with different txs or results",
      );
    violation = { receipt: first.signed, committed: undefined, conflicting: second.signed };
    why = `the sequencer signed two receipts for ${first.receipt.height}/${first.receipt.index}`;
  } else if (lie !== undefined) {
    // Proven by the receipt alone; the chain judges it once its height is reached.
    violation = { receipt: first.signed, committed: undefined, conflicting: undefined };
    why = lie.detail;
  } else {
    const block = await check.fetchCommittedBlock(url, first.receipt.height);
    if (block === undefined)
      throw cliErrors.badArgument(
        `height ${first.receipt.height} is not committed yet: nothing to report (try \`strike receipt check\` later)`,
      );
    const judged = check.judgeReceipt(first.signed, first.receipt, block);
    if (judged.verdict !== "violated" || judged.violation === undefined)
      throw cliErrors.badArgument(`nothing to report: the receipt is ${judged.verdict} (${judged.detail})`);
    const { receipt, committed, conflicting } = judged.violation;
    violation = { receipt, committed, conflicting };
    why = judged.detail;
  }

  const kr = openKeyring(g);
  const key = kr.resolve(flags.from);
  const wallet = await cosmjs.DirectSecp256k1Wallet.fromKey(await kr.privateKey(key.name), kr.prefix);
  if (!g.yes) {
    note(
      `report receipt violation: ${why}\n  reporter: ${key.address}\n  chain:    ${network}\n  fee:      ${formatFee(fee)} (each of 2 txs: commitment, reveal)`,
    );
    if (!(await confirm("confirm before signing and broadcasting"))) throw cliErrors.aborted("report not sent");
  }
  const signer = await signerMod.createCosmjsViolationSigner(url, wallet, fee);
  let out;
  try {
    out = await reportViolation({ rpcUrl: url, chainId: network, signer, violation, timeoutMs });
  } finally {
    signer.disconnect();
  }
  const accepted = out.reveal?.committedCode === 0;
  print(g.output, { accepted, violation: why, ...out }, () => {
    const line = (name: string, tx: typeof out.commit | undefined) =>
      tx === undefined
        ? `  ${name}: not sent`
        : `  ${name}: ${tx.hash} ${tx.height === undefined ? `(not committed; CheckTx code ${tx.code}${tx.log ? `: ${tx.log}` : ""})` : `at height ${tx.height}, code ${tx.committedCode}${tx.committedCode !== 0 && tx.log ? `: ${tx.log}` : ""}`}`;
    return [
      accepted ? "report accepted" : "report NOT accepted",
      `  violation: ${why}`,
      `  commitment ${out.commitment}`,
      line("commit", out.commit),
      line("reveal", out.reveal),
      ...(accepted
        ? [`  slashed ${out.slashed} · reward ${out.reward} claimed, paid at the end of height ${out.rewardHeight}`]
        : []),
    ].join("\n");
  });
  if (!accepted) process.exitCode = 3;
}
