/**
 * The RPC connection cap must fit in the process's file descriptors: every accepted socket
 * holds one, and so do the block store, the WAL, the sign state and the peers. A cap above
 * what the descriptor limit allows (CometBFT only documents "max_open_connections <
 * ulimit -Sn - peers - files") lets a connection flood take the descriptors that signing
 * and persistence need. So the cap is clamped to half the soft limit, leaving the other
 * half to the rest of the node.
 */
import { readFileSync } from "node:fs";

/** The soft limit on open files (Linux /proc/self/limits); undefined where it cannot be read or is unlimited. */
export function openFilesSoftLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/self/limits", "utf8");
    } catch {
      return undefined;
    }
  }
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (m === null || m[1] === "unlimited") return undefined;
  return Number(m[1]);
}

export interface ConnectionCap {
  cap: number;
  /** Set when the configured cap did not fit and was lowered. */
  clampedFrom?: number;
}

/** The configured cap (0: unlimited) within half of the descriptor limit, at least 1. */
export function connectionCapWithin(configured: number, softLimit: number | undefined): ConnectionCap {
  if (softLimit === undefined) return { cap: configured };
  const budget = Math.max(1, Math.floor(softLimit / 2));
  if (configured !== 0 && configured <= budget) return { cap: configured };
  return { cap: budget, clampedFrom: configured };
}
