/**
 * Typed query clients, composed from the proto service definitions: Strike's own
 * (`strike.<module>.v1.Query`, generated from proto/ by `make proto`) and the Cosmos ones the
 * chain serves (cosmjs-types). One object per module, as cosmjs's query extensions have.
 */
import { QueryClientImpl as AuthQuery } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { QueryClientImpl as BankQuery } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { ServiceClientImpl as TxService } from "cosmjs-types/cosmos/tx/v1beta1/service";
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

export interface CosmosQueries {
  auth: AuthQuery;
  bank: BankQuery;
  tx: TxService;
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

export function cosmosQueries(rpc: QueryRpc): CosmosQueries {
  return { auth: new AuthQuery(rpc), bank: new BankQuery(rpc), tx: new TxService(rpc) };
}

/** Every query service the chain serves, over one transport. */
export function chainQueries(rpc: QueryRpc): StrikeQueries & CosmosQueries {
  return { ...cosmosQueries(rpc), ...strikeQueries(rpc) };
}
