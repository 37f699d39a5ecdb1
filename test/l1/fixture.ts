/**
 * Contract-test harness: a real `hardhat node` per test file, fresh contracts per test,
 * and one `Scheme` per signature scheme so that the same rules are tested against both.
 */
import type { Contract } from "ethers";
import { JsonRpcProvider, Wallet, keccak256, toUtf8Bytes, ZeroHash, type Signer } from "ethers";
import { blsProofOfPossession, blsPublicKey, blsSecretKeyFromSeed, encodeBlsSignatures } from "../../chain/l1/bls.js";
import { encodeBlsValidatorSet, signCheckpointBls, sortBlsMembers, type BlsMember } from "../../chain/l1/bls.js";
import { checkpointDigest, type Checkpoint, type SettlementDomain } from "../../chain/l1/digest.js";
import { deployMockUsdc, deploySettlement, initializeSettlement, registerBlsKeys } from "../../chain/l1/deploy.js";
import type { BlsRegistration, SignatureScheme } from "../../chain/l1/deploy.js";
import { encodeEcdsaValidatorSet, ethAddressOf, signCheckpointEcdsa, sortEcdsaMembers } from "../../chain/l1/ecdsa.js";
import type { EcdsaMember } from "../../chain/l1/ecdsa.js";
import { HARDHAT_KEYS, startHardhatNode, type HardhatNode } from "../../chain/l1/hardhatNode.js";
import { freePort } from "../helpers/localNode.js";

export const STRIKE_CHAIN_ID = "strike-test-1";

export interface L1 {
  node: HardhatNode;
  provider: JsonRpcProvider;
  deployer: Wallet;
  /** A trader with USDC, and a stranger who relays or claims. */
  trader: Wallet;
  other: Wallet;
  stop(): Promise<void>;
}

export async function startL1(): Promise<L1> {
  const node = await startHardhatNode({ port: await freePort() });
  const provider = new JsonRpcProvider(node.url, undefined, { pollingInterval: 50, cacheTimeout: -1 });
  const wallet = (i: number) => new Wallet(HARDHAT_KEYS[i]!, provider);
  return {
    node,
    provider,
    deployer: wallet(0),
    trader: wallet(1),
    other: wallet(2),
    stop: async () => {
      provider.destroy();
      await node.stop();
    },
  };
}

/** One validator's keys; `secret` is the secp256k1 key (ECDSA) or the BLS secret key. */
export interface Validator {
  power: bigint;
  ecdsaKey: string;
  blsKey: Uint8Array;
  /** ECDSA address or BLS public key, as the contract's set lists it. */
  id: string;
}

export interface SignOptions {
  /** Members (by position in the sorted set) that sign. */
  signers: readonly number[];
  /** Sign this digest instead of the checkpoint's (wrong-domain tests). */
  digest?: string;
}

/** What differs between the schemes; every rule test is written against this. */
export interface Scheme {
  name: SignatureScheme;
  /** Validators sorted as the contract wants them. */
  makeValidators(powers: readonly bigint[], seed: string): Validator[];
  /** Registration a set needs before it can be installed (BLS keys with a PoP). */
  register(settlement: Contract, validators: readonly Validator[]): Promise<void>;
  encodeSet(validators: readonly Validator[]): string;
  sign(digest: string, validators: readonly Validator[], signers: readonly number[]): string;
}

function seeded(seed: string, i: number): string {
  return keccak256(toUtf8Bytes(`${seed}/${i}`));
}

function rawValidators(powers: readonly bigint[], seed: string): Omit<Validator, "id">[] {
  return powers.map((power, i) => ({
    power,
    ecdsaKey: seeded(seed, i),
    blsKey: blsSecretKeyFromSeed(Buffer.from((seeded(seed, i) + seeded(seed + "+", i).slice(2)).slice(2, 98), "hex")),
  }));
}

export const ecdsaScheme: Scheme = {
  name: "ecdsa",
  makeValidators(powers, seed) {
    const vs = rawValidators(powers, seed).map((v) => ({ ...v, id: ethAddressOf(v.ecdsaKey) }));
    const order = sortEcdsaMembers(vs.map((v) => ({ address: v.id, power: v.power })));
    return order.map((m) => vs.find((v) => v.id === m.address)!);
  },
  register: async () => {},
  encodeSet: (validators) => encodeEcdsaValidatorSet(ecdsaMembers(validators)),
  sign: (digest, validators, signers) =>
    signCheckpointEcdsa(
      digest,
      ecdsaMembers(validators),
      validators.map((v) => v.ecdsaKey),
      signers,
    ),
};

export function ecdsaMembers(validators: readonly Validator[]): EcdsaMember[] {
  return validators.map((v) => ({ address: v.id, power: v.power }));
}

function blsRegistrations(validators: readonly Validator[]): BlsRegistration[] {
  return validators.map((v) => ({ publicKey: v.id, proofOfPossession: blsProofOfPossession(v.blsKey) }));
}

export function blsMembers(validators: readonly Validator[]): BlsMember[] {
  return validators.map((v) => ({ publicKey: v.id, power: v.power }));
}

export const blsScheme: Scheme = {
  name: "bls",
  makeValidators(powers, seed) {
    const vs = rawValidators(powers, seed).map((v) => ({ ...v, id: blsPublicKey(v.blsKey) }));
    const order = sortBlsMembers(vs.map((v) => ({ publicKey: v.id, power: v.power })));
    return order.map((m) => vs.find((v) => v.id === m.publicKey)!);
  },
  async register(settlement, validators) {
    await registerBlsKeys(settlement, blsRegistrations(validators));
  },
  encodeSet: (validators) => encodeBlsValidatorSet(blsMembers(validators)),
  sign: (digest, validators, signers) =>
    encodeBlsSignatures(
      signCheckpointBls(
        digest,
        blsMembers(validators),
        validators.map((v) => v.blsKey),
        signers,
      ),
    ),
};

export interface Deployment {
  scheme: Scheme;
  settlement: Contract;
  usdc: Contract;
  validators: Validator[];
  domain: SettlementDomain;
}

export interface DeployOptions {
  powers: readonly bigint[];
  exitTimeoutSeconds?: bigint;
  minTotalPower?: bigint;
  minDeposit?: bigint;
  seed?: string;
}

export async function deploy(l1: L1, scheme: Scheme, o: DeployOptions): Promise<Deployment> {
  const usdc = await deployMockUsdc(l1.deployer);
  const settlement = await deploySettlement(l1.deployer, {
    scheme: scheme.name,
    usdc: await usdc.getAddress(),
    strikeChainId: STRIKE_CHAIN_ID,
    exitTimeoutSeconds: o.exitTimeoutSeconds ?? 3600n,
    minTotalPower: o.minTotalPower ?? 1n,
    minDeposit: o.minDeposit ?? 1n,
  });
  const validators = scheme.makeValidators(o.powers, o.seed ?? "genesis");
  const blsKeys = scheme.name === "bls" ? blsRegistrations(validators) : [];
  await initializeSettlement(settlement, scheme.encodeSet(validators), blsKeys);
  const { chainId } = await l1.provider.getNetwork();
  const domain = { l1ChainId: chainId, settlement: await settlement.getAddress(), strikeChainId: STRIKE_CHAIN_ID };
  return { scheme, settlement, usdc, validators, domain };
}

export function makeCheckpoint(height: bigint, fields: Partial<Checkpoint> = {}): Checkpoint {
  const h = (tag: string) => keccak256(toUtf8Bytes(`${tag}/${height}`));
  return {
    height,
    appHash: h("app"),
    blockHash: h("block"),
    withdrawalRoot: ZeroHash,
    exitRoot: ZeroHash,
    creditedDepositNonce: 0n,
    ...fields,
  };
}

export function checkpointArgs(cp: Checkpoint): [bigint, string, string, string, string, bigint] {
  return [cp.height, cp.appHash, cp.blockHash, cp.withdrawalRoot, cp.exitRoot, cp.creditedDepositNonce];
}

/** Signs and submits a checkpoint; resolves to the receipt. */
export async function submitCheckpoint(d: Deployment, cp: Checkpoint, o: SignOptions, from?: Signer) {
  const digest = o.digest ?? checkpointDigest(d.domain, cp);
  const sigs = d.scheme.sign(digest, d.validators, o.signers);
  const c = from === undefined ? d.settlement : (d.settlement.connect(from) as Contract);
  const tx = await c.getFunction("checkpoint")(...checkpointArgs(cp), sigs);
  return tx.wait();
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The custom error a failed call reverted with, decoded with the contract's ABI. */
export async function revertName(p: Promise<unknown>, contract: Contract): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as { revert?: { name?: string }; data?: string; info?: { error?: { data?: string } } };
    if (err.revert?.name !== undefined) return err.revert.name;
    const data = err.data ?? err.info?.error?.data;
    if (typeof data === "string") {
      const parsed = contract.interface.parseError(data);
      if (parsed !== null) return parsed.name;
    }
    throw e;
  }
  throw new Error("the call did not revert");
}
