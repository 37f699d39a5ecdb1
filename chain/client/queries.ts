/**
 * Typed query clients, composed from the proto service definitions: Strike's own
 * (strikeQueries.ts) and the Cosmos ones the chain serves (cosmjs-types). One object per
 * module, as cosmjs's query extensions have.
 */
import { QueryClientImpl as AuthQuery } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { QueryClientImpl as BankQuery } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { ServiceClientImpl as TxService } from "cosmjs-types/cosmos/tx/v1beta1/service";
import type { QueryRpc } from "./queryRpc.js";
import { strikeQueries, type StrikeQueries } from "./strikeQueries.js";

export { strikeQueries, type StrikeQueries } from "./strikeQueries.js";

export interface CosmosQueries {
  auth: AuthQuery;
  bank: BankQuery;
  tx: TxService;
}

export function cosmosQueries(rpc: QueryRpc): CosmosQueries {
  return { auth: new AuthQuery(rpc), bank: new BankQuery(rpc), tx: new TxService(rpc) };
}

/** Every query service the chain serves, over one transport. */
export function chainQueries(rpc: QueryRpc): StrikeQueries & CosmosQueries {
  return { ...cosmosQueries(rpc), ...strikeQueries(rpc) };
}
