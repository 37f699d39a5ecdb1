/**
 * BlsSettlement installs a validator set only if each member's key was registered with its
 * proof of possession (registerKey), so a set with a newly joined validator cannot land until
 * someone registers that key on L1. The relayer does it just before the set update: it reads
 * each missing key's proof of possession from the chain (the checkpoint module verified it at
 * MsgRegisterBlsKey and keeps it) and sends registerKey. Anyone may register any key, once
 * or twice; what makes it a member is only the set update signed by the current set.
 */
import { AbiCoder, hexlify, keccak256, type Contract } from "ethers";
import { jsonRpcQuerier } from "../chain/client/comet.js";
import { strikeQueries } from "../chain/client/queries.js";
import { createQueryRpc, refusal, type AbciQuerier } from "../chain/client/queryRpc.js";
import type { NodeLogger } from "../chain/node/logger.js";
import { relayerErrors } from "./errors.js";

export interface BlsRegistrationSource {
  /** The key's proof of possession as the chain holds it; undefined: not registered there. */
  proofOfPossession(publicKey: string): Promise<string | undefined>;
}

function withTimeout(query: AbciQuerier, timeoutMs: number): AbciQuerier {
  return (path, data, height) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(relayerErrors.strikeRpc(`${path}: no answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
      query(path, data, height).then(
        (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(relayerErrors.strikeRpc(`${path}: ${String(e)}`));
        },
      );
    });
}

export function createBlsRegistrationSource(rpcUrl: string, timeoutMs = 10_000): BlsRegistrationSource {
  const url = rpcUrl.replace(/^tcp:\/\//, "http://");
  const checkpoint = strikeQueries(createQueryRpc(withTimeout(jsonRpcQuerier(url), timeoutMs))).checkpoint;
  return {
    async proofOfPossession(publicKey) {
      try {
        const r = await checkpoint.BlsKey({ operator: "", publicKey: Buffer.from(publicKey.slice(2), "hex") });
        return r.key === undefined ? undefined : hexlify(r.key.proofOfPossession);
      } catch (e) {
        if (/NotFound/.test(refusal(e)?.log ?? "")) return undefined;
        throw e;
      }
    },
  };
}

/** The 128-byte keys of an encoded BLS validator set, abi.encode(bytes[] keys, uint64[] powers). */
export function blsSetKeys(encodedSet: string): string[] {
  const [keys] = AbiCoder.defaultAbiCoder().decode(["bytes[]", "uint64[]"], encodedSet) as unknown as [string[]];
  return keys.map((k) => k.toLowerCase());
}

/**
 * Registers on `settlement` (BlsSettlement, with a signer) every key of `encodedSet` it does
 * not know yet; returns how many it registered. A key the chain has no proof for is an error:
 * the set cannot land without it.
 */
export async function registerMissingBlsKeys(o: {
  settlement: Contract;
  encodedSet: string;
  source: BlsRegistrationSource;
  txTimeoutMs: number;
  logger: NodeLogger;
}): Promise<number> {
  let registered = 0;
  for (const key of blsSetKeys(o.encodedSet)) {
    if ((await o.settlement.getFunction("keyRegistered")(keccak256(key))) === true) continue;
    const pop = await o.source.proofOfPossession(key);
    if (pop === undefined)
      throw relayerErrors.l1Failed(
        `BLS key ${key.slice(0, 18)}… of the new validator set has no registration on the chain`,
      );
    const fn = o.settlement.getFunction("registerKey");
    try {
      await fn.staticCall(key, pop);
    } catch (e) {
      // Someone registered it since we looked: nothing to do.
      if ((await o.settlement.getFunction("keyRegistered")(keccak256(key))) === true) continue;
      throw e;
    }
    const tx = await fn(key, pop);
    await tx.wait(1, o.txTimeoutMs);
    registered += 1;
    o.logger.info("BLS key registered on L1 for the next validator set", {
      key_hash: keccak256(key),
      l1_tx: tx.hash,
    });
  }
  return registered;
}
