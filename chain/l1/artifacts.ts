/** The compiled contracts (contracts/generated, written by contracts/build.ts). */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { InterfaceAbi } from "ethers";
import { l1Errors } from "./errors.js";

export type ContractName = "EcdsaSettlement" | "BlsSettlement" | "MockUSDC";

export interface ContractArtifact {
  contractName: ContractName;
  compiler: string;
  abi: InterfaceAbi;
  bytecode: string;
}

/** The repository root, from sources (chain/l1) or from the compiled copy (dist/chain/l1). */
export const repoRoot =
  [resolve(import.meta.dirname, "../.."), resolve(import.meta.dirname, "../../..")].find((d) =>
    existsSync(join(d, "contracts", "generated")),
  ) ?? resolve(import.meta.dirname, "../..");
const generatedDir = join(repoRoot, "contracts/generated");
const cache = new Map<ContractName, ContractArtifact>();

export function loadArtifact(name: ContractName): ContractArtifact {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  let artifact: ContractArtifact;
  try {
    artifact = JSON.parse(readFileSync(join(generatedDir, `${name}.json`), "utf8")) as ContractArtifact;
  } catch {
    throw l1Errors.missingArtifact(name);
  }
  cache.set(name, artifact);
  return artifact;
}
