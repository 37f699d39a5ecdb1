/** margin genesis (`app_state.margin`): params only; subaccounts start empty. */
import { MarginParams } from "../../chain/codec/generated/strike/margin/v1/margin.js";
import { refuseUnknownKeys } from "../../chain/runtime/genesisFields.js";
import type { Context } from "../../chain/runtime/types.js";
import { decFromString } from "../../chain/types/fixed/index.js";
import { marginErrors } from "./errors.js";
import { defaultMarginParams, setParams } from "./state.js";

export function defaultMarginGenesis(): { params: Record<string, unknown> } {
  return { params: MarginParams.toJSON(defaultMarginParams()) as Record<string, unknown> };
}

/** The JSON path genesis validation names a param by. */
const PARAMS_PATH = "app_state.margin.params";

function checkRate(value: string, field: string, maxOne: boolean): void {
  let d: bigint;
  try {
    d = decFromString(value);
  } catch {
    throw marginErrors.invalidGenesis(`${PARAMS_PATH}.${field}: "${value}" is not a decimal`);
  }
  if (d < 0n || (maxOne && d > 10n ** 18n))
    throw marginErrors.invalidGenesis(`${PARAMS_PATH}.${field}: ${value} is out of range`);
}

/** The params given (camelCase or snake_case JSON names), the defaults for the ones left out. */
function withDefaults(raw: Record<string, unknown>): MarginParams {
  const parsed = MarginParams.fromJSON(raw);
  const params = defaultMarginParams();
  for (const key of Object.keys(params) as (keyof MarginParams)[]) {
    const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (raw[key] !== undefined || raw[snake] !== undefined) Object.assign(params, { [key]: parsed[key] });
  }
  return params;
}

export function parseMarginGenesis(state: unknown): MarginParams {
  if (state === undefined || state === null) return defaultMarginParams();
  if (typeof state !== "object" || Array.isArray(state))
    throw marginErrors.invalidGenesis("app_state.margin must be an object");
  refuseUnknownKeys(state, ["params"], "app_state.margin", marginErrors.invalidGenesis);
  const raw = (state as Record<string, unknown>)["params"];
  refuseUnknownKeys(
    raw,
    Object.keys(MarginParams.fromJSON({})),
    "app_state.margin.params",
    marginErrors.invalidGenesis,
  );
  if (raw !== undefined && (typeof raw !== "object" || raw === null || Array.isArray(raw)))
    throw marginErrors.invalidGenesis("app_state.margin.params must be an object");
  const params = raw === undefined ? defaultMarginParams() : withDefaults(raw as Record<string, unknown>);
  checkRate(params.maxFundingRate, "max_funding_rate", true);
  checkRate(params.liquidationPenalty, "liquidation_penalty", true);
  checkRate(params.optionOtmFactor, "option_otm_factor", true);
  checkRate(params.optionMinFactor, "option_min_factor", true);
  checkRate(params.optionMaintenanceRatio, "option_maintenance_ratio", true);
  checkRate(params.optionPortfolioShortMinimum, "option_portfolio_short_minimum", true);
  // A zero notional would be filled by the best order alone: the top of the book would set funding again.
  if (params.fundingImpactNotional < 1n)
    throw marginErrors.invalidGenesis(`${PARAMS_PATH}.funding_impact_notional must be at least 1 uusdc`);
  // With no interval funding is never paid while its samples keep adding up: longs and shorts never settle.
  if (params.fundingIntervalBlocks < 1n)
    throw marginErrors.invalidGenesis(`${PARAMS_PATH}.funding_interval_blocks must be at least 1 block`);
  // Settlement averages at least one block of oracle history (an empty window would halt expiry).
  if (params.settlementTwapBlocks < 1n)
    throw marginErrors.invalidGenesis(`${PARAMS_PATH}.settlement_twap_blocks must be at least 1`);
  return params;
}

export function initMarginGenesis(ctx: Context, state: unknown): void {
  setParams(ctx, parseMarginGenesis(state));
}
