/** Stateless checks shared by messages, genesis and the CLI: asset symbols and prices. */
import { decFromString, type Dec } from "../../chain/types/fixed/index.js";
import { isStrikeError } from "../../chain/types/errors.js";
import { oracleErrors } from "./errors.js";

const ASSET_PATTERN = /^[A-Z][A-Z0-9]{0,15}$/;

export function isValidAssetSymbol(asset: string): boolean {
  return ASSET_PATTERN.test(asset);
}

export function checkAssetSymbol(asset: string): void {
  if (!isValidAssetSymbol(asset)) throw oracleErrors.invalidAsset(`"${asset.slice(0, 32)}"`, { asset });
}

/** Parses a price string: a positive decimal; negatives, zero, exponents and garbage are rejected. */
export function parsePrice(text: string, asset: string): Dec {
  let price: Dec;
  try {
    price = decFromString(text);
  } catch (e) {
    if (!isStrikeError(e)) throw e;
    throw oracleErrors.invalidPrice(`${asset}: ${JSON.stringify(text.slice(0, 40))}`, { asset });
  }
  if (price <= 0n) throw oracleErrors.invalidPrice(`${asset}: ${text} is not positive`, { asset });
  return price;
}

export interface ParsedAssetPrice {
  asset: string;
  price: Dec;
}

/** Checks a submission's list: non-empty, valid symbols, no duplicates, positive prices. */
export function parseAssetPrices(prices: readonly { asset: string; price: string }[]): ParsedAssetPrice[] {
  if (prices.length === 0) throw oracleErrors.noPrices();
  const seen = new Set<string>();
  return prices.map(({ asset, price }) => {
    checkAssetSymbol(asset);
    if (seen.has(asset)) throw oracleErrors.duplicateAsset(asset, { asset });
    seen.add(asset);
    return { asset, price: parsePrice(price, asset) };
  });
}
