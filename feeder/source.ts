/** Where a feeder gets prices from: a simulation on localnets, an HTTP JSON API in real deployments. */
import type { Dec } from "../chain/types/fixed/index.js";

export interface PriceSource {
  /** One price per requested asset; throws a coded feeder error when it cannot give all of them. */
  prices(assets: readonly string[]): Promise<Map<string, Dec>>;
}
