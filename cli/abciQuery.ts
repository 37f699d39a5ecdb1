/** Typed queries over the node's `abci_query`, with the chain's coded errors turned into clear CLI errors. */
import type { Comet38Client } from "@cosmjs/tendermint-rpc";
import { chainQueries, type CosmosQueries, type StrikeQueries } from "../chain/client/queries.js";
import { cometQuerier } from "../chain/client/comet.js";
import { createQueryRpc, refusal, type QueryRpc } from "../chain/client/queryRpc.js";
import { connectComet, withNode } from "./client.js";
import type { GlobalOptions } from "./context.js";
import { cliErrors } from "./errors.js";

export async function withComet<T>(g: GlobalOptions, fn: (comet: Comet38Client) => Promise<T>): Promise<T> {
  const comet = await connectComet(g.node);
  try {
    return await withNode(g.node, () => fn(comet));
  } finally {
    comet.disconnect();
  }
}

type Refusal = NonNullable<ReturnType<typeof refusal>>;
const sdkNotFound = (r: Refusal): boolean => r.codespace === "sdk" && r.code === 22;

/** A refusal that means "not found" (by default gRPC's 5, the SDK's 22) becomes a not-found error, any other a bad argument. */
export function cliRpc(rpc: QueryRpc, isNotFound: (r: Refusal) => boolean = sdkNotFound): QueryRpc {
  return {
    async request(service, method, data) {
      try {
        return await rpc.request(service, method, data);
      } catch (e) {
        const r = refusal(e);
        if (r === undefined) throw e;
        const why = `${r.log} (code ${r.code}, codespace ${r.codespace || "-"})`;
        if (isNotFound(r)) throw cliErrors.notFound(why);
        throw cliErrors.badArgument(why);
      }
    },
  };
}

/** Every query service of the chain over `comet` (at `height`, or the latest). */
export function cliQueries(comet: Comet38Client, height?: bigint): StrikeQueries & CosmosQueries {
  return chainQueries(cliRpc(createQueryRpc(cometQuerier(comet), height === undefined ? {} : { height })));
}
