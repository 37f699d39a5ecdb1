/**
 * The JSON form of a tx's finality ladder (`strike_tx_status`, the `TxStatus` websocket
 * topic, `strike tx status --output json`). Each rung is either reached (with its local
 * time and the ms since the tx was received), "pending", or "not_available" (checkpointed
 * and settled while the chain has no Ethereum settlement wired).
 */
import {
  LADDER_RUNGS,
  type L1Rung,
  type LadderStep,
  type NewestL1,
  type SettlementView,
  type TxLadder,
} from "./ladder.js";

export type RungJson =
  | { state: "reached"; at: string; elapsed_ms: number; height?: string; l1?: L1InclusionJson }
  | { state: "pending" }
  | { state: "not_available" };

/** checkpointed / settled: the checkpoint (its Strike height) and its L1 tx and block. */
export interface L1InclusionJson {
  checkpoint_height: string;
  tx: string;
  block: number;
}

export interface LadderStepJson {
  stage: string;
  at: string;
  at_ms: number;
  /** Since the first step this node saw (usually `received`). */
  elapsed_ms: number;
  height?: string;
  index?: number;
  code?: number;
  codespace?: string;
  log?: string;
  l1?: L1InclusionJson;
}

export interface TxStatusJson {
  hash: string;
  accounts: string[];
  /** The latest step. */
  stage: string;
  /** Where it is (or was last) in a block: from the latest committed or sequenced step. */
  height?: string;
  index?: number;
  code?: number;
  rungs: Record<(typeof LADDER_RUNGS)[number], RungJson>;
  reverted: number;
  rejected: boolean;
  steps: LadderStepJson[];
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

const l1Json = (s: LadderStep): { l1?: L1InclusionJson } =>
  s.l1 === undefined
    ? {}
    : { l1: { checkpoint_height: s.l1.checkpointHeight.toString(), tx: s.l1.tx, block: s.l1.block } };

function stepJson(s: LadderStep, t0: number): LadderStepJson {
  return {
    stage: s.stage,
    at: new Date(s.atMs).toISOString(),
    at_ms: round3(s.atMs),
    elapsed_ms: round3(s.atMs - t0),
    ...(s.height === undefined ? {} : { height: s.height.toString() }),
    ...(s.index === undefined ? {} : { index: s.index }),
    ...(s.code === undefined ? {} : { code: s.code }),
    ...(s.codespace === undefined || s.codespace === "" ? {} : { codespace: s.codespace }),
    ...(s.log === undefined || s.log === "" ? {} : { log: s.log }),
    ...l1Json(s),
  };
}

export function txStatusJson(l: TxLadder, settlement: SettlementView): TxStatusJson {
  const t0 = l.steps[0]?.atMs ?? 0;
  const steps = l.steps.map((s) => stepJson(s, t0));
  const last = l.steps.at(-1);
  const placed = [...l.steps].reverse().find((s) => s.stage === "committed" || s.stage === "sequenced");
  const rungs = {} as TxStatusJson["rungs"];
  for (const rung of LADDER_RUNGS) {
    // The latest time a rung was reached: after a revert, `sequenced` is the new receipt.
    const reached = [...l.steps].reverse().find((s) => s.stage === rung);
    if (reached !== undefined) {
      rungs[rung] = {
        state: "reached",
        at: new Date(reached.atMs).toISOString(),
        elapsed_ms: round3(reached.atMs - t0),
        ...(reached.height === undefined ? {} : { height: reached.height.toString() }),
        ...l1Json(reached),
      };
    } else if ((rung === "checkpointed" || rung === "settled") && !settlement.available()) {
      rungs[rung] = { state: "not_available" };
    } else {
      rungs[rung] = { state: "pending" };
    }
  }
  return {
    hash: l.hash,
    accounts: l.accounts,
    stage: last?.stage ?? "received",
    ...(placed?.height === undefined ? {} : { height: placed.height.toString() }),
    ...(placed?.index === undefined ? {} : { index: placed.index }),
    ...(placed?.code === undefined ? {} : { code: placed.code }),
    rungs,
    reverted: l.steps.filter((s) => s.stage === "reverted").length,
    rejected: last?.stage === "rejected",
    steps,
  };
}

/** One line for people: `received 0.2 ms · sequenced 0.9 ms · committed 230 ms · checkpointed n/a · settled n/a`. */
export function txStatusLine(s: TxStatusJson): string {
  const ms = (x: number) => (x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);
  const parts = LADDER_RUNGS.map((rung) => {
    const r = s.rungs[rung];
    return `${rung} ${r.state === "reached" ? ms(r.elapsed_ms) : r.state === "pending" ? "–" : "n/a"}`;
  });
  const reverts = s.steps.filter((x) => x.stage === "reverted");
  const tail = [
    ...reverts.map((x) => `reverted ${ms(x.elapsed_ms)} (height ${x.height ?? "?"})`),
    ...(s.rejected ? [`rejected (code ${s.steps.at(-1)?.code ?? "?"}: ${s.steps.at(-1)?.log ?? ""})`] : []),
  ];
  return [...parts, ...tail].join(" · ");
}

/** The highest height at an L1 rung: its height, when this node learnt it, and the landing. */
export interface L1RungJson {
  height: string;
  at: string;
  l1?: L1InclusionJson;
}

/** `strike_l1_finality`: how far L1 covers the chain, as this node has read it from the settlement contract. */
export interface L1FinalityJson {
  /** False when this node does not read L1 settlement (no `[settlement]`): the rungs are then not available, not missing. */
  available: boolean;
  checkpointed: L1RungJson | null;
  settled: L1RungJson | null;
}

export function l1FinalityJson(newest: NewestL1, settlement: SettlementView): L1FinalityJson {
  const rung = (r: L1Rung | undefined): L1RungJson | null =>
    r === undefined
      ? null
      : {
          height: r.height.toString(),
          at: new Date(r.atMs).toISOString(),
          ...(r.l1 === undefined
            ? {}
            : { l1: { checkpoint_height: r.l1.checkpointHeight.toString(), tx: r.l1.tx, block: r.l1.block } }),
        };
  return { available: settlement.available(), checkpointed: rung(newest.checkpointed), settled: rung(newest.settled) };
}
