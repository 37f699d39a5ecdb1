import test from "ava";
import { decFromString, decToString, type Dec } from "../../../chain/types/fixed/index.js";
import { createSimulatedSource, feederErrors, simulatedShock } from "../../../feeder/index.js";

const start = () =>
  new Map([
    ["ETH", decFromString("3000")],
    ["BTC", decFromString("60000")],
  ]);

async function walk(seed: number | string, rounds: number, volatility = "0.01"): Promise<string[]> {
  const s = createSimulatedSource({ seed, start: start(), volatility: decFromString(volatility) });
  const out: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const p = await s.prices(["ETH", "BTC"]);
    out.push(`${decToString(p.get("ETH")!)} ${decToString(p.get("BTC")!)}`);
  }
  return out;
}

test("a seed gives the same walk every time, pinned to exact values", async (t) => {
  const a = await walk(42, 3);
  t.deepEqual(a, [
    "2906.279110030000000000 60307.647479730000000000",
    "2900.259658430000000000 59637.847367450000000000",
    "2887.879086440000000000 60152.585469920000000000",
  ]);
  t.deepEqual(await walk(42, 30), await walk("42", 30));
});

test("different seeds give different walks", async (t) => {
  t.notDeepEqual(await walk(1, 5), await walk(2, 5));
});

test("each asset walks on its own: asking for one asset does not move the other's path", async (t) => {
  const s = createSimulatedSource({ seed: 7, start: start(), volatility: decFromString("0.01") });
  await s.prices(["ETH"]);
  await s.prices(["ETH"]);
  const btcFirst = (await s.prices(["BTC"])).get("BTC");
  const fresh = createSimulatedSource({ seed: 7, start: start(), volatility: decFromString("0.01") });
  t.is((await fresh.prices(["BTC"])).get("BTC"), btcFirst);
});

test("one step moves the price by at most six deviations, and stays positive", async (t) => {
  const s = createSimulatedSource({ seed: 3, start: start(), volatility: decFromString("0.02") });
  let prev: Dec = decFromString("3000");
  for (let i = 0; i < 200; i++) {
    const p = (await s.prices(["ETH"])).get("ETH")!;
    const ratio = Number(p) / Number(prev);
    t.true(p > 0n);
    t.true(ratio <= Math.exp(0.12) + 1e-9 && ratio >= Math.exp(-0.12) - 1e-9, `step ${i}: ${ratio}`);
    prev = p;
  }
});

test("zero volatility keeps the start price", async (t) => {
  t.deepEqual(await walk(5, 3, "0"), Array(3).fill("3000.000000000000000000 60000.000000000000000000"));
});

test("the shocks are centred with unit deviation", (t) => {
  const n = 4000;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const z = Number(simulatedShock("stats", "ETH", BigInt(i))) / 1e18;
    sum += z;
    squares += z * z;
  }
  const mean = sum / n;
  const sd = Math.sqrt(squares / n - mean * mean);
  t.true(Math.abs(mean) < 0.06, `mean ${mean}`);
  t.true(Math.abs(sd - 1) < 0.06, `sd ${sd}`);
});

test("an asset without a start price is refused and no asset moves", async (t) => {
  const s = createSimulatedSource({ seed: 1, start: start(), volatility: decFromString("0.01") });
  const err = await t.throwsAsync(s.prices(["ETH", "DOGE"]));
  t.true(feederErrors.unknownAsset.is(err));
  const fresh = createSimulatedSource({ seed: 1, start: start(), volatility: decFromString("0.01") });
  t.is((await s.prices(["ETH"])).get("ETH"), (await fresh.prices(["ETH"])).get("ETH"));
});
