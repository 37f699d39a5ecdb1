/** The flags of `strike tx trade|margin …`, shared by their definitions (trade.ts) and their actions (tradeActions.ts). */
import type { TxFlags } from "../txSend.js";

/** The names --tif and --self-trade accept; tradeActions.ts maps each to the codec's enum. */
export const TIF_NAMES = ["gtc", "ioc", "fok", "post-only"] as const;
export const SELF_TRADE_NAMES = ["expire-maker", "expire-taker", "expire-both"] as const;

export interface AccountFlags extends TxFlags {
  from?: string;
  subaccount: string;
}

export interface OrderFlags extends AccountFlags {
  market: string;
  side: string;
  size: string;
  price: string;
  tif: (typeof TIF_NAMES)[number];
  type: string;
  reduceOnly: boolean;
  clientId?: string;
  goodTilBlock?: string;
  goodTilTime?: string;
  trigger?: string;
  triggerPrice?: string;
  selfTrade: (typeof SELF_TRADE_NAMES)[number];
  selfTradeAllSubaccounts?: boolean;
}
