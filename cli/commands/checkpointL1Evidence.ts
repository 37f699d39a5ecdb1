/**
 * `strike tx checkpoint report-forged --l1-tx`: the forged checkpoint and every signature are
 * read out of the L1 tx that landed it (the relayer's own decoding, relayer/landedCalldata.ts),
 * each signature is recovered over the chain's domain and mapped to the validator that
 * registered the key, and each signer (or the one --validator names) is reported, one tx each.
 */
import type { EncodeObject } from "@cosmjs/proto-signing";
import { getAddress, isAddress, isHexString } from "ethers";
import { loadArtifact } from "../../chain/l1/artifacts.js";
import { createL1Provider } from "../../chain/l1/provider.js";
import { isStrikeError } from "../../chain/types/errors.js";
import {
  createEvidenceSource,
  decodeLandedCheckpoint,
  recoverLandedSigners,
  signedFieldsOf,
} from "../../relayer/index.js";
import { openKeyring, rpcHttpUrl, type GlobalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { note } from "../output.js";
import { signAndSend, type TxFlags } from "../txSend.js";

export interface L1ReportFlags extends TxFlags {
  from: string;
  validator?: string;
  l1Tx?: string;
  l1Rpc?: string;
  contract?: string;
}

const ALREADY_PUNISHED = 15;

export async function reportForgedFromL1(o: L1ReportFlags, g: GlobalOptions): Promise<void> {
  if (o.l1Tx === undefined || !isHexString(o.l1Tx, 32))
    throw cliErrors.badArgument(`--l1-tx must be the L1 tx hash (0x and 64 hex digits), got "${o.l1Tx ?? ""}"`);
  if (o.l1Rpc === undefined) throw cliErrors.badArgument("--l1-rpc is required with --l1-tx");
  if (o.contract !== undefined && !isAddress(o.contract))
    throw cliErrors.badArgument(`--contract ${o.contract} is not an Ethereum address`);
  const source = createEvidenceSource(rpcHttpUrl(g.node));
  const provider = createL1Provider(o.l1Rpc);
  let tx;
  let l1ChainId: bigint;
  try {
    tx = await provider.getTransaction(o.l1Tx);
    l1ChainId = (await provider.getNetwork()).chainId;
  } catch (e) {
    throw cliErrors.nodeUnreachable(`L1 at ${o.l1Rpc}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    provider.destroy();
  }
  if (tx === null) throw cliErrors.notFound(`no tx ${o.l1Tx} at ${o.l1Rpc}`);
  if (tx.to === null) throw cliErrors.badArgument(`${o.l1Tx} deploys a contract: it lands no checkpoint`);
  const contract = getAddress(tx.to);
  if (o.contract !== undefined && getAddress(o.contract) !== contract)
    throw cliErrors.badArgument(`${o.l1Tx} calls ${contract}, not --contract ${getAddress(o.contract)}`);
  if ((await source.params()).scheme === "bls")
    throw cliErrors.badArgument(
      "the chain signs checkpoints under bls: an aggregate signature names no individual signature to report",
    );
  let landed;
  try {
    landed = decodeLandedCheckpoint(loadArtifact("EcdsaSettlement").abi, tx.data);
  } catch (e) {
    throw cliErrors.badArgument(`${o.l1Tx}: ${isStrikeError(e) ? e.message : String(e)}`);
  }
  const strikeChainId = await source.chainId();
  const signers = recoverLandedSigners({ l1ChainId, settlement: contract, strikeChainId }, landed);
  const operators = await source.ethOperators();
  const named = signers.map((s) => ({
    ...s,
    operator: s.recovered === undefined ? undefined : operators.get(s.recovered),
  }));
  for (const s of named)
    if (s.operator === undefined)
      note(
        `signature of member ${s.address} recovers to ${s.recovered ?? "nothing"}: no validator registered that key on ${strikeChainId}; skipped`,
      );
  const targets = named.filter(
    (s) => s.operator !== undefined && (o.validator === undefined || s.operator === o.validator),
  );
  if (targets.length === 0)
    throw cliErrors.badArgument(
      o.validator === undefined
        ? `no signature in ${o.l1Tx} is by a validator's registered key on ${strikeChainId}`
        : `${o.validator} did not sign the checkpoint in ${o.l1Tx} (signers: ${named.map((s) => s.operator ?? s.address).join(", ")})`,
    );
  const submitter = openKeyring(g).resolve(o.from).address;
  const failures: string[] = [];
  for (const s of targets) {
    const msg: EncodeObject = {
      typeUrl: "/strike.checkpoint.v1.MsgForgedCheckpoint",
      value: { submitter, validator: s.operator!, signed: signedFieldsOf(landed.fields, s.signature) },
    };
    try {
      await signAndSend(
        g,
        o.from,
        [msg],
        o,
        `Report validator ${s.operator} (key ${s.address}) for signing the checkpoint of height ${landed.fields.height} landed on L1 in ${o.l1Tx} (app hash ${landed.fields.appHash})`,
      );
    } catch (e) {
      const d = isStrikeError(e) ? (e.details as { code?: number; codespace?: string } | undefined) : undefined;
      if (d?.code === ALREADY_PUNISHED && d.codespace === "checkpoint") {
        note(`${s.operator} is already punished for height ${landed.fields.height}`);
        continue;
      }
      if (targets.length === 1) throw e;
      failures.push(`${s.operator}: ${isStrikeError(e) ? e.message : String(e)}`);
    }
  }
  if (failures.length > 0)
    throw cliErrors.txFailed(`${failures.length} of ${targets.length} reports failed:\n  ${failures.join("\n  ")}`);
}
