/** Stateless checks of the tx and its messages (Cosmos' ValidateBasic); run before anything touches state. */
import { sdkErrors } from "../../types/errors.js";
import type { DecodedTx } from "../txDecode.js";

const MAX_GAS_WANTED = (1n << 63n) - 1n;

export function validateBasicTx(tx: DecodedTx): void {
  if (tx.msgs.length === 0) throw sdkErrors.invalidRequest("must contain at least one message");
  const fee = tx.authInfo.fee;
  if (fee === undefined) throw sdkErrors.invalidRequest("missing fee");
  if (fee.gasLimit > MAX_GAS_WANTED)
    throw sdkErrors.invalidRequest(`invalid gas supplied; ${fee.gasLimit} > ${MAX_GAS_WANTED}`);
  if (tx.signatures.length === 0) throw sdkErrors.noSignatures();
  if (tx.signatures.length !== tx.signers.length) {
    throw sdkErrors.unauthorized(`wrong number of signers; expected ${tx.signers.length}, got ${tx.signatures.length}`);
  }
  if (tx.authInfo.signerInfos.length !== tx.signers.length) {
    throw sdkErrors.unauthorized(
      `wrong number of signer infos; expected ${tx.signers.length}, got ${tx.authInfo.signerInfos.length}`,
    );
  }
  for (const m of tx.msgs) m.route.validateBasic(m.msg);
}
