/**
 * `make start`'s L1 steps for an existing .localnet. Hardhat's chain lives in memory, so
 * after a restart the settlement contract named in genesis is gone.
 *
 * `deploy`: deploying again with the same deployer key from a fresh chain puts it at the
 * same address (the address follows from the deployer and its nonce), initialised with the
 * same genesis set, and gives the same accounts their mock USDC; the relayer then lands the
 * chain's checkpoints again from the start.
 *
 * `align-deposits`, once the nodes answer: the chain remembers which deposit nonces it
 * credited from the lost contract, and the fresh contract counts from 1 again, so a new
 * deposit would carry a nonce the chain takes as already credited and never credit it. The
 * deployer uses up those nonces with deposits of the contract's minimum (to a burn
 * recipient; the chain ignores them as credited) so that the next deposit's nonce is new.
 *
 * Usage: npx tsx scripts/localL1.ts deploy <genesis.json> <l1 rpc url>
 *        npx tsx scripts/localL1.ts align-deposits <genesis.json> <l1 rpc url> <strike rpc url>
 */
import { Contract, JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { loadGenesis } from "../genesis/index.js";
import { validateCheckpointGenesis } from "../modules/checkpoint/index.js";
import { deployLocalL1, LOCAL_L1_DEPOSITORS } from "../cli/commands/testnetL1.js";
import { HARDHAT_KEYS } from "../chain/l1/hardhatNode.js";
import { loadArtifact } from "../chain/l1/artifacts.js";
import { connectComet } from "../cli/client.js";
import { bridgeQueries } from "../cli/commands/bridgeActions.js";

/** The recipient of the filler deposits: no key controls it. */
const BURN_RECIPIENT = `0x${"00".repeat(19)}01`;

const [step, genesisPath, l1Rpc, strikeRpc] = process.argv.slice(2);
if (
  (step !== "deploy" && step !== "align-deposits") ||
  genesisPath === undefined ||
  l1Rpc === undefined ||
  (step === "align-deposits" && strikeRpc === undefined)
) {
  console.error("usage: scripts/localL1.ts deploy <genesis.json> <l1 rpc url>");
  console.error("       scripts/localL1.ts align-deposits <genesis.json> <l1 rpc url> <strike rpc url>");
  process.exit(2);
}
const l1Url: string = l1Rpc;
const doc = loadGenesis(genesisPath);
const want = validateCheckpointGenesis(doc.app_state["checkpoint"]).params.settlementAddress;
if (want === "") {
  console.error(
    `${genesisPath} names no settlement contract: remove the local network (make clean-localnet) to get one`,
  );
  process.exit(1);
}
const provider = new JsonRpcProvider(l1Url, undefined, { staticNetwork: true });
try {
  if (step === "deploy") await deploy();
  else await alignDeposits(strikeRpc!);
} catch (e) {
  console.error(`scripts/localL1.ts ${step}: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  provider.destroy();
}

async function deploy(): Promise<void> {
  if ((await provider.getCode(want)) !== "0x") {
    console.log(want);
    return;
  }
  const scheme = validateCheckpointGenesis(doc.app_state["checkpoint"]).params.scheme;
  const l1 = await deployLocalL1(structuredClone(doc), {
    l1Rpc: l1Url,
    l1Key: HARDHAT_KEYS[0],
    scheme,
    fund: LOCAL_L1_DEPOSITORS,
  });
  if (l1.settlement.toLowerCase() !== want.toLowerCase()) {
    console.error(`redeployed at ${l1.settlement}, but genesis names ${want}: the L1 is not a fresh Hardhat chain`);
    process.exit(1);
  }
  console.log(want);
}

/** The highest deposit nonce the chain has credited, once node0 answers (it may still be starting). */
async function creditedOnChain(rpc: string): Promise<bigint> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const comet = await connectComet(rpc);
      try {
        return (await bridgeQueries(comet).Status({})).highestNonceCredited;
      } finally {
        comet.disconnect();
      }
    } catch (e) {
      if (Date.now() > deadline)
        throw new Error(`${rpc} did not answer the bridge status within 120 s: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

async function alignDeposits(rpc: string): Promise<void> {
  const credited = await creditedOnChain(rpc);
  const deployer = new NonceManager(new Wallet(HARDHAT_KEYS[0], provider));
  const settlement = new Contract(want, loadArtifact("EcdsaSettlement").abi, deployer);
  const next = (await settlement.getFunction("depositNonce")()) as bigint;
  if (next >= credited) return;
  const amount = (await settlement.getFunction("minDeposit")()) as bigint;
  const usdc = new Contract(String(await settlement.getFunction("usdc")()), loadArtifact("MockUSDC").abi, deployer);
  const fillers = credited - next;
  await (await usdc.getFunction("mint")(await deployer.getAddress(), amount * fillers)).wait();
  await (await usdc.getFunction("approve")(want, amount * fillers)).wait();
  for (let i = 0n; i < fillers; i++) await (await settlement.getFunction("deposit")(amount, BURN_RECIPIENT)).wait();
  console.log(
    `the chain credited deposits up to nonce ${credited} from an earlier L1: used up nonces ${next + 1n}..${credited} ` +
      `of the fresh contract with deposits of ${amount} from the deployer, so the next deposit is nonce ${credited + 1n}`,
  );
}
