/** app.toml `[bridge]`: the validator's L1 deposit watcher (app/bridgeWatcher.ts). */
import { field, type ConfigField } from "./configTypes.js";

const A = "app.toml" as const;

export const bridgeConfigFields: readonly ConfigField[] = [
  field(
    A,
    "bridge.enable",
    "bool",
    "watch the L1 settlement contract's deposits and attest them (validators)",
    (c) => c.bridge.enable,
    (c, v: boolean) => (c.bridge.enable = v),
  ),
  field(
    A,
    "bridge.l1-rpc",
    "string",
    "L1 JSON-RPC endpoint",
    (c) => c.bridge.l1Rpc,
    (c, v: string) => (c.bridge.l1Rpc = v),
  ),
  field(
    A,
    "bridge.contract",
    "string",
    "settlement contract address (0x...)",
    (c) => c.bridge.contract,
    (c, v: string) => (c.bridge.contract = v),
  ),
  field(
    A,
    "bridge.confirmations",
    "uint",
    "L1 blocks on top of a deposit's block before it is attested (0: the head itself)",
    (c) => c.bridge.confirmations,
    (c, v: number) => (c.bridge.confirmations = v),
  ),
  field(
    A,
    "bridge.poll-interval",
    "duration",
    "time between L1 polls",
    (c) => c.bridge.pollIntervalMs,
    (c, v: number) => (c.bridge.pollIntervalMs = v),
  ),
  field(
    A,
    "bridge.start-block",
    "uint",
    "first L1 block to scan (the contract's deployment block)",
    (c) => c.bridge.startBlock,
    (c, v: number) => (c.bridge.startBlock = v),
  ),
  field(
    A,
    "bridge.key-file",
    "string",
    "key that signs attestations (the validator's feeder key or its operator)",
    (c) => c.bridge.keyFile,
    (c, v: string) => (c.bridge.keyFile = v),
  ),
  field(
    A,
    "bridge.gas",
    "uint",
    "gas limit of one attestation",
    (c) => c.bridge.gasLimit,
    (c, v: number) => (c.bridge.gasLimit = v),
  ),
  field(
    A,
    "bridge.fees",
    "string",
    "fee of one attestation",
    (c) => c.bridge.fees,
    (c, v: string) => (c.bridge.fees = v),
  ),
];
