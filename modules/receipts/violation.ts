/**
 * Judging a MsgReceiptViolation: both receipts verify under the validator's consensus key,
 * the height is in the window, and either (broken promise) the block at H was proposed by
 * the signer and its slot at the receipt's index is proven, under the kept roots, to hold
 * another tx or result (or not to exist), or (equivocation) the two receipts name the same
 * slot with different txs or results, or (false fills) the receipt alone contradicts the
 * result it promises (chain/sequencer/receiptTrades.ts). Pure checks over the state: no writes. Whether the
 * fault was punished already, and who is owed the reward, is the keeper's (commit–reveal).
 */
import type { CommittedSlot, MsgReceiptViolation } from "../../chain/codec/generated/strike/receipts/v1/tx.js";
import { leafHash, rootFromAunts } from "../../chain/consensus/merkle.js";
import { sha256 } from "../../chain/crypto/hash.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import { ReceiptStatus, verifyReceipt, type Receipt, type SignedReceipt } from "../../chain/sequencer/receipt.js";
import { falseFills } from "../../chain/sequencer/receiptTrades.js";
import { judgeSlot } from "../../chain/sequencer/receiptVerdict.js";
import { equalBytes, toHex } from "../../chain/types/bytes.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { receiptsErrors } from "./errors.js";
import type { ReceiptsStakingKeeper, ReceiptsValidator } from "./expectedKeepers.js";
import { getParams, getRoots, type HeaderRoots } from "./state.js";

export type ViolationKind = "broken_promise" | "equivocation" | "false_fills";

export interface ProvenViolation {
  kind: ViolationKind;
  height: bigint;
  index: number;
  consAddress: Uint8Array;
  validator: ReceiptsValidator;
}

const hex = (b: Uint8Array) => toHex(b).toUpperCase();

/** Verifies a receipt's signature and that its signer is the validator it names; returns the decoded receipt. */
function verifiedPromise(
  src: StoreSource,
  staking: ReceiptsStakingKeeper,
  chainId: string,
  signed: SignedReceipt,
  which: string,
): { receipt: Receipt; validator: ReceiptsValidator } {
  let receipt: Receipt;
  try {
    // Non-canonical bytes the validator signed still bind it: the judgement stays as it was.
    receipt = verifyReceipt(signed, { chainId, acceptNonCanonical: true });
  } catch (e) {
    if (!isStrikeError(e)) throw e;
    throw receiptsErrors.invalidReceipt(`${which}: ${e.message}`);
  }
  const validator = staking.validatorByConsAddress(src, receipt.sequencerAddress);
  if (validator === undefined)
    throw receiptsErrors.notAValidator(`${which} names ${hex(receipt.sequencerAddress)}, which validates nothing`);
  if (!equalBytes(validator.pubKey, signed.pubKey))
    throw receiptsErrors.invalidReceipt(`${which} is not signed with the consensus key of ${validator.operator}`);
  if (receipt.status !== ReceiptStatus.RECEIPT_STATUS_SEQUENCED)
    throw receiptsErrors.notAPromise(`${which} is a rejection (status ${receipt.status})`);
  return { receipt, validator };
}

/** The kept roots of a committed height, or a clear refusal. */
function committedRoots(src: StoreSource, height: bigint, current: bigint): HeaderRoots {
  if (height >= current) throw receiptsErrors.notCommitted(`height ${height} (this block is ${current})`);
  const roots = getRoots(src, height);
  const { window } = getParams(src);
  if (roots === undefined || roots.resultsHash.length === 0)
    throw receiptsErrors.outOfWindow(`height ${height}; the window keeps the last ${window} heights before ${current}`);
  return roots;
}

/** Whether the slot proves what sits at `index`, under both roots of the height. */
function checkSlot(roots: HeaderRoots, index: number, slot: CommittedSlot): void {
  if (slot.txHash.length !== 32) throw receiptsErrors.badProof("the committed tx hash must be 32 bytes");
  const txRoot = rootFromAunts(index, roots.numTxs, leafHash(slot.txHash), slot.txAunts);
  if (txRoot === undefined || !equalBytes(txRoot, roots.dataHash))
    throw receiptsErrors.badProof(`tx ${index} of ${roots.numTxs} under data_hash ${hex(roots.dataHash)}`);
  const resultRoot = rootFromAunts(index, roots.numTxs, leafHash(slot.result), slot.resultAunts);
  if (resultRoot === undefined || !equalBytes(resultRoot, roots.resultsHash))
    throw receiptsErrors.badProof(`result ${index} of ${roots.numTxs} under results hash ${hex(roots.resultsHash)}`);
}

function brokenPromise(
  src: StoreSource,
  current: bigint,
  r: { receipt: Receipt; validator: ReceiptsValidator },
  slot: CommittedSlot | undefined,
): void {
  const { receipt } = r;
  const roots = committedRoots(src, receipt.height, current);
  const height = { height: receipt.height, proposer: roots.proposerAddress, txCount: roots.numTxs };
  // The verdict is judgeSlot's, as for every holder of receipts; what is proven first is the kept roots.
  if (judgeSlot(receipt, height).verdict === "reverted")
    throw receiptsErrors.notProposer(
      `height ${receipt.height} was proposed by ${hex(roots.proposerAddress)}, the receipt is by ${hex(receipt.sequencerAddress)}`,
    );
  // A block with fewer txs than the promised index broke the promise: no proof needed, the count is kept.
  if (receipt.index >= roots.numTxs) return;
  if (slot === undefined)
    throw receiptsErrors.invalidMsg(
      `block ${receipt.height} has ${roots.numTxs} txs: prove what is at index ${receipt.index} ("committed")`,
    );
  checkSlot(roots, receipt.index, slot);
  const proven = { ...height, txHash: slot.txHash, resultHash: sha256(slot.result) };
  if (judgeSlot(receipt, proven).verdict === "honoured")
    throw receiptsErrors.receiptHonoured(`tx and result at ${receipt.height}/${receipt.index} are as promised`);
}

/** A fault proven by signed receipts alone is judged for heights up to this block's, within the window. */
function inWindow(src: StoreSource, height: bigint, current: bigint): void {
  if (height > current)
    throw receiptsErrors.notCommitted(`height ${height} is not open yet (this block is ${current})`);
  const { window } = getParams(src);
  if (height + window < current)
    throw receiptsErrors.outOfWindow(`height ${height}; the window keeps the last ${window} heights before ${current}`);
}

function equivocation(
  src: StoreSource,
  current: bigint,
  a: { receipt: Receipt; validator: ReceiptsValidator },
  b: { receipt: Receipt; validator: ReceiptsValidator },
): void {
  const [x, y] = [a.receipt, b.receipt];
  if (!equalBytes(x.sequencerAddress, y.sequencerAddress))
    throw receiptsErrors.notConflicting("the receipts are signed by different validators");
  if (x.height !== y.height || x.index !== y.index)
    throw receiptsErrors.notConflicting(`slots ${x.height}/${x.index} and ${y.height}/${y.index} differ`);
  if (equalBytes(x.txHash, y.txHash) && equalBytes(x.resultHash, y.resultHash))
    throw receiptsErrors.notConflicting("both name the same tx and result");
  inWindow(src, x.height, current);
}

/** Checks the claim against the state; returns what was proven or throws the reason it was not. */
export function proveViolation(
  src: StoreSource,
  staking: ReceiptsStakingKeeper,
  block: { chainId: string; height: bigint },
  msg: MsgReceiptViolation,
): ProvenViolation {
  if (msg.receipt === undefined) throw receiptsErrors.invalidMsg("no receipt");
  const first = verifiedPromise(src, staking, block.chainId, msg.receipt, "receipt");
  let kind: ViolationKind;
  if (msg.conflicting !== undefined) {
    const second = verifiedPromise(src, staking, block.chainId, msg.conflicting, "conflicting receipt");
    equivocation(src, block.height, first, second);
    kind = "equivocation";
  } else if (msg.committed === undefined && falseFills(first.receipt) !== undefined) {
    // The receipt contradicts the result it promises: no block is needed to prove it.
    inWindow(src, first.receipt.height, block.height);
    kind = "false_fills";
  } else {
    brokenPromise(src, block.height, first, msg.committed);
    kind = "broken_promise";
  }
  const { height, index, sequencerAddress } = first.receipt;
  return { kind, height, index, consAddress: sequencerAddress, validator: first.validator };
}
