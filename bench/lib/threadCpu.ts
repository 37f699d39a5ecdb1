/**
 * Where the machine's cores went during a benchmark phase, from Linux's own accounting: for
 * each process, the time its threads ran and the time they waited on a run queue for a core
 * (/proc/<pid>/task/<tid>/schedstat, nanoseconds), its event-loop thread (tid = pid) apart;
 * and the whole machine's busy, idle and stolen time (/proc/stat; "steal" is time the
 * hypervisor gave this VM's cores to someone else). A receipt that is slow while its node's
 * event loop waits for a core is limited by the machine, not by the node's own work.
 */
import { readdirSync, readFileSync } from "node:fs";

/** USER_HZ: /proc/stat counts in 1/100 s on Linux. */
const TICKS_PER_SECOND = 100;

interface ThreadTimes {
  runNs: number;
  waitNs: number;
}

interface ProcessTimes {
  main: ThreadTimes;
  all: ThreadTimes;
}

export interface CpuSnapshot {
  atMs: number;
  processes: Map<number, ProcessTimes>;
  machine: { busyTicks: number; idleTicks: number; stealTicks: number } | undefined;
}

function threadTimes(pid: number, tid: string): ThreadTimes | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").trim().split(" ").map(Number);
    return { runNs: run ?? 0, waitNs: wait ?? 0 };
  } catch {
    return undefined; // the thread (or process) ended meanwhile
  }
}

function processTimes(pid: number): ProcessTimes | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const main = threadTimes(pid, String(pid));
  if (main === undefined) return undefined;
  const all = { runNs: 0, waitNs: 0 };
  for (const tid of tids) {
    const t = threadTimes(pid, tid);
    if (t === undefined) continue;
    all.runNs += t.runNs;
    all.waitNs += t.waitNs;
  }
  return { main, all };
}

function machineTimes(): CpuSnapshot["machine"] {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    return { busyTicks: user + nice + system + irq + softirq, idleTicks: idle + iowait, stealTicks: steal ?? 0 };
  } catch {
    return undefined; // not Linux
  }
}

export function cpuSnapshot(pids: readonly number[]): CpuSnapshot {
  const processes = new Map<number, ProcessTimes>();
  for (const pid of pids) {
    const t = processTimes(pid);
    if (t !== undefined) processes.set(pid, t);
  }
  return { atMs: performance.now(), processes, machine: machineTimes() };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export interface ProcessCpu {
  /** The event-loop thread: share of the interval it ran, and share it was ready but waited for a core. */
  eventLoopRunning: number;
  eventLoopWaitingForCore: number;
  /** All its threads (workers, libuv, RocksDB): cores used on average, and cores' worth of waiting. */
  cores: number;
  coresWaiting: number;
}

/** What each process (by pid) and the machine did between two snapshots. */
export function cpuBetween(
  a: CpuSnapshot,
  b: CpuSnapshot,
): { processes: Map<number, ProcessCpu>; machine?: { busyCores: number; idleCores: number; stolenCores: number } } {
  const wallNs = (b.atMs - a.atMs) * 1e6;
  const processes = new Map<number, ProcessCpu>();
  for (const [pid, end] of b.processes) {
    const start = a.processes.get(pid);
    if (start === undefined || wallNs <= 0) continue;
    processes.set(pid, {
      eventLoopRunning: r3((end.main.runNs - start.main.runNs) / wallNs),
      eventLoopWaitingForCore: r3((end.main.waitNs - start.main.waitNs) / wallNs),
      cores: r3((end.all.runNs - start.all.runNs) / wallNs),
      coresWaiting: r3((end.all.waitNs - start.all.waitNs) / wallNs),
    });
  }
  if (a.machine === undefined || b.machine === undefined || wallNs <= 0) return { processes };
  const seconds = wallNs / 1e9;
  const per = (ticks: number) => r3(ticks / TICKS_PER_SECOND / seconds);
  return {
    processes,
    machine: {
      busyCores: per(b.machine.busyTicks - a.machine.busyTicks),
      idleCores: per(b.machine.idleTicks - a.machine.idleTicks),
      stolenCores: per(b.machine.stealTicks - a.machine.stealTicks),
    },
  };
}
