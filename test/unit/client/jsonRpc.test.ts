/** abci_query over a JSON-RPC call (the dashboard's websocket, a tool's HTTP POST): hex in, base64 out, refusals coded. */
import test from "ava";
import { QueryMarksRequest, QueryMarksResponse } from "../../../chain/codec/generated/strike/margin/v1/query.js";
import { createQueryRpc, jsonRpcAbciQuerier, queryPath, refusal, strikeQueries } from "../../../chain/client/index.js";

test("a typed query sends its request as hex with the height, and decodes the base64 answer", async (t) => {
  const sent: Record<string, string>[] = [];
  const answer = QueryMarksResponse.encode({ height: 7n, marks: [] }).finish();
  const querier = jsonRpcAbciQuerier(async (_method, params) => {
    sent.push(params);
    return { response: { code: 0, value: Buffer.from(answer).toString("base64") } };
  });
  const margin = strikeQueries(createQueryRpc(querier, { height: 7n })).margin;
  const r = await margin.Marks({ market: "ETH-PERP" });
  t.is(r.height, 7n);
  t.deepEqual(sent, [
    {
      path: queryPath("strike.margin.v1.Query", "Marks"),
      data: Buffer.from(QueryMarksRequest.encode({ market: "ETH-PERP" }).finish()).toString("hex"),
      height: "7",
    },
  ]);
});

test("a refused query keeps the node's code, codespace and log", async (t) => {
  const querier = jsonRpcAbciQuerier(async () => ({
    response: { code: 22, codespace: "sdk", log: "market X not found", value: null },
  }));
  const e = await strikeQueries(createQueryRpc(querier))
    .margin.Marks({ market: "X" })
    .catch((x: unknown) => x);
  t.deepEqual(refusal(e), { code: 22, codespace: "sdk", log: "market X not found" });
});
