/**
 * Issue 9: a peer flooding a node with block-sync responses it never asked for. Real hosts
 * on loopback, the node's real block-sync handler and the host's default peer scoring: the
 * responses are dropped on their header, never decoded nor handed to the driver, and the
 * flooder is dropped and banned after a bounded number of them.
 */
import test from "ava";
import { createBlockSync, frameResponse } from "../../../../chain/consensus/blockSync.js";
import type { BlockStore } from "../../../../chain/consensus/blockStore.js";
import { UNSOLICITED_ALLOWANCE } from "../../../../chain/consensus/syncRequests.js";
import { DEFAULT_TUNING } from "../../../../chain/p2p/config.js";
import { addressOf, isConnected, sleep, startHost, waitFor } from "./hosts.js";

const MiB = 1024 * 1024;

test.serial(
  "a peer that floods unsolicited 4 MiB block-sync responses is dropped and banned after a few, and none is decoded",
  async (t) => {
    // Scores barely recover during the test, so the count of penalties to a ban is exact.
    const node = await startHost(t, { seed: 71, tuning: { scoreRecoveryPerMinute: 1 } });
    let received = 0;
    const applied: bigint[] = [];
    node.host.onMessage("blocksync", () => void received++);
    const sync = createBlockSync({
      channel: {
        broadcast: (m) => node.host.broadcast("blocksync", m),
        send: (peer, m) => node.host.send(peer, "blocksync", m),
        onMessage: (h) => node.host.onMessage("blocksync", h),
        reportInvalid: (peer, reason) => node.host.reportInvalid(peer, reason),
      },
      blockStore: { base: 0n } as BlockStore,
      driver: {
        height: 100n,
        applySyncedBlock: (b) => {
          applied.push(b.header.height);
          return Promise.resolve("not the next height");
        },
      },
    });
    t.teardown(() => sync.stop());

    const flooder = await startHost(t, { seed: 70, persistentPeers: [addressOf(node.host)] });
    await waitFor(() => isConnected(node.host, flooder.host.peerId), "the flooder to connect");
    // Valid framing around a body that does not decode: had it been decoded, the reason would say so.
    const message = frameResponse(50n, new Uint8Array(4 * MiB).fill(0xff), new Uint8Array(0));
    let sent = 0;
    const deadline = Date.now() + 60_000;
    while (sent < 40 && isConnected(flooder.host, node.host.peerId) && Date.now() < deadline) {
      if (flooder.host.send(node.host.peerId, "blocksync", message)) sent++;
      else await sleep(5);
    }
    await waitFor(() => !isConnected(node.host, flooder.host.peerId), "the node to drop the flooder", 30_000);

    const reasons = node.logs.filter((l) => l.msg === "invalid message from peer").map((l) => String(l.fields.reason));
    const penaltiesToBan = Math.ceil(-DEFAULT_TUNING.banScore / DEFAULT_TUNING.invalidMessagePenalty);
    t.is(reasons.length, penaltiesToBan, reasons.join("\n"));
    for (const r of reasons) t.regex(r, /^unsolicited block-sync response for height 50$/);
    t.is(received, UNSOLICITED_ALLOWANCE + penaltiesToBan, `received ${received} of ${sent} sent`);
    t.deepEqual(applied, [], "nothing reached the driver");
    t.true(
      node.logs.some((l) => l.msg === "dropping peer" && l.fields.misbehaved === true),
      "dropped as misbehaving",
    );
    t.is(sync.status().responsesUnsolicited, received);
    // Banned: its redials are refused.
    await sleep(1_000);
    t.false(isConnected(node.host, flooder.host.peerId));
  },
);
