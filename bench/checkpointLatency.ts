/**
 * Time from a height's commit to its checkpoint's inclusion on L1, on `make start`'s
 * setup: four validator processes on this machine, a Hardhat node (automine) and one
 * relayer. A height's commit is when a poller first sees it at node0's RPC; inclusion is
 * when the poller first sees its Checkpointed event on the contract.
 *
 * The path has two legs, measured apart so the result says what limits it:
 *  - signing: the checkpoint of h is recorded at h+1, each validator's node signs it
 *    (app/checkpointSigner.ts polls once a second) and the signatures commit in later
 *    blocks; the checkpoint is complete at the height where they pass 2/3 (`completed_at`);
 *  - relaying: the relayer sees it complete (it polls every 200 ms here), simulates,
 *    estimates, sends; Hardhat mines it at once.
 * The target is "within 2 L1 blocks" (24 s at Ethereum's 12 s slots): each sample is also
 * given in slots. On automine a block takes no time, so on Ethereum add up to one slot for
 * the relayer's tx to be included.
 * Writes bench/results/checkpoint-latency.json.
 *
 *   npx tsx bench/checkpointLatency.ts    (BENCH_CHECKPOINTS, default 6)
 */
import { loadavg } from "node:os";
import { createStrikeSource } from "../relayer/index.js";
import { latestHeight } from "../test/helpers/localNode.js";
import { startL1Localnet } from "../test/helpers/l1Localnet.js";
import { percentile, writeResult } from "./lib/machine.js";

const CHECKPOINTS = Number(process.env.BENCH_CHECKPOINTS ?? 6);
const SLOT_MS = 12_000;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p90: percentile(s, 90), max: s.at(-1) ?? NaN };
};

const load: number[] = [];
const net = await startL1Localnet();
try {
  const committedAt = new Map<bigint, number>();
  const landedAt = new Map<bigint, { at: number; l1Block: number }>();
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
        }
        scanned = head;
      }
      if (load.length === 0 || Date.now() % 5_000 < 60) load.push(loadavg()[0]!);
    } catch {
      // a node busy starting: poll again
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const source = createStrikeSource(net.rpcUrls[0]!);
  const chain = await source.checkpointsAfter(0n, 100);
  const completedAt = new Map(chain.map((c) => [c.checkpoint!.height, c.checkpoint!.completedAt]));
  // The first landing includes the wait for the relayer to start: judge the ones after it.
  const samples = [...landedAt.entries()]
    .slice(1)
    .filter(([h]) => committedAt.has(h) && committedAt.has(completedAt.get(h) ?? -1n))
    .map(([h, l]) => {
      const done = completedAt.get(h)!;
      return {
        height: h.toString(),
        completed_at_height: done.toString(),
        total_ms: l.at - committedAt.get(h)!,
        signing_ms: committedAt.get(done)! - committedAt.get(h)!,
        relaying_ms: l.at - committedAt.get(done)!,
      };
    });
  const total = stats(samples.map((s) => s.total_ms));
  const path = writeResult("checkpoint-latency", {
    checkpoints_landed: landedAt.size,
    samples: samples.length,
    latency_ms: total,
    signing_ms: stats(samples.map((s) => s.signing_ms)),
    relaying_ms: stats(samples.map((s) => s.relaying_ms)),
    heights_to_complete: stats(samples.map((s) => Number(BigInt(s.completed_at_height) - BigInt(s.height)))),
    l1_slots_12s: { p50: Math.ceil(total.p50 / SLOT_MS), max: Math.ceil(total.max / SLOT_MS) },
    within_2_l1_blocks: total.max <= 2 * SLOT_MS,
    per_checkpoint: samples,
    interval_blocks: 10,
    note: "commit of h seen at node0 → its Checkpointed event seen on L1; signing = h's commit → the commit of the height where >2/3 signatures are in (checkpointSigner polls each 1 s, the record is at h+1, signatures in later blocks); relaying = that commit → L1 inclusion (relayer poll 200 ms, simulate, estimate, send; Hardhat automines, so an Ethereum slot is not included)",
    load_average_1m: { start: load[0], max: Math.max(...load), end: loadavg()[0] },
  });
  console.log(
    `checkpoint latency p50 ${total.p50} ms (signing p50 ${stats(samples.map((s) => s.signing_ms)).p50}, relaying p50 ${stats(samples.map((s) => s.relaying_ms)).p50}) over ${samples.length} checkpoints; wrote ${path}`,
  );
} finally {
  await net.stop();
}
