/**
 * The relayer's watch on L1: every Checkpointed event the relayer reads (whoever landed it)
 * is compared with the chain's checkpoint at that height. A checkpoint that is not the
 * chain's is a forged state root landed by a colluding majority: it is logged as an error
 * and counted, its L1 tx's calldata is decoded, each signature is recovered and mapped to
 * the validator that registered the key, and one MsgForgedCheckpoint per signer is sent
 * from the relayer's Strike account when it has one (otherwise the ready-to-run commands
 * are logged). Each (validator, height) is reported once; code 15 (already punished) counts
 * as done. A height above the chain's newest checkpoint is kept and judged again each round.
 *
 * BLS: the aggregate signature names no individual signer's signature, so a forged BLS
 * checkpoint is detected, logged and counted, never reported.
 */
import { getAddress, type InterfaceAbi, type Provider } from "ethers";
import type { SignedCheckpointFields } from "../chain/codec/generated/strike/checkpoint/v1/checkpoint.js";
import type { NodeLogger } from "../chain/node/logger.js";
import { isStrikeError } from "../chain/types/errors.js";
import { relayerErrors } from "./errors.js";
import type { EvidenceSource } from "./evidenceSource.js";
import { evidenceHorizonOf, judgeLanded } from "./forgedCheck.js";
import type { ForgedReporter, ReportOutcomeKind } from "./forgedReporter.js";
import { decodeLandedCheckpoint, recoverLandedSigners, type LandedFields } from "./landedCalldata.js";
import type { RelayerMetrics } from "./metrics.js";

export interface LandedEvent {
  fields: LandedFields;
  l1Tx: string;
  l1Block: number;
}

export interface ForgedWatchOptions {
  source: EvidenceSource;
  provider: Provider;
  contract: string;
  /** The contract's ABI (its checkpoint functions decode the calldata). */
  abi: InterfaceAbi;
  l1ChainId: bigint;
  /** Where the printed commands point --l1-rpc. */
  l1RpcUrl: string;
  reporter?: ForgedReporter;
  logger: NodeLogger;
  metrics?: RelayerMetrics;
}

export interface ForgedWatch {
  /** A Checkpointed event the relayer read. */
  observe(ev: LandedEvent): void;
  /** Judges every event not settled yet; never throws (what failed is retried next time). */
  judge(): Promise<void>;
  /** Landed checkpoints found forged so far, by height. */
  forged(): { height: string; l1_tx: string; reported: string[] }[];
}

/** The signed fields as MsgForgedCheckpoint carries them (a zero next-set hash: the set stays). */
export function signedFieldsOf(f: LandedFields, signature: Uint8Array): SignedCheckpointFields {
  const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.slice(2), "hex"));
  return {
    height: f.height,
    appHash: bytes(f.appHash),
    blockHash: bytes(f.blockHash),
    withdrawalRoot: bytes(f.withdrawalRoot),
    exitRoot: bytes(f.exitRoot),
    creditedDepositNonce: f.creditedDepositNonce,
    nextValidatorSetHash: /^0x0*$/.test(f.nextValidatorSetHash) ? new Uint8Array() : bytes(f.nextValidatorSetHash),
    signature,
  };
}

/** The `strike tx checkpoint report-forged` command that reports one signer of a landed checkpoint. */
export function reportForgedCommand(o: { l1Tx: string; l1Rpc: string; contract: string; validator: string }): string {
  return `strike tx checkpoint report-forged --l1-tx ${o.l1Tx} --l1-rpc ${o.l1Rpc} --contract ${o.contract} --validator ${o.validator} --from <your key>`;
}

interface Watched extends LandedEvent {
  counted: boolean;
  /** Operators whose report is done (accepted, already punished, or refused for good). */
  done: Set<string>;
}

export function createForgedWatch(o: ForgedWatchOptions): ForgedWatch {
  const log = o.logger;
  const watched = new Map<bigint, Watched>();
  /** L1 txs already judged and settled: read again (a rescan), they are not judged or counted twice. */
  const settledTxs = new Set<string>();
  const forged = new Map<bigint, Watched>();
  /** (operator, height) reported or punished: never sent twice, whichever event names it. */
  const reported = new Set<string>();
  let operators = new Map<string, string>();
  const contract = getAddress(o.contract);

  const operatorOf = async (address: string): Promise<string | undefined> => {
    if (!operators.has(address)) operators = await o.source.ethOperators();
    return operators.get(address);
  };

  const count = (kind: ReportOutcomeKind) => o.metrics?.forgedReport(kind);

  /** Reports every signer of `w`; returns whether nothing is left to retry. */
  const reportSigners = async (w: Watched, scheme: string): Promise<boolean> => {
    const height = w.fields.height.toString();
    if (scheme === "bls") {
      log.error("forged checkpoint under the bls scheme: its aggregate signature names no signer to report", {
        height,
        l1_tx: w.l1Tx,
      });
      return true;
    }
    const tx = await o.provider.getTransaction(w.l1Tx);
    if (tx === null) throw relayerErrors.l1TxMissing(w.l1Tx);
    if (tx.to === null || getAddress(tx.to) !== contract) {
      log.error("forged checkpoint landed through another contract: its signatures are not in the tx's calldata", {
        height,
        l1_tx: w.l1Tx,
        to: tx.to ?? "",
      });
      return true;
    }
    let landed;
    try {
      landed = decodeLandedCheckpoint(o.abi, tx.data);
    } catch (e) {
      if (!relayerErrors.badCalldata.is(e)) throw e;
      log.error("forged checkpoint's tx cannot be decoded: no signatures to report", {
        height,
        l1_tx: w.l1Tx,
        error: errorText(e),
      });
      return true;
    }
    const chainId = await o.source.chainId();
    const signers = recoverLandedSigners(
      { l1ChainId: o.l1ChainId, settlement: contract, strikeChainId: chainId },
      landed,
    );
    let settled = true;
    for (const s of signers) {
      if (s.recovered === undefined || s.recovered !== s.address) {
        log.error("a signature of the forged checkpoint does not recover to its member over the chain's domain", {
          height,
          member: s.address,
          recovered: s.recovered ?? "",
        });
        continue;
      }
      const operator = await operatorOf(s.address);
      if (operator === undefined) {
        log.error("a signer of the forged checkpoint is no validator with that registered Ethereum key", {
          height,
          eth_address: s.address,
        });
        continue;
      }
      const key = `${operator}@${height}`;
      if (w.done.has(operator) || reported.has(key)) {
        w.done.add(operator);
        continue;
      }
      if (o.reporter === undefined) {
        log.error("forged checkpoint signer: report it with", {
          height,
          validator: operator,
          eth_address: s.address,
          command: reportForgedCommand({ l1Tx: w.l1Tx, l1Rpc: o.l1RpcUrl, contract, validator: operator }),
        });
        w.done.add(operator);
        continue;
      }
      const out = await o.reporter.report(operator, signedFieldsOf(landed.fields, s.signature));
      count(out.kind);
      const fields = {
        height,
        validator: operator,
        code: out.code,
        codespace: out.codespace,
        txhash: out.txhash ?? "",
        log: out.log.slice(0, 300),
      };
      if (out.kind === "retry") {
        log.warn("forged checkpoint report not through; retrying next round", fields);
        settled = false;
        continue;
      }
      if (out.kind === "refused") log.error("forged checkpoint report refused by the chain", fields);
      else
        log.info(
          out.kind === "accepted" ? "forged checkpoint signer reported: slashed and jailed" : "signer already punished",
          fields,
        );
      w.done.add(operator);
      reported.add(key);
    }
    return settled;
  };

  return {
    observe(ev) {
      if (!watched.has(ev.fields.height) && !settledTxs.has(ev.l1Tx))
        watched.set(ev.fields.height, { ...ev, counted: false, done: new Set() });
    },
    async judge() {
      if (watched.size === 0) return;
      let newest: bigint | undefined;
      let scheme: string;
      let horizon: bigint;
      try {
        newest = await o.source.newestCheckpointHeight();
        const p = await o.source.params();
        scheme = p.scheme;
        horizon = evidenceHorizonOf(newest, p.keepHeights);
      } catch (e) {
        log.warn("cannot read the chain to judge landed checkpoints; retrying", { error: errorText(e) });
        return;
      }
      for (const h of [...watched.keys()].sort((a, b) => (a < b ? -1 : 1))) {
        const w = watched.get(h)!;
        try {
          if (!w.counted) {
            const recorded = newest === undefined || h > newest ? undefined : await o.source.checkpointAt(h);
            const verdict = judgeLanded(w.fields, { newest, horizon, recorded });
            if (verdict.kind === "pending") continue;
            if (verdict.kind === "ours") {
              settledTxs.add(w.l1Tx);
              watched.delete(h);
              continue;
            }
            if (verdict.kind === "expired") {
              log.warn("a landed checkpoint is below the chain's evidence horizon: it can no longer be judged", {
                height: h.toString(),
                l1_tx: w.l1Tx,
                horizon: verdict.horizon.toString(),
              });
              settledTxs.add(w.l1Tx);
              watched.delete(h);
              continue;
            }
            w.counted = true;
            forged.set(h, w);
            o.metrics?.forgedCheckpoint();
            log.error("FORGED CHECKPOINT on L1: not the chain's checkpoint at that height", {
              height: h.toString(),
              l1_tx: w.l1Tx,
              l1_block: w.l1Block,
              differs: verdict.recorded ? verdict.differs.join(",") : "the chain recorded no checkpoint there",
              app_hash: w.fields.appHash,
            });
          }
          if (await reportSigners(w, scheme)) {
            settledTxs.add(w.l1Tx);
            watched.delete(h);
          }
        } catch (e) {
          log.warn("judging a landed checkpoint failed; retrying", { height: h.toString(), error: errorText(e) });
        }
      }
    },
    forged() {
      return [...forged.values()]
        .sort((a, b) => (a.fields.height < b.fields.height ? -1 : 1))
        .map((w) => ({ height: w.fields.height.toString(), l1_tx: w.l1Tx, reported: [...w.done].sort() }));
    },
  };
}

function errorText(e: unknown): string {
  return isStrikeError(e) ? e.message : String(e).slice(0, 300);
}
