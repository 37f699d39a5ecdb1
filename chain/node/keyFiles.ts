/**
 * Where `strike init` and `strike testnet` put the validator's L1 signing keys, relative to
 * the home. Apart from ethKey.ts and blsKey.ts so that naming the files (in `--help`) loads no
 * Ethereum or BLS code.
 */
import { join } from "node:path";

export const ETH_KEY_FILE = join("config", "eth_key.json");
export const BLS_KEY_FILE = join("config", "bls_key.json");
