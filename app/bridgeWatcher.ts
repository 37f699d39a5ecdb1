/**
 * The validator's L1 deposit watcher, run inside the node like the price feeder: every
 * poll it reads the settlement contract's `Deposited` events up to `confirmations` blocks
 * below the L1 head and attests each deposit this validator has not voted for yet, signed
 * with the node's feeder key. It keeps no state of its own: each poll rescans from the
 * oldest deposit not yet credited and asks the chain what is credited and what it voted,
 * so a restart, a dropped tx or another sender of the key only delays a vote.
 */
import { Contract, getBytes, type EventLog } from "ethers";
import type { DepositAttestation } from "../chain/codec/generated/strike/bridge/v1/bridge.js";
import { appQuerier } from "../chain/client/comet.js";
import { chainQueries } from "../chain/client/queries.js";
import { createQueryRpc, refusedAs } from "../chain/client/queryRpc.js";
import { MsgAttestDeposit } from "../chain/codec/generated/strike/bridge/v1/tx.js";
import { addressToBech32 } from "../chain/crypto/address.js";
import { loadArtifact } from "../chain/l1/artifacts.js";
import { createL1Provider } from "../chain/l1/provider.js";
import type { NodeConfig } from "../chain/node/configTypes.js";
import type { FeederKey } from "../chain/node/feederKey.js";
import type { NodeLogger } from "../chain/node/logger.js";
import type { QueryResponse, TxResult } from "../chain/types/abci.js";
import { registerError } from "../chain/types/errors.js";
import { parseFeeCoins, serviceSender, type AccountTxSender } from "./accountTxSender.js";

export const watcherErrors = {
  badConfig: registerError("bridge_watcher", 1, "invalid [bridge] settings in app.toml"),
  queryFailed: registerError("bridge_watcher", 2, "the chain refused a bridge watcher query"),
};

export interface BridgeWatcherOptions {
  config: NodeConfig["bridge"];
  key: FeederKey;
  chainId: string;
  query(req: { path: string; data: Uint8Array; height: bigint; prove: boolean }): Promise<QueryResponse>;
  submitTx(tx: Uint8Array): TxResult;
  logger: NodeLogger;
  /** The account's sender, shared with the node's other services that sign with it. */
  sender?: AccountTxSender;
}

export interface BridgeWatcher {
  stop(): Promise<void>;
}

/** Blocks per eth_getLogs call: most providers cap a range near this. */
const LOG_RANGE = 2_000;

/** A Deposited event in the form validators vote on. */
export function depositFromEvent(e: EventLog): { deposit: DepositAttestation; block: number } {
  const [nonce, from, recipient, amount] = e.args as unknown as [bigint, string, string, bigint];
  return {
    block: e.blockNumber,
    deposit: {
      nonce,
      l1Sender: from.toLowerCase(),
      recipient: addressToBech32(getBytes(recipient)),
      amount: amount.toString(),
      l1TxHash: e.transactionHash.toLowerCase(),
      l1Block: BigInt(e.blockNumber),
    },
  };
}

export async function startBridgeWatcher(o: BridgeWatcherOptions): Promise<BridgeWatcher> {
  const c = o.config;
  if (!/^0x[0-9a-fA-F]{40}$/.test(c.contract))
    throw watcherErrors.badConfig(`app.toml [bridge] contract must be a 0x address, got "${c.contract}"`);
  const provider = createL1Provider(c.l1Rpc);
  const settlement = new Contract(c.contract, loadArtifact("EcdsaSettlement").abi, provider);
  const sender = await serviceSender(o, o.key);
  const fee = {
    amount: parseFeeCoins(c.fees, (m) => watcherErrors.badConfig(`bridge.fees ${m}`)),
    gas: String(c.gasLimit),
  };
  let from = c.startBlock;

  const queries = chainQueries(createQueryRpc(appQuerier(o.query)));
  const refused = (what: string) =>
    refusedAs((r) => watcherErrors.queryFailed(`${what}: ${r.codespace}/${r.code} ${r.log}`));
  const attest = async (d: DepositAttestation): Promise<boolean> => {
    const msg = {
      typeUrl: "/strike.bridge.v1.MsgAttestDeposit",
      value: MsgAttestDeposit.fromPartial({ attester: o.key.address, deposit: d }),
    };
    const { result } = await sender.send("bridge", [msg], fee);
    if (result.code !== 0) {
      o.logger.warn("deposit attestation refused", { nonce: d.nonce.toString(), code: result.code, log: result.log });
      return false;
    }
    o.logger.info("deposit attested", { nonce: d.nonce.toString(), recipient: d.recipient, amount: d.amount });
    return true;
  };

  const poll = async () => {
    const head = await provider.getBlockNumber();
    const to = head - c.confirmations;
    if (to < from) return;
    let oldestPending: number | undefined;
    for (let start = from; start <= to; start += LOG_RANGE) {
      const end = Math.min(to, start + LOG_RANGE - 1);
      const events = await settlement.queryFilter(settlement.filters.Deposited!(), start, end);
      for (const e of events) {
        const { deposit, block } = depositFromEvent(e as EventLog);
        const status = await queries.bridge
          .Deposit({ nonce: deposit.nonce, attester: o.key.address })
          .catch(refused(`deposit ${deposit.nonce}`));
        if (status.credited) continue;
        oldestPending ??= block;
        if (!status.attesterVoted) await attest(deposit);
      }
    }
    // Uncredited deposits are looked at again next poll (our vote may have been dropped).
    from = oldestPending ?? to + 1;
  };

  const abort = new AbortController();
  o.logger.info("bridge watcher started", {
    attester: o.key.address,
    l1_rpc: c.l1Rpc,
    contract: c.contract,
    confirmations: c.confirmations,
  });
  const done = (async () => {
    while (!abort.signal.aborted) {
      try {
        await poll();
      } catch (e) {
        o.logger.warn("bridge poll failed; retrying next interval", {
          error: e instanceof Error ? e.message : String(e),
        });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, c.pollIntervalMs);
        abort.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  })();
  return {
    async stop() {
      abort.abort();
      await done;
      provider.destroy();
    },
  };
}
