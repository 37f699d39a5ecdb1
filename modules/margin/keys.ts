/** margin store layout (inside "margin/"). */
import { addressBytesView } from "../../chain/crypto/address.js";
import { writeU32be } from "../../chain/types/bytes.js";

export const MODULE_NAME = "margin";
export const STORE_KEY = "margin";
/** Module account that holds every subaccount's collateral. */
export const MARGIN_ACCOUNT = "margin";
/** Module account of the insurance fund: liquidation penalties in, shortfalls out. */
export const INSURANCE_FUND = "insurance_fund";
export const COLLATERAL_DENOM = "uusdc";
export const QUOTE_DECIMALS = 6;

export const PARAMS_KEY = Uint8Array.of(0x00);
/** (owner, number) → Subaccount */
export const SUBACCOUNTS_PREFIX = Uint8Array.of(0x01);
/** (owner, number, market) → Position */
export const POSITIONS_PREFIX = Uint8Array.of(0x02);
/** (market, owner, number) → empty: the holders of each market. */
export const MARKET_HOLDERS_PREFIX = Uint8Array.of(0x03);
/** market → FundingSamples */
export const FUNDING_PREFIX = Uint8Array.of(0x04);
/** 0x06 held the chain-wide negative-equity flag (withdrawal halt); retired, never reuse it. */
/** (owner, number) → empty: accounts whose collateral or positions changed since the risk index last saw them. */
export const DIRTY_PREFIX = Uint8Array.of(0x07);
/** (owner, number) → SafeBand: the prices and time within which the account stays above maintenance margin. */
export const BANDS_PREFIX = Uint8Array.of(0x08);
/** (underlying, lower bound u128, owner, number) → empty: examined when the price falls below the bound. */
export const BAND_LOW_PREFIX = Uint8Array.of(0x09);
/** (underlying, upper bound u128, owner, number) → empty: examined when the price rises above the bound. */
export const BAND_HIGH_PREFIX = Uint8Array.of(0x0a);
/** (unix seconds, owner, number) → empty: examined again at that time (option values move with time). */
export const RECHECK_PREFIX = Uint8Array.of(0x0b);
/** (owner, number) → empty: below maintenance margin, or in debt, when last examined: examined every block. */
export const WATCHED_PREFIX = Uint8Array.of(0x0c);
/**
 * owner → empty: owners whose collateral or positions were written since the bridge last
 * computed exit claims (its checkpoint clears them), so that a checkpoint reads only those.
 */
export const EQUITY_TOUCHED_PREFIX = Uint8Array.of(0x0d);

/**
 * `prefix || len(address) || address || u32be(number) || tail`: the account part of most
 * margin keys, built in one allocation (several per order: subaccount and position reads and
 * writes, risk marks). The length is one byte, as lengthPrefixed writes it.
 */
export function accountKeyBytes(prefix: Uint8Array, id: AccountId, tail?: Uint8Array): Uint8Array {
  const address = addressBytesView(id.owner);
  const t = tail === undefined ? 0 : tail.length;
  const out = new Uint8Array(prefix.length + 1 + address.length + 4 + t);
  let o = 0;
  for (; o < prefix.length; o++) out[o] = prefix[o]!;
  out[o++] = address.length;
  out.set(address, o);
  o += address.length;
  writeU32be(out, o, id.number);
  if (tail !== undefined) out.set(tail, o + 4);
  return out;
}

/** A margin subaccount: its owner's address and the subaccount number. */
export interface AccountId {
  owner: string;
  number: number;
}
