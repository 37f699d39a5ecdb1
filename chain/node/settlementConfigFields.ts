/**
 * app.toml `[settlement]`: where the node reads L1 settlement for the finality ladder's
 * `checkpointed` and `settled` rungs (chain/l1/settlementWatch.ts). Off: those rungs are
 * "not available".
 */
import { field, type ConfigField } from "./configTypes.js";

const A = "app.toml" as const;

export const settlementConfigFields: readonly ConfigField[] = [
  field(
    A,
    "settlement.enable",
    "bool",
    "read the settlement contract's checkpoints from L1 for the finality ladder (checkpointed, settled)",
    (c) => c.settlement.enable,
    (c, v: boolean) => (c.settlement.enable = v),
  ),
  field(
    A,
    "settlement.l1-rpc",
    "string",
    "L1 JSON-RPC endpoint",
    (c) => c.settlement.l1Rpc,
    (c, v: string) => (c.settlement.l1Rpc = v),
  ),
  field(
    A,
    "settlement.contract",
    "string",
    "settlement contract address (0x...; empty: the one named in genesis)",
    (c) => c.settlement.contract,
    (c, v: string) => (c.settlement.contract = v),
  ),
  field(
    A,
    "settlement.confirmations",
    "uint",
    "L1 blocks on top of a checkpoint's block before its heights count as settled",
    (c) => c.settlement.confirmations,
    (c, v: number) => (c.settlement.confirmations = v),
  ),
  field(
    A,
    "settlement.poll-interval",
    "duration",
    "time between L1 reads",
    (c) => c.settlement.pollIntervalMs,
    (c, v: number) => (c.settlement.pollIntervalMs = v),
  ),
];
