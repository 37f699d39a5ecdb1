/**
 * Option pricing throughput on one core: Black-Scholes price + greeks evaluations per
 * second (modules/options/pricing), the price alone, and portfolioWorstLoss for a 20-leg
 * portfolio on the default 7×3 scenario grid (21 scenarios + the current value = 440 price
 * evaluations). For scale, the same price + greeks written directly with chain/types/fixed's
 * ln, exp, normCdf and normPdf. Writes bench/results/option-pricing.json.
 *
 *   npx tsx bench/optionPricing.ts
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import type { Dec } from "../chain/types/fixed/index.js";
import { DEC_ONE, decFromString, div, ln, mul, normCdf, normPdf, sqrt, sub } from "../chain/types/fixed/index.js";
import type { BlackScholesInput, PortfolioLeg } from "../modules/options/pricing/index.js";
import {
  DEFAULT_SCENARIO_GRID,
  blackScholes,
  blackScholesPrice,
  portfolioWorstLoss,
  yearsBetween,
} from "../modules/options/pricing/index.js";
import { writeResult } from "./lib/machine.js";

const DURATION_MS = Number(process.env["BENCH_MS"] ?? 2000);
const d = decFromString;
const spot = d("3000");

// A fixed spread of listed options: strikes 50%…150% of spot, 1 day…180 days, 30%…120% vol.
const inputs: BlackScholesInput[] = [];
for (let i = 0; i < 256; i++) {
  inputs.push({
    kind: i % 2 === 0 ? "call" : "put",
    spot,
    strike: (spot * BigInt(50 + ((i * 37) % 101))) / 100n,
    timeToExpiry: yearsBetween(0n, BigInt(86_400 * (1 + ((i * 53) % 180)))),
    volatility: (DEC_ONE * BigInt(30 + ((i * 29) % 91))) / 100n,
  });
}

const legs: PortfolioLeg[] = Array.from({ length: 20 }, (_, i) => ({
  kind: i % 2 === 0 ? "call" : "put",
  size: (DEC_ONE * BigInt((i % 3) - 1 || 2)) / 2n,
  strike: (spot * BigInt(70 + 3 * i)) / 100n,
  timeToExpiry: yearsBetween(0n, BigInt(86_400 * (7 + 9 * i))),
  volatility: (DEC_ONE * BigInt(40 + 2 * i)) / 100n,
}));

/** Black-Scholes price + greeks from chain/types/fixed's correctly rounded Dec functions. */
function blackScholesWithDecFunctions(x: BlackScholesInput): Dec[] {
  const sqrtT = sqrt(x.timeToExpiry);
  const deviation = mul(x.volatility, sqrtT);
  const d1 = div(ln(div(x.spot, x.strike)) + mul(mul(x.volatility, x.volatility) / 2n, x.timeToExpiry), deviation);
  const d2 = sub(d1, deviation);
  const cdf1 = normCdf(d1);
  const cdf2 = normCdf(d2);
  const pdf1 = normPdf(d1);
  const price =
    x.kind === "call"
      ? mul(x.spot, cdf1) - mul(x.strike, cdf2)
      : mul(x.strike, DEC_ONE - cdf2) - mul(x.spot, DEC_ONE - cdf1);
  const gamma = div(pdf1, mul(x.spot, deviation));
  const vega = mul(mul(x.spot, pdf1), sqrtT);
  const theta = -div(mul(mul(x.spot, pdf1), x.volatility), 2n * sqrtT);
  return [price, cdf1, gamma, vega, theta];
}

/**
 * Calls per second of `run(i)` over DURATION_MS after a warm-up, per second of this process's
 * CPU time: the machine is shared, and CPU time is what one core gives the loop however busy
 * the others are. (Single-threaded, so CPU time is time on one core.)
 */
function rate(run: (i: number) => unknown): number {
  for (let i = 0; i < 2000; i++) run(i);
  let n = 0;
  const cpuStart = process.cpuUsage();
  const deadline = performance.now() + DURATION_MS;
  while (performance.now() < deadline) {
    for (let k = 0; k < 100; k++) run(n++);
  }
  const cpu = process.cpuUsage(cpuStart);
  return (n * 1e6) / (cpu.user + cpu.system);
}

function main(): void {
  const loadAverageAtStart = loadavg().map(round);
  const firstCall = process.cpuUsage();
  // The first evaluation that reaches the normal table builds it.
  blackScholes({ kind: "call", spot, strike: spot, timeToExpiry: DEC_ONE, volatility: DEC_ONE });
  const built = process.cpuUsage(firstCall);
  const tableBuildMs = (built.user + built.system) / 1000;

  const greeksPerSecond = rate((i) => blackScholes(inputs[i & 255]!));
  const pricesPerSecond = rate((i) => blackScholesPrice(inputs[i & 255]!));
  const decFunctionsPerSecond = rate((i) => blackScholesWithDecFunctions(inputs[i & 255]!));
  const portfoliosPerSecond = rate(() => portfolioWorstLoss(legs, spot, DEFAULT_SCENARIO_GRID));
  const scenarios = DEFAULT_SCENARIO_GRID.spotShocks.length * DEFAULT_SCENARIO_GRID.volShocks.length;

  const figures = {
    unit: "operations per second of CPU time on one core",
    blackScholes: {
      priceAndGreeksPerSecond: Math.round(greeksPerSecond),
      microsecondsPerEvaluation: round(1e6 / greeksPerSecond),
      priceOnlyPerSecond: Math.round(pricesPerSecond),
      microsecondsPerPriceOnly: round(1e6 / pricesPerSecond),
      inputs: "256 options on spot 3000: strikes 50%…150%, 1…180 days, volatility 30%…120%",
    },
    withDecFunctions: {
      priceAndGreeksPerSecond: Math.round(decFunctionsPerSecond),
      microsecondsPerEvaluation: round(1e6 / decFunctionsPerSecond),
      note: "the same formulas on chain/types/fixed's ln/sqrt/normCdf/normPdf, for comparison",
    },
    portfolioWorstLoss: {
      legs: legs.length,
      scenarios,
      priceEvaluations: legs.length * (scenarios + 1),
      perSecond: round(portfoliosPerSecond),
      millisecondsPerPortfolio: round(1000 / portfoliosPerSecond),
    },
    /** CPU time of the first evaluation, which builds the normal table (once per process), cold JIT included */
    normalTableBuildMs: round(tableBuildMs),
    loadAverageAtStart,
    loadAverageAtEnd: loadavg().map(round),
  };
  console.log(JSON.stringify(figures, null, 2));
  console.log(`wrote ${writeResult("option-pricing", figures)}`);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

main();
