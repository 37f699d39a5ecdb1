/**
 * Prices from an HTTP API that answers JSON. `url` and `field` may contain `{asset}` or
 * `{asset_lower}`: one URL per asset (`https://api.example/prices/{asset}-USD`, field
 * `data.amount`) or one URL for all (`https://api.example/prices`, field `{asset}.usd`).
 * Each distinct URL is fetched once per round.
 */
import { decFromString, type Dec } from "../chain/types/fixed/index.js";
import { isStrikeError } from "../chain/types/errors.js";
import { feederErrors } from "./errors.js";
import type { PriceSource } from "./source.js";

export interface HttpJsonSourceOptions {
  url: string;
  /** Dotted path to the price in the JSON, e.g. "data.amount" or "prices.0.value". */
  field: string;
  timeoutMs?: number;
  /** For tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 5_000;

function fill(template: string, asset: string): string {
  return template.replaceAll("{asset}", asset).replaceAll("{asset_lower}", asset.toLowerCase());
}

/** Walks a dotted path; undefined when a step is missing. */
export function pickField(json: unknown, path: string): unknown {
  let cur: unknown = json;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** A JSON number or numeric string as a Dec; JSON numbers are floats, so they are cut to 18 places. */
export function priceFromJson(value: unknown, what: string): Dec {
  let text: string;
  if (typeof value === "string") text = value.trim();
  else if (typeof value === "number" && Number.isFinite(value))
    text = /e/i.test(String(value)) ? value.toFixed(18) : String(value);
  else throw feederErrors.badPrice(`${what}: got ${JSON.stringify(value) ?? String(value)}`);
  text = text.replace(/^(-?\d+\.\d{18})\d+$/, "$1");
  let price: Dec;
  try {
    price = decFromString(text);
  } catch (e) {
    if (!isStrikeError(e)) throw e;
    throw feederErrors.badPrice(`${what}: ${JSON.stringify(text)} is not a decimal`);
  }
  if (price <= 0n) throw feederErrors.badPrice(`${what}: ${text} is not positive`);
  return price;
}

async function fetchJson(doFetch: typeof fetch, url: string, timeoutMs: number): Promise<unknown> {
  let res: Response;
  try {
    res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
  } catch (e) {
    if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"))
      throw feederErrors.timeout(`GET ${url}: no answer within ${timeoutMs} ms`, { url });
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e);
    throw feederErrors.unreachable(`GET ${url}: ${cause}`, { url });
  }
  let body: string;
  try {
    body = await res.text();
  } catch (e) {
    if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"))
      throw feederErrors.timeout(`GET ${url}: body not received within ${timeoutMs} ms`, { url });
    throw feederErrors.unreachable(`GET ${url}: ${String(e)}`, { url });
  }
  if (!res.ok)
    throw feederErrors.httpStatus(`GET ${url}: ${res.status} ${res.statusText}`, { url, status: res.status });
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw feederErrors.badJson(`GET ${url}: ${JSON.stringify(body.slice(0, 80))}`, { url });
  }
}

export function createHttpJsonSource(options: HttpJsonSourceOptions): PriceSource {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  if (!URL.canParse(fill(options.url, "X")))
    throw feederErrors.badOption(`--http-url ${JSON.stringify(options.url)} is not a URL`);
  if (options.field === "") throw feederErrors.badOption("--http-field must name a field, e.g. data.amount");
  return {
    async prices(assets) {
      const urls = [...new Set(assets.map((a) => fill(options.url, a)))];
      const bodies = new Map(
        await Promise.all(urls.map(async (u) => [u, await fetchJson(doFetch, u, timeoutMs)] as const)),
      );
      const out = new Map<string, Dec>();
      for (const asset of assets) {
        const url = fill(options.url, asset);
        const field = fill(options.field, asset);
        const value = pickField(bodies.get(url), field);
        if (value === undefined)
          throw feederErrors.missingField(`${asset}: no "${field}" in the answer of ${url}`, { asset, url, field });
        out.set(asset, priceFromJson(value, `${asset} from ${url} field ${field}`));
      }
      return out;
    },
  };
}
