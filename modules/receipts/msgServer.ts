/** MsgCommitReport and MsgReceiptViolation (its reveal): validate, call the keeper. */
import {
  MsgCommitReport,
  MsgCommitReportResponse,
  MsgReceiptViolation,
  MsgReceiptViolationResponse,
} from "../../chain/codec/generated/strike/receipts/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import type { MsgRoute } from "../../chain/runtime/types.js";
import { sdkErrors } from "../../chain/types/errors.js";
import { receiptsErrors } from "./errors.js";
import type { ReceiptsKeeper } from "./keeper.js";
import { MODULE_NAME } from "./keys.js";
import { MSG_COMMIT_REPORT_TYPE_URL, MSG_RECEIPT_VIOLATION_TYPE_URL } from "../../chain/sequencer/receiptCheck.js";
import { REPORT_SALT_BYTES } from "../../chain/sequencer/reportCommitment.js";

/** Room for a receipt and proofs of a block with millions of txs, not for junk. */
const MAX_AUNTS = 64;

export { MSG_COMMIT_REPORT_TYPE_URL, MSG_RECEIPT_VIOLATION_TYPE_URL };

export function receiptsMsgRoutes(keeper: ReceiptsKeeper): MsgRoute<unknown>[] {
  const violation: MsgRoute<MsgReceiptViolation> = {
    typeUrl: MSG_RECEIPT_VIOLATION_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgReceiptViolation.decode(b),
    signers: (m) => [m.reporter],
    validateBasic(m) {
      if (!isValidAddress(m.reporter)) throw sdkErrors.invalidAddress(`invalid reporter address "${m.reporter}"`);
      if (m.receipt === undefined) throw receiptsErrors.invalidMsg("the signed receipt is missing");
      if (m.salt.length !== REPORT_SALT_BYTES)
        throw receiptsErrors.invalidMsg(
          `the salt must be the ${REPORT_SALT_BYTES} bytes the report was committed with, got ${m.salt.length}`,
        );
      if (m.committed !== undefined && m.conflicting !== undefined)
        throw receiptsErrors.invalidMsg("give either the committed slot (broken promise) or a conflicting receipt");
      const c = m.committed;
      if (c !== undefined && (c.txAunts.length > MAX_AUNTS || c.resultAunts.length > MAX_AUNTS))
        throw receiptsErrors.invalidMsg(`a Merkle proof has more than ${MAX_AUNTS} aunts`);
    },
    handle(ctx, m) {
      const { slashed, reward, rewardHeight } = keeper.punish(ctx, m);
      return {
        typeUrl: "/strike.receipts.v1.MsgReceiptViolationResponse",
        value: MsgReceiptViolationResponse.encode({
          slashed: slashed.toString(),
          reward: reward.toString(),
          rewardHeight,
        }).finish(),
      };
    },
  };
  const commit: MsgRoute<MsgCommitReport> = {
    typeUrl: MSG_COMMIT_REPORT_TYPE_URL,
    module: MODULE_NAME,
    decode: (b) => MsgCommitReport.decode(b),
    signers: (m) => [m.reporter],
    validateBasic(m) {
      if (!isValidAddress(m.reporter)) throw sdkErrors.invalidAddress(`invalid reporter address "${m.reporter}"`);
      if (m.commitment.length !== 32)
        throw receiptsErrors.invalidMsg(`the commitment must be a 32-byte sha256, got ${m.commitment.length} bytes`);
    },
    handle(ctx, m) {
      const c = keeper.commitReport(ctx, m);
      return {
        typeUrl: "/strike.receipts.v1.MsgCommitReportResponse",
        value: MsgCommitReportResponse.encode({
          sequence: c.sequence,
          revealFromHeight: c.revealFromHeight,
          revealUntilHeight: c.revealUntilHeight,
        }).finish(),
      };
    },
  };
  return [commit as MsgRoute<unknown>, violation as MsgRoute<unknown>];
}
