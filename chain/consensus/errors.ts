/** Registered errors of consensus (codespace "consensus"). */
import { registerError } from "../types/errors.js";

export const consensusErrors = {
  /** The WAL has a damaged record before its end: move it aside and restart to resync. */
  walCorrupted: registerError("consensus", 2, "consensus WAL corrupted"),
  /** Signing would contradict a message already signed at this height/round/step. */
  conflictingSignature: registerError("consensus", 3, "refusing to sign a conflicting message"),
  /** Signing was asked for a height/round/step before the last signed one. */
  signRegression: registerError("consensus", 4, "height/round/step regression"),
  /** The sign state file cannot be read: fix or restore it before starting the validator. */
  signStateCorrupted: registerError("consensus", 5, "sign state file unreadable"),
  /** The stored chain and the application disagree on the last height. */
  stateMismatch: registerError("consensus", 6, "block store and application are out of step"),
} as const;
