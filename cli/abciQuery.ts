/** Protobuf queries over the node's `abci_query`, with the chain's coded errors turned into clear CLI errors. */
import type { Comet38Client } from "@cosmjs/tendermint-rpc";
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

/** Runs one query; gRPC "not found" (5) becomes a not-found error, anything else a bad argument. */
export async function queryProto<T>(
  comet: Comet38Client,
  path: string,
  data: Uint8Array,
  decode: (b: Uint8Array) => T,
): Promise<T> {
  const res = await comet.abciQuery({ path, data });
  if ((res.code ?? 0) !== 0) {
    const why = `${res.log ?? ""} (code ${res.code}, codespace ${res.codespace || "-"})`;
    if (res.codespace === "sdk" && res.code === 22) throw cliErrors.notFound(why);
    throw cliErrors.badArgument(why);
  }
  return decode(res.value);
}
