/** subscribe / unsubscribe / unsubscribe_all: websocket only, events pushed with the subscribe call's id. */
import { isStrikeError } from "../../types/errors.js";
import type { CallContext, RouteTable, WsSession } from "../context.js";
import { JSONRPC_SERVER_ERROR, jsonRpcError, rpcErrors } from "../errors.js";
import type { Args } from "../params.js";
import { eventFrame } from "../render/frames.js";

/** CometBFT's bound (rpc/core/events.go): a query is parsed and matched against every event. */
export const MAX_QUERY_LENGTH = 512;

function session(ctx: CallContext): WsSession {
  if (ctx.ws === undefined) throw rpcErrors.subscription("subscriptions are only available over the websocket");
  return ctx.ws;
}

async function subscribe(ctx: CallContext, args: Args) {
  const ws = session(ctx);
  const { eventBus: bus } = ctx.services;
  const query = args.string("query") ?? "";
  if (query.length > MAX_QUERY_LENGTH) {
    throw rpcErrors.subscription(`maximum query length exceeded (${query.length} > ${MAX_QUERY_LENGTH})`);
  }
  const { maxSubscriptionClients, maxSubscriptionsPerClient } = ctx.limits;
  const subscribed = bus.numClientSubscriptions(ws.subscriberId);
  if (subscribed === 0 && bus.numClients() >= maxSubscriptionClients) {
    throw rpcErrors.subscription(`max_subscription_clients ${maxSubscriptionClients} reached`);
  }
  if (subscribed >= maxSubscriptionsPerClient) {
    throw rpcErrors.subscription(`max_subscriptions_per_client ${maxSubscriptionsPerClient} reached`);
  }
  const id = ctx.id;
  try {
    bus.subscribe(ws.subscriberId, query, (msg) => ws.sendFrame(id, () => eventFrame(id, msg)), {
      onCancel: (reason) => {
        try {
          ws.send({
            jsonrpc: "2.0",
            id,
            error: jsonRpcError(JSONRPC_SERVER_ERROR, `subscription was canceled (reason: ${reason.message})`),
          });
        } catch {
          // The client is gone or too slow to hear it; its socket is being closed.
        }
      },
    });
  } catch (e) {
    throw rpcErrors.subscription(`failed to subscribe: ${isStrikeError(e) ? e.message : String(e)}`);
  }
  return {};
}

async function unsubscribe(ctx: CallContext, args: Args) {
  const ws = session(ctx);
  try {
    ctx.services.eventBus.unsubscribe(ws.subscriberId, args.string("query") ?? "");
  } catch (e) {
    throw rpcErrors.subscription(isStrikeError(e) ? e.message : String(e));
  }
  return {};
}

async function unsubscribeAll(ctx: CallContext) {
  const ws = session(ctx);
  try {
    ctx.services.eventBus.unsubscribeAll(ws.subscriberId);
  } catch (e) {
    throw rpcErrors.subscription(isStrikeError(e) ? e.message : String(e));
  }
  return {};
}

const queryArg = [{ name: "query", kind: "string" }] as const;

export const subscriptionRoutes: RouteTable = {
  subscribe: { args: queryArg, wsOnly: true, handler: subscribe },
  unsubscribe: { args: queryArg, wsOnly: true, handler: unsubscribe },
  unsubscribe_all: { args: [], wsOnly: true, handler: async (ctx) => unsubscribeAll(ctx) },
};
