/**
 * Registers receipts: MsgReceiptViolation, its queries, genesis, and the window of header
 * roots: the previous height's results root at begin block (it runs in the sequencer's
 * speculative execution too, with the same header values), this height's txs and proposer
 * at end block, where the report rewards due are paid and expired commitments forgotten.
 */
import type { AppModule, Context } from "../../chain/runtime/types.js";
import { initReceiptsGenesis } from "./genesis.js";
import type { ReceiptsKeeper } from "./keeper.js";
import { MODULE_NAME, STORE_KEY } from "./keys.js";
import { receiptsMsgRoutes } from "./msgServer.js";
import { receiptsQueryRoutes } from "./queryServer.js";

export function createReceiptsModule(keeper: ReceiptsKeeper): AppModule {
  return {
    name: MODULE_NAME,
    storeKey: STORE_KEY,
    msgs: receiptsMsgRoutes(keeper),
    queries: receiptsQueryRoutes(keeper),
    initGenesis: (ctx: Context, state: unknown) => initReceiptsGenesis(ctx, keeper, state),
    beginBlock: (ctx: Context) => keeper.recordResults(ctx),
    endBlock: (ctx: Context) => {
      keeper.recordBlock(ctx);
      keeper.settleReports(ctx);
    },
  };
}
