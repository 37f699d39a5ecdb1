/** The current sequencer as the node reports it (its `status`), for `strike status` and `query staking validators`. */
import type { SequencerInfoJson } from "../chain/sequencer/service.js";
import { rpcHttpUrl } from "./globalOptions.js";
import { postJson } from "./httpPost.js";

export type { SequencerInfoJson };

/** The sequencer epoch from the node's status: null when the node knows none yet, undefined when it does not say. */
export async function fetchSequencerInfo(node: string): Promise<SequencerInfoJson | null | undefined> {
  const answer = (await postJson(rpcHttpUrl(node), { jsonrpc: "2.0", id: 1, method: "status", params: {} })) as {
    result?: { sequencer_info?: SequencerInfoJson | null };
  };
  return answer.result?.sequencer_info;
}

/** "1DB9…08BF, epoch 12 (heights 193–208), this node"; says so when there is none. */
export function sequencerText(info: SequencerInfoJson | null | undefined): string {
  if (info === undefined) return "not reported by this node";
  if (info === null) return "none yet (no epoch has started)";
  const heights = `heights ${info.start_height}–${info.planned_end_height}`;
  return `${info.address}, epoch ${info.epoch} (${heights})${info.is_self ? ", this node" : ""}`;
}
