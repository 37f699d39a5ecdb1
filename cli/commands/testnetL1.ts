/**
 * A local network's L1 side, for `strike testnet --l1-rpc`: deploys a mock USDC and the
 * ECDSA settlement contract, initialises it with the genesis validators' Ethereum
 * addresses and powers (exactly the checkpoint module's genesis signing set), and writes
 * the L1 chain id and contract address into the genesis, before any node starts.
 */
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { hexlify } from "ethers";
import { deployMockUsdc, deploySettlement, initializeSettlement, type SignatureScheme } from "../../chain/l1/deploy.js";
import { encodeBlsValidatorSet } from "../../chain/l1/bls.js";
import { HARDHAT_KEYS } from "../../chain/l1/hardhatNode.js";
import type { GenesisDoc } from "../../genesis/index.js";
import { blsL1Members, setGenesisL1Domain, validateCheckpointGenesis } from "../../modules/checkpoint/index.js";
import { electGenesisValidators, validateStakingGenesis } from "../../modules/staking/index.js";
import { encodeSet } from "../../relayer/index.js";
import { cliErrors } from "../errors.js";

export interface LocalL1 {
  l1ChainId: bigint;
  usdc: string;
  settlement: string;
  /** The L1 block before the contract's deployment: where a deposit watcher starts scanning. */
  deployBlock: number;
  members: { address: string; power: bigint }[];
  /** L1 accounts given mock USDC to deposit with. */
  funded: { address: string; key: string; amount: bigint }[];
}

/** Mock USDC each of `deployLocalL1`'s `fund` keys gets: 1,000,000 USDC (6 decimals). */
export const LOCAL_L1_FUNDS = 1_000_000_000_000n;

/**
 * The local L1's accounts that hold mock USDC to deposit with: Hardhat's test accounts 4
 * and 5 (0 deploys, 1 pays the localnet relayer's gas, 2 and 3 are the tests' relayers).
 */
export const LOCAL_L1_DEPOSITORS: readonly string[] = [HARDHAT_KEYS[4], HARDHAT_KEYS[5]];

/** The genesis signing set as the contract stores it: validators with a registered key and their power. */
export function genesisL1Members(doc: GenesisDoc): { address: string; power: bigint }[] {
  const staking = validateStakingGenesis(doc.app_state["staking"]);
  const keys = new Map(
    validateCheckpointGenesis(doc.app_state["checkpoint"]).ethKeys.map((k) => [
      k.operator,
      `0x${Buffer.from(k.ethAddress).toString("hex")}`,
    ]),
  );
  return electGenesisValidators(staking).flatMap((v) => {
    const address = keys.get(v.operator);
    return address === undefined ? [] : [{ address, power: v.tokens / staking.params.powerReduction }];
  });
}

/** The genesis BLS set (BlsSettlement's order) and each key's proof of possession, for registerKey. */
export function genesisBlsSet(doc: GenesisDoc): {
  encoded: string;
  keys: { publicKey: string; proofOfPossession: string }[];
} {
  const staking = validateStakingGenesis(doc.app_state["staking"]);
  const cp = validateCheckpointGenesis(doc.app_state["checkpoint"]);
  const keys = new Map(cp.blsKeys.map((k) => [k.operator, k]));
  const set = electGenesisValidators(staking).map((v) => ({
    operator: v.operator,
    power: v.tokens / staking.params.powerReduction,
    ethAddress: new Uint8Array(),
    blsPublicKey: keys.get(v.operator)?.publicKey ?? new Uint8Array(),
  }));
  return {
    encoded: encodeBlsValidatorSet(blsL1Members(set)),
    keys: cp.blsKeys.map((k) => ({ publicKey: hexlify(k.publicKey), proofOfPossession: hexlify(k.proofOfPossession) })),
  };
}

export async function deployLocalL1(
  doc: GenesisDoc,
  o: { l1Rpc: string; l1Key: string; scheme?: SignatureScheme; fund?: readonly string[] },
): Promise<LocalL1> {
  const scheme = o.scheme ?? "ecdsa";
  const provider = new JsonRpcProvider(o.l1Rpc, undefined, { staticNetwork: true });
  try {
    const l1ChainId = (await provider.getNetwork()).chainId;
    const deployer = new NonceManager(new Wallet(o.l1Key, provider));
    const members = genesisL1Members(doc);
    if (members.length === 0)
      throw cliErrors.badArgument("no genesis validator has an Ethereum key to sign checkpoints");
    const deployBlock = await provider.getBlockNumber();
    const usdc = await deployMockUsdc(deployer);
    const settlement = await deploySettlement(deployer, {
      scheme,
      usdc: await usdc.getAddress(),
      strikeChainId: doc.chain_id,
      exitTimeoutSeconds: 3600n,
      minTotalPower: 1n,
      minDeposit: 1_000_000n,
    });
    if (scheme === "bls") {
      const bls = genesisBlsSet(doc);
      if (bls.keys.length === 0) throw cliErrors.badArgument("no genesis validator has a BLS key to sign checkpoints");
      await initializeSettlement(settlement, bls.encoded, bls.keys);
    } else await initializeSettlement(settlement, encodeSet(members));
    const address = await settlement.getAddress();
    const funded = (o.fund ?? []).map((key) => ({ address: new Wallet(key).address, key, amount: LOCAL_L1_FUNDS }));
    for (const f of funded) await (await usdc.getFunction("mint")(f.address, f.amount)).wait();
    doc.app_state["checkpoint"] = setGenesisL1Domain(doc.app_state["checkpoint"], l1ChainId, address);
    return { l1ChainId, usdc: await usdc.getAddress(), settlement: address, deployBlock, members, funded };
  } finally {
    provider.destroy();
  }
}
