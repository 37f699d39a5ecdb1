/** Deploys the settlement contracts with ethers: a mock USDC (local networks) and one scheme. */
import { Contract, ContractFactory, type ContractRunner, type Signer } from "ethers";
import { loadArtifact, type ContractName } from "./artifacts.js";

export type SignatureScheme = "ecdsa" | "bls";

export interface SettlementParams {
  scheme: SignatureScheme;
  usdc: string;
  strikeChainId: string;
  /** Seconds without a checkpoint before anyone may enter exit mode. */
  exitTimeoutSeconds: bigint;
  minTotalPower: bigint;
  minDeposit: bigint;
}

export function settlementContractName(scheme: SignatureScheme): ContractName {
  return scheme === "ecdsa" ? "EcdsaSettlement" : "BlsSettlement";
}

export async function deployContract(name: ContractName, deployer: Signer, args: unknown[] = []): Promise<Contract> {
  const { abi, bytecode } = loadArtifact(name);
  const factory = new ContractFactory(abi, bytecode, deployer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return new Contract(await contract.getAddress(), abi, deployer);
}

export async function deployMockUsdc(deployer: Signer): Promise<Contract> {
  return deployContract("MockUSDC", deployer);
}

/** Deploys a settlement contract, not yet initialized (BLS keys must be registered first). */
export async function deploySettlement(deployer: Signer, p: SettlementParams): Promise<Contract> {
  return deployContract(settlementContractName(p.scheme), deployer, [
    p.usdc,
    p.strikeChainId,
    p.exitTimeoutSeconds,
    p.minTotalPower,
    p.minDeposit,
  ]);
}

export function settlementAt(address: string, scheme: SignatureScheme, runner: ContractRunner): Contract {
  return new Contract(address, loadArtifact(settlementContractName(scheme)).abi, runner);
}
