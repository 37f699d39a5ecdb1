/**
 * Checks the fee against the node's minimum gas prices (mempool admission only, as Cosmos:
 * validators must not disagree on a local setting) and moves it to the fee collector.
 */
import { sdkErrors } from "../../types/errors.js";
import {
  formatCoins,
  formatDecCoins,
  isAnyGTE,
  parseFeeCoins,
  requiredFees,
  type Coin,
  type DecCoin,
} from "../coins.js";
import type { AnteStep } from "./types.js";

/** Throws CheckTx's refusal when the fee is below the node's minimum gas prices for its gas limit. */
export function checkMinGasPrices(coins: readonly Coin[], gasLimit: bigint, minGasPrices: readonly DecCoin[]): void {
  if (!minGasPrices.some((p) => p.amount > 0n)) return;
  const required = requiredFees(minGasPrices, gasLimit);
  if (!isAnyGTE(coins, required)) {
    throw sdkErrors.insufficientFee(
      `insufficient fees; got: ${formatCoins(coins)} required: ${formatCoins(required)} (min gas prices ${formatDecCoins(minGasPrices)})`,
    );
  }
}

export const deductFee: AnteStep = (ctx, tx, env) => {
  const fee = tx.authInfo.fee!;
  const coins = parseFeeCoins(fee.amount, "fee.amount");
  if (ctx.mode === "check" || ctx.mode === "recheck") checkMinGasPrices(coins, fee.gasLimit, env.minGasPrices);
  const payer = fee.payer !== "" ? fee.payer : tx.signers[0]!;
  if (!tx.signers.includes(payer)) throw sdkErrors.unauthorized(`fee payer ${payer} is not a signer`);
  if (fee.granter !== "") throw sdkErrors.invalidRequest("fee grants are not supported");
  if (env.accounts.getAccount(ctx, payer) === undefined)
    throw sdkErrors.unknownAddress(`fee payer address: ${payer} does not exist`);
  if (coins.length > 0) env.bank.sendCoinsFromAccountToModule(ctx, payer, env.feeCollector, coins);
  ctx.events.emit("tx", [
    ["fee", formatCoins(coins)],
    ["fee_payer", payer],
  ]);
};
