/**
 * Time from a height's commit to its checkpoint's inclusion on L1, on `make start`'s
 * setup: four validator processes on this machine, a Hardhat node (automine) and one
 * relayer. A height's commit is when a poller first sees it at node0's RPC; inclusion is
 * when the poller first sees its Checkpointed event on the contract. The path: the
 * checkpoint is recorded at h+1, validators sign it in later blocks, the relayer lands it.
 * Writes bench/results/checkpoint-latency.json.
 *
 *   npx tsx bench/checkpointLatency.ts    (BENCH_CHECKPOINTS, default 6)
 */
import { loadavg } from "node:os";
import { latestHeight } from "../test/helpers/localNode.js";
import { startL1Localnet } from "../test/helpers/l1Localnet.js";
import { percentile, writeResult } from "./lib/machine.js";

const CHECKPOINTS = Number(process.env.BENCH_CHECKPOINTS ?? 6);

const net = await startL1Localnet();
try {
  const committedAt = new Map<bigint, number>();
  const landedAt = new Map<bigint, { at: number; l1Block: number }>();
  const l1BlockTimes = new Map<number, number>();
  await net.startRelayer(1);
  let scanned = 0;
  const deadline = Date.now() + 15 * 60_000;
  while (landedAt.size < CHECKPOINTS && Date.now() < deadline) {
    try {
      const h = await latestHeight(net.rpcUrls[0]!);
      for (let x = h; x > 0n && !committedAt.has(x); x--) committedAt.set(x, Date.now());
      const head = await net.provider.getBlockNumber();
      if (head > scanned) {
        for (const ev of await net.settlement.queryFilter(net.settlement.filters.Checkpointed!(), scanned + 1, head)) {
          const height = BigInt((ev as unknown as { args: [bigint] }).args[0]);
          if (!landedAt.has(height)) landedAt.set(height, { at: Date.now(), l1Block: ev.blockNumber });
          l1BlockTimes.set(ev.blockNumber, Date.now());
        }
        scanned = head;
      }
    } catch {
      // a node busy starting: poll again
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // The first landing may include the wait for the relayer to start: judge the ones after it.
  const samples = [...landedAt.entries()]
    .slice(1)
    .filter(([h]) => committedAt.has(h))
    .map(([h, l]) => l.at - committedAt.get(h)!)
    .sort((a, b) => a - b);
  const heights = [...committedAt.keys()].sort((a, b) => (a < b ? -1 : 1));
  const path = writeResult("checkpoint-latency", {
    checkpoints_landed: landedAt.size,
    samples: samples.length,
    latency_ms: { p50: percentile(samples, 50), p90: percentile(samples, 90), max: samples.at(-1) ?? NaN },
    interval_blocks: 10,
    note: "from the height's commit seen at node0 to its Checkpointed event seen on the L1; Hardhat automines, so L1 block time adds nothing here",
    heights_seen: heights.length,
    load_average_1m: loadavg()[0],
  });
  console.log(`checkpoint latency p50 ${percentile(samples, 50)} ms over ${samples.length} checkpoints; wrote ${path}`);
} finally {
  await net.stop();
}
