/**
 * `make start`'s L1 step for an existing .localnet: Hardhat's chain lives in memory, so
 * after a restart the settlement contract named in genesis is gone. Deploying again with
 * the same deployer key from a fresh chain puts it at the same address (the address
 * follows from the deployer and its nonce), initialised with the same genesis set; the
 * relayer then lands the chain's checkpoints again from the start.
 * Usage: npx tsx scripts/localL1.ts <genesis.json> <l1 rpc url>
 */
import { JsonRpcProvider } from "ethers";
import { loadGenesis } from "../genesis/index.js";
import { validateCheckpointGenesis } from "../modules/checkpoint/index.js";
import { deployLocalL1 } from "../cli/commands/testnetL1.js";
import { HARDHAT_KEYS } from "../chain/l1/hardhatNode.js";

const [genesisPath, l1Rpc] = process.argv.slice(2);
if (genesisPath === undefined || l1Rpc === undefined) {
  console.error("usage: scripts/localL1.ts <genesis.json> <l1 rpc url>");
  process.exit(2);
}
const doc = loadGenesis(genesisPath);
const want = validateCheckpointGenesis(doc.app_state["checkpoint"]).params.settlementAddress;
if (want === "") {
  console.error(
    `${genesisPath} names no settlement contract: remove the local network (make clean-localnet) to get one`,
  );
  process.exit(1);
}
const provider = new JsonRpcProvider(l1Rpc, undefined, { staticNetwork: true });
const code = await provider.getCode(want);
provider.destroy();
if (code !== "0x") {
  console.log(want);
  process.exit(0);
}
const l1 = await deployLocalL1(structuredClone(doc), { l1Rpc, l1Key: HARDHAT_KEYS[0] });
if (l1.settlement.toLowerCase() !== want.toLowerCase()) {
  console.error(`redeployed at ${l1.settlement}, but genesis names ${want}: the L1 is not a fresh Hardhat chain`);
  process.exit(1);
}
console.log(want);
