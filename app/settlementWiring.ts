/**
 * The finality ladder's L1 rungs, wired: app.toml `[settlement]` names the L1 endpoint (the
 * contract defaults to the one genesis names) and the node reads the settlement contract
 * itself (chain/l1/settlementWatch.ts). Off, or with no contract anywhere: the rungs are
 * "not available".
 *
 * Why the node reads L1 rather than trusting a relayer's report: a Checkpointed event can
 * only exist if the contract checked signatures of more than 2/3 of the power, so the node
 * needs to trust no relayer at all (only its own L1 endpoint, as for deposits), and it
 * checks that the landed app hash is its own. Recording relayer-reported inclusions on
 * chain would have needed validators to verify them against L1 anyway (a vote per landing)
 * and would only be as fast as the next block.
 */
import type { BlockStoreReader } from "../chain/store/types.js";
import { startSettlementWatch, type SettlementWatch } from "../chain/l1/settlementWatch.js";
import type { NodeConfig } from "../chain/node/configTypes.js";
import type { NodeLogger } from "../chain/node/logger.js";
import { NO_SETTLEMENT, type FinalityLadder, type SettlementView } from "../chain/sequencer/ladder.js";
import type { GenesisDoc } from "../genesis/index.js";
import { checkpointGenesisParams } from "../modules/checkpoint/index.js";

export interface LadderSettlement {
  readonly view: SettlementView;
  /** Starts reading L1 (after the ladder exists); undefined when settlement is off. */
  start(ladder: FinalityLadder, blocks: BlockStoreReader): SettlementWatch | undefined;
}

export function ladderSettlement(
  config: NodeConfig["settlement"],
  genesis: GenesisDoc,
  log: NodeLogger,
): LadderSettlement {
  const contract =
    config.contract !== ""
      ? config.contract
      : // loadGenesis validated the whole document: only the address is read here.
        checkpointGenesisParams(genesis.app_state["checkpoint"]).settlementAddress;
  if (!config.enable) return { view: NO_SETTLEMENT, start: () => undefined };
  if (contract === "") {
    log.warn(
      "[settlement] is enabled but neither app.toml nor genesis names a contract: checkpointed and settled are not available",
    );
    return { view: NO_SETTLEMENT, start: () => undefined };
  }
  return {
    view: { available: () => true },
    start(ladder, blocks) {
      log.info("reading L1 settlement for the finality ladder", {
        l1_rpc: config.l1Rpc,
        contract,
        confirmations: config.confirmations,
      });
      return startSettlementWatch({
        l1Rpc: config.l1Rpc,
        contract,
        confirmations: config.confirmations,
        pollMs: config.pollIntervalMs,
        appHashAfter: async (h) => (await blocks.loadBlock(h + 1n))?.header.appHash,
        onCheckpointed(l, at) {
          log.info("checkpoint on L1", { height: l.height.toString(), l1_tx: l.l1Tx, l1_block: l.l1Block });
          ladder.checkpointed(l.height, at, { checkpointHeight: l.height, tx: l.l1Tx, block: l.l1Block });
        },
        onSettled(l, at) {
          log.info("checkpoint settled on L1", { height: l.height.toString(), l1_block: l.l1Block });
          ladder.settled(l.height, at, { checkpointHeight: l.height, tx: l.l1Tx, block: l.l1Block });
        },
        logger: log,
      });
    },
  };
}
