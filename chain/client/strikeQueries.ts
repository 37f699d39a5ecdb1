/**
 * Strike's own typed query clients (`strike.<module>.v1.Query`, generated from proto/ by
 * `make proto`), one object per module. Apart from the Cosmos ones (queries.ts) so that a
 * browser bundle (web/) takes these without cosmjs-types.
 */
import { QueryClientImpl as BridgeQuery } from "../codec/generated/strike/bridge/v1/query.js";
import { QueryClientImpl as CheckpointQuery } from "../codec/generated/strike/checkpoint/v1/query.js";
import { QueryClientImpl as MarginQuery } from "../codec/generated/strike/margin/v1/query.js";
import { QueryClientImpl as OracleQuery } from "../codec/generated/strike/oracle/v1/query.js";
import { QueryClientImpl as OrderbookQuery } from "../codec/generated/strike/orderbook/v1/query.js";
import { QueryClientImpl as ReceiptsQuery } from "../codec/generated/strike/receipts/v1/query.js";
import { QueryClientImpl as SlashingQuery } from "../codec/generated/strike/slashing/v1/query.js";
import { QueryClientImpl as StakingQuery } from "../codec/generated/strike/staking/v1/query.js";
import type { QueryRpc } from "./queryRpc.js";

export interface StrikeQueries {
  orderbook: OrderbookQuery;
  margin: MarginQuery;
  oracle: OracleQuery;
  staking: StakingQuery;
  slashing: SlashingQuery;
  checkpoint: CheckpointQuery;
  bridge: BridgeQuery;
  receipts: ReceiptsQuery;
}

export function strikeQueries(rpc: QueryRpc): StrikeQueries {
  return {
    orderbook: new OrderbookQuery(rpc),
    margin: new MarginQuery(rpc),
    oracle: new OracleQuery(rpc),
    staking: new StakingQuery(rpc),
    slashing: new SlashingQuery(rpc),
    checkpoint: new CheckpointQuery(rpc),
    bridge: new BridgeQuery(rpc),
    receipts: new ReceiptsQuery(rpc),
  };
}
