import anyTest, { type TestFn } from "ava";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decFromString } from "../../../chain/types/fixed/index.js";
import { createHttpJsonSource, feederErrors, priceFromJson } from "../../../feeder/index.js";

interface Ctx {
  server: Server;
  base: string;
  hits: string[];
}
const test = anyTest as TestFn<Ctx>;

const routes: Record<string, (res: ServerResponse) => void> = {
  "/spot/ETH-USD": (res) => res.end(JSON.stringify({ data: { amount: "3001.52", currency: "USD" } })),
  "/spot/BTC-USD": (res) => res.end(JSON.stringify({ data: { amount: "65000" } })),
  "/all": (res) => res.end(JSON.stringify({ eth: { usd: 3001.5 }, btc: { usd: 6.5e4 }, doge: { usd: -1 } })),
  "/list": (res) => res.end(JSON.stringify({ prices: [{ value: "1.25" }] })),
  "/down": (res) => {
    res.statusCode = 503;
    res.end("maintenance");
  },
  "/html": (res) => res.end("<html>hi</html>"),
  "/slow": () => undefined, // never answers
};

test.before(async (t) => {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? "");
    const route = routes[req.url ?? ""];
    if (route === undefined) {
      res.statusCode = 404;
      res.end("{}");
    } else route(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  t.context = { server, base: `http://127.0.0.1:${port}`, hits };
});

test.after.always((t) => {
  t.context.server.closeAllConnections();
  t.context.server.close();
});

test.serial("a URL per asset: {asset} is filled in and the field is read from each answer", async (t) => {
  const s = createHttpJsonSource({ url: `${t.context.base}/spot/{asset}-USD`, field: "data.amount" });
  const p = await s.prices(["ETH", "BTC"]);
  t.is(p.get("ETH"), decFromString("3001.52"));
  t.is(p.get("BTC"), decFromString("65000"));
});

test.serial("one URL for all assets is fetched once per round; numbers are read as decimals", async (t) => {
  const before = t.context.hits.length;
  const s = createHttpJsonSource({ url: `${t.context.base}/all`, field: "{asset_lower}.usd" });
  const p = await s.prices(["ETH", "BTC"]);
  t.is(p.get("ETH"), decFromString("3001.5"));
  t.is(p.get("BTC"), decFromString("65000"));
  t.is(t.context.hits.length - before, 1);
});

test.serial("array indices work in the field path", async (t) => {
  const s = createHttpJsonSource({ url: `${t.context.base}/list`, field: "prices.0.value" });
  t.is((await s.prices(["ETH"])).get("ETH"), decFromString("1.25"));
});

test.serial("each failure has its own code and names the URL", async (t) => {
  const { base } = t.context;
  const cases: [string, string, string, (e: unknown) => boolean][] = [
    ["/down", "x", "ETH", feederErrors.httpStatus.is],
    ["/html", "x", "ETH", feederErrors.badJson.is],
    ["/spot/ETH-USD", "data.price", "ETH", feederErrors.missingField.is],
    ["/spot/ETH-USD", "data.currency", "ETH", feederErrors.badPrice.is],
    ["/all", "{asset_lower}.usd", "DOGE", feederErrors.badPrice.is],
  ];
  for (const [path, field, asset, is] of cases) {
    const s = createHttpJsonSource({ url: `${base}${path}`, field });
    const err = await t.throwsAsync(s.prices([asset]));
    t.true(is(err), `${path}: ${err.message}`);
    t.true(err.message.includes(`${base}${path}`), err.message);
  }
});

test.serial("a source that does not answer in time fails with a timeout", async (t) => {
  const s = createHttpJsonSource({ url: `${t.context.base}/slow`, field: "x", timeoutMs: 200 });
  const started = Date.now();
  const err = await t.throwsAsync(s.prices(["ETH"]));
  t.true(feederErrors.timeout.is(err), err.message);
  t.true(Date.now() - started < 2000);
});

test.serial("an unreachable source fails with its own code", async (t) => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((r) => closed.close(() => r()));
  const s = createHttpJsonSource({ url: `http://127.0.0.1:${port}/x`, field: "x" });
  t.true(feederErrors.unreachable.is(await t.throwsAsync(s.prices(["ETH"]))));
});

test("options are checked when the source is built", (t) => {
  t.true(feederErrors.badOption.is(t.throws(() => createHttpJsonSource({ url: "not a url", field: "x" }))));
  t.true(feederErrors.badOption.is(t.throws(() => createHttpJsonSource({ url: "http://127.0.0.1/", field: "" }))));
});

test("JSON numbers become exact decimals, cut at 18 places", (t) => {
  t.is(priceFromJson(3000.125, "x"), decFromString("3000.125"));
  t.is(priceFromJson(1e-7, "x"), decFromString("0.0000001"));
  t.is(priceFromJson("0.0000012345678901234567", "x"), decFromString("0.000001234567890123"));
  t.true(feederErrors.badPrice.is(t.throws(() => priceFromJson(0, "x"))));
  t.true(feederErrors.badPrice.is(t.throws(() => priceFromJson(null, "x"))));
  t.true(feederErrors.badPrice.is(t.throws(() => priceFromJson("12abc", "x"))));
});
