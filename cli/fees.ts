/** Fee and gas flags to a cosmjs StdFee, as `--fees`, `--gas` and `--gas-prices` work in the Cosmos SDK CLI. */
import type { GasPrice, StdFee } from "@cosmjs/stargate";
import { formatCoins, parseCoins } from "../genesis/coins.js";
import { DEFAULT_MIN_GAS_PRICE } from "../genesis/constants.js";
import { genesisErrors } from "../genesis/errors.js";
import { cliErrors } from "./errors.js";

/** Coins a user typed ("1000uusdc", "5ustrike,10uusdc"), refused as a bad `what` (the flag or argument) when malformed. */
export function cliCoins(text: string, what: string): ReturnType<typeof parseCoins> {
  try {
    return parseCoins(text);
  } catch (e) {
    // The parser's words without its codespace's description: the CLI's own error says what kind it is.
    if (genesisErrors.invalidCoins.is(e))
      throw cliErrors.badArgument(
        `${what}: ${(e as Error).message.replace(`: ${genesisErrors.invalidCoins.description}`, "")}`,
      );
    throw e;
  }
}

export const DEFAULT_GAS = 200_000;
export const DEFAULT_GAS_ADJUSTMENT = "1.3";

export interface FeeFlags {
  fees?: string | undefined;
  gas: string;
  gasAdjustment: string;
  gasPrices?: string | undefined;
}

/**
 * The fee flags checked as resolveFee checks them, without a node (`--gas auto` is not
 * simulated): a tx command calls it first, so that a malformed `--fees` or `--gas` is refused
 * by name before the node is reached, not reported as "cannot reach the node" when none answers.
 */
export async function checkFeeFlags(flags: FeeFlags): Promise<void> {
  await resolveFee(flags, () => Promise.resolve(1));
}

/** Resolves the flags; `simulate` is called only for `--gas auto`. */
export async function resolveFee(flags: FeeFlags, simulate: () => Promise<number>): Promise<StdFee> {
  if (flags.fees !== undefined && flags.gasPrices !== undefined)
    throw cliErrors.badArgument("give --fees or --gas-prices, not both");
  let gas: number;
  if (flags.gas === "auto") {
    const adj = Number(flags.gasAdjustment);
    if (!/^\d+(\.\d+)?$/.test(flags.gasAdjustment) || adj < 1)
      throw cliErrors.badArgument(`--gas-adjustment must be a number >= 1, got "${flags.gasAdjustment}"`);
    gas = Math.ceil((await simulate()) * adj);
  } else {
    gas = Number(flags.gas);
    if (!/^\d+$/.test(flags.gas) || !Number.isSafeInteger(gas) || gas === 0)
      throw cliErrors.badArgument(`--gas must be a positive integer or "auto", got "${flags.gas}"`);
  }
  if (flags.fees !== undefined) {
    return {
      amount: cliCoins(flags.fees, "--fees").map((c) => ({ denom: c.denom, amount: c.amount })),
      gas: gas.toString(),
    };
  }
  const priceText = flags.gasPrices ?? DEFAULT_MIN_GAS_PRICE;
  // Loaded here, not at the top: cosmjs is slow to load and most commands never price a fee.
  const { calculateFee, GasPrice } = await import("@cosmjs/stargate");
  let price: GasPrice;
  try {
    price = GasPrice.fromString(priceText);
  } catch {
    throw cliErrors.badArgument(`--gas-prices must look like ${DEFAULT_MIN_GAS_PRICE}, got "${priceText}"`);
  }
  return calculateFee(gas, price);
}

export function formatFee(fee: StdFee): string {
  return `${formatCoins(fee.amount.map((c) => ({ denom: c.denom, amount: c.amount })))} (gas ${fee.gas})`;
}
