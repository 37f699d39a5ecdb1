/**
 * `/cosmos.tx.v1beta1.Service/GetTx` answered from the tx index, as the Cosmos SDK's tx
 * service does: the decoded Tx plus a TxResponse built from the indexed result.
 */
import { TxResponse } from "cosmjs-types/cosmos/base/abci/v1beta1/abci";
import { GetTxRequest, GetTxResponse } from "cosmjs-types/cosmos/tx/v1beta1/service";
import { Tx } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { QueryRequest, QueryResponse } from "../../types/abci.js";
import { fromHex, toHex } from "../../types/bytes.js";
import { sdkErrors } from "../../types/errors.js";
import type { RpcServices } from "../services.js";

export const GET_TX_PATH = "/cosmos.tx.v1beta1.Service/GetTx";

function failure(height: bigint, code: number, codespace: string, log: string): QueryResponse {
  return {
    code,
    codespace,
    log,
    info: "",
    index: 0n,
    key: new Uint8Array(),
    value: new Uint8Array(),
    proofOps: [],
    height,
  };
}

/** The SDK formats TxResponse.timestamp with Go's time.RFC3339 (whole seconds). */
function rfc3339(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export async function getTxFromIndex(
  services: Pick<RpcServices, "txIndexer" | "blocks">,
  req: QueryRequest,
): Promise<QueryResponse> {
  const height = services.blocks.height;
  let hash: Uint8Array;
  try {
    hash = fromHex(GetTxRequest.decode(req.data).hash);
  } catch {
    const e = sdkErrors.invalidRequest("tx hash must be hex");
    return failure(height, e.code, e.codespace, e.message);
  }
  const found = await services.txIndexer.getByHash(hash);
  if (found === undefined) {
    const e = sdkErrors.notFound(`tx not found: ${toHex(hash).toUpperCase()}`);
    return failure(height, e.code, e.codespace, e.message);
  }
  let tx: Tx;
  try {
    tx = Tx.decode(found.tx);
  } catch {
    const e = sdkErrors.txDecode("indexed tx is not a cosmos Tx");
    return failure(height, e.code, e.codespace, e.message);
  }
  const meta = await services.blocks.loadBlockMeta(found.height);
  const r = found.result;
  const txResponse = TxResponse.fromPartial({
    height: found.height,
    txhash: toHex(found.hash).toUpperCase(),
    codespace: r.codespace,
    code: r.code,
    data: toHex(r.data).toUpperCase(),
    rawLog: r.log,
    info: r.info,
    gasWanted: r.gasWanted,
    gasUsed: r.gasUsed,
    tx: { typeUrl: "/cosmos.tx.v1beta1.Tx", value: found.tx },
    timestamp: meta ? rfc3339(meta.header.time.seconds) : "",
    events: r.events,
  });
  const value = GetTxResponse.encode(GetTxResponse.fromPartial({ tx, txResponse })).finish();
  return { code: 0, codespace: "", log: "", info: "", index: 0n, key: new Uint8Array(), value, proofOps: [], height };
}
