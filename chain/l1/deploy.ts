/** Deploys the settlement contracts with ethers: a mock USDC (local networks) and one scheme. */
import { Contract, ContractFactory, keccak256, type ContractRunner, type Signer } from "ethers";
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

export interface BlsRegistration {
  /** 128-byte EIP-2537 G1 key, 0x hex. */
  publicKey: string;
  /** 256-byte G2 proof of possession (bls.ts blsProofOfPossession). */
  proofOfPossession: string;
}

/**
 * Installs the genesis validator set (deployer only, once). For BLS, registers every key
 * not yet registered first: a set may only name keys with a proven possession.
 */
export async function initializeSettlement(
  settlement: Contract,
  encodedValidatorSet: string,
  blsKeys: readonly BlsRegistration[] = [],
): Promise<void> {
  await registerBlsKeys(settlement, blsKeys);
  await (await settlement.getFunction("initialize")(encodedValidatorSet)).wait();
}

/** Registers each BLS key that is not registered yet (BlsSettlement.registerKey). */
export async function registerBlsKeys(settlement: Contract, keys: readonly BlsRegistration[]): Promise<void> {
  for (const k of keys) {
    if (await settlement.getFunction("keyRegistered")(keccak256(k.publicKey))) continue;
    await (await settlement.getFunction("registerKey")(k.publicKey, k.proofOfPossession)).wait();
  }
}
