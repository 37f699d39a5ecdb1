/** CometBFT 0.38's method set (rpc/core/routes.go), minus the unsafe and consensus-dump methods. */
import type { RouteTable } from "./context.js";
import { blockRoutes } from "./methods/blocks.js";
import { broadcastRoutes } from "./methods/broadcast.js";
import { infoRoutes } from "./methods/info.js";
import { marketRoutes } from "./methods/market.js";
import { sequencerRoutes } from "./methods/sequencer.js";
import { subscriptionRoutes } from "./methods/subscriptions.js";
import { txRoutes } from "./methods/txs.js";

export const routes: RouteTable = {
  ...infoRoutes,
  ...blockRoutes,
  ...txRoutes,
  ...broadcastRoutes,
  ...subscriptionRoutes,
  ...sequencerRoutes,
  ...marketRoutes,
};
