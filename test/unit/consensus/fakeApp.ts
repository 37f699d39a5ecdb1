/** A tiny deterministic Application for consensus tests: app hash = sha256(prev || txs). */
import type { Application, FinalizeBlockRequest, FinalizeBlockResponse } from "../../../chain/types/abci.js";
import type { Database } from "../../../chain/store/types.js";
import { sha256 } from "../../../chain/crypto/hash.js";
import { concatBytes, readU64be, u64be } from "../../../chain/types/bytes.js";

const APP_KEY = Uint8Array.of(0x01, 0xaa);

export interface FakeApp extends Application {
  readonly finalized: FinalizeBlockRequest[];
}

export async function openFakeApp(db: Database): Promise<FakeApp> {
  const saved = await db.get(APP_KEY);
  let height = saved === undefined ? 0n : readU64be(saved);
  let appHash = saved === undefined ? sha256(Uint8Array.of(7)) : saved.subarray(8);
  let pending: { height: bigint; appHash: Uint8Array } | undefined;
  const finalized: FinalizeBlockRequest[] = [];
  return {
    finalized,
    info: () => ({ data: "fake", version: "1", appVersion: 1n, lastBlockHeight: height, lastBlockAppHash: appHash }),
    initChain: () => ({ validators: [], appHash }),
    checkTx: () => ({
      code: 0,
      codespace: "",
      log: "",
      info: "",
      data: new Uint8Array(),
      gasWanted: 0n,
      gasUsed: 0n,
      events: [],
    }),
    prepareProposal: (txs) => txs,
    processProposal: () => true,
    finalizeBlock(req): FinalizeBlockResponse {
      finalized.push(req);
      const next = sha256(appHash, ...req.txs);
      pending = { height: req.height, appHash: next };
      return {
        events: [],
        txResults: req.txs.map((tx) => ({
          code: 0,
          codespace: "",
          log: "",
          info: "",
          data: tx,
          gasWanted: 1n,
          gasUsed: 1n,
          events: [],
        })),
        validatorUpdates: [],
        appHash: next,
      };
    },
    commit(batch) {
      if (pending === undefined) throw new TypeError("commit without finalizeBlock");
      height = pending.height;
      appHash = pending.appHash;
      batch.put(APP_KEY, concatBytes(u64be(height), appHash));
      pending = undefined;
      return { retainHeight: 0n };
    },
    query: async () => {
      throw new TypeError("no queries");
    },
  };
}
