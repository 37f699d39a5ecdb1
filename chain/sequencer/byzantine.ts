/**
 * TESTS ONLY: a sequencer that breaks its word once, so that the enforcement path (client
 * checking, MsgReceiptViolation, slashing) can be tested on real nodes. Reached only through
 * the hidden `strike start --x-byzantine-sequencer-for-testing <mode>` flag, never from a
 * config file. Each mode misbehaves once, then the sequencer is honest again (so that the
 * violation report it must sequence is not swallowed too).
 */
import { FillSide, Liquidity, type Fill } from "../codec/generated/strike/sequencer/v1/receipt.js";
import type { ByzantineMode } from "./byzantineModes.js";
import { shownResultHash } from "./receiptResult.js";

/** What a receipt says of the tx's result. */
export interface ReceiptResult {
  code: number;
  codespace: string;
  resultHash: Uint8Array;
  data: Uint8Array;
  gasWanted: bigint;
  gasUsed: bigint;
}

export { BYZANTINE_MODES, type ByzantineMode } from "./byzantineModes.js";

export interface ByzantineSequencing {
  /** The proposal's txs: in "drop" the first receipted tx is left out, in "reorder" the first two swap. */
  proposal(txs: readonly Uint8Array[]): Uint8Array[];
  /**
   * In "equivocate": a second result to sign for the slot just receipted (a conflicting
   * receipt): one more gas used, and the result hash of that, so that the second receipt is
   * consistent in itself and conflicts only with the first.
   */
  conflictingResult(r: ReceiptResult): ReceiptResult | undefined;
  /**
   * In "false_fills": the fills to sign instead of the true ones: the first fill one tick of
   * price better for the tx's side, or, for a tx that traded nothing, a fill it never had.
   */
  falseFills(fills: readonly Fill[]): Fill[] | undefined;
}

/** The fill "false_fills" shows for a tx that traded nothing. */
export const MADE_UP_FILL: Fill = {
  market: "ETH-PERP",
  side: FillSide.FILL_SIDE_BUY,
  price: 3_000_000_000n,
  size: 1_000n,
  fee: "0",
  liquidity: Liquidity.LIQUIDITY_TAKER,
  orderId: 1n,
  counterpartyOrderId: 2n,
  tradeSeq: 1n,
  account: "",
  subaccount: 0,
  counterparty: "",
  counterpartySubaccount: 0,
};

export function createByzantineSequencing(mode: ByzantineMode): ByzantineSequencing {
  let done = false;
  return {
    proposal(txs) {
      if (done || (mode === "drop" && txs.length < 1) || (mode === "reorder" && txs.length < 2)) return [...txs];
      if (mode === "drop") {
        done = true;
        return txs.slice(1);
      }
      if (mode === "reorder") {
        done = true;
        return [txs[1]!, txs[0]!, ...txs.slice(2)];
      }
      return [...txs];
    },
    conflictingResult(r) {
      if (done || mode !== "equivocate") return undefined;
      done = true;
      const gasUsed = r.gasUsed + 1n;
      const resultHash = shownResultHash({ ...r, gasUsed });
      return { ...r, gasUsed, resultHash };
    },
    falseFills(fills) {
      if (done || mode !== "false_fills") return undefined;
      done = true;
      const [first, ...rest] = fills;
      if (first === undefined) return [MADE_UP_FILL];
      const better = first.side === FillSide.FILL_SIDE_BUY ? first.price - 1n : first.price + 1n;
      return [{ ...first, price: better }, ...rest];
    },
  };
}
