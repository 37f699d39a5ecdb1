/**
 * Messages of each p2p channel, to send on the others (a peer that mixes channels up, or
 * probes a handler with the wrong type): consensus messages, block-sync messages, signed
 * receipts, speculative queries and their answers, relay announcements and requests, and a
 * signed tx.
 */
import { encodeResponse, TAG_REQUEST, TAG_STATUS, withHeight } from "../../chain/consensus/blockSync.js";
import { senderFromKey, signSend } from "../../bench/lib/sendTx.js";
import { consensusFixture } from "./consensusChannel.js";
import { querySeedMessages } from "./queriesChannel.js";
import { receiptSeedMessages } from "./receiptsChannel.js";
import { relaySeedMessages } from "./relayChannel.js";

export type ChannelName = "consensus" | "blocksync" | "receipts" | "mempool" | "queries" | "relay";

export function channelMessages(): Record<ChannelName, Uint8Array[]> {
  const fx = consensusFixture();
  const proposal = fx.current.seeds.find((m) => m.kind === "proposal");
  const blocks =
    proposal?.kind === "proposal"
      ? [encodeResponse(proposal.block, { height: 5n, round: 0, blockId: proposal.proposal.blockId, signatures: [] })]
      : [];
  const alice = senderFromKey(new Uint8Array(32).fill(7), 3n);
  return {
    consensus: fx.seedBytes,
    blocksync: [withHeight(TAG_STATUS, 9n), withHeight(TAG_REQUEST, 1n), ...blocks],
    receipts: receiptSeedMessages(),
    queries: querySeedMessages(),
    mempool: [signSend(alice, alice.address, 0n, "fuzz-1")],
    relay: relaySeedMessages(),
  };
}

/** Every channel's messages but `channel`'s own. */
export function foreignTo(channel: ChannelName): Uint8Array[] {
  return Object.entries(channelMessages())
    .filter(([name]) => name !== channel)
    .flatMap(([, ms]) => ms);
}
