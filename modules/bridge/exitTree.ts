/**
 * The exit tree: each account's equity at a checkpoint, payable on L1 in exit mode. The
 * leaves never sum to more than the bridged supply (what the contract holds for accounts
 * on Strike): when the equities exceed it, unrealised profits are cut first, pro rata, and
 * principal only once no profit is left. docs/exit-root.md has the argument.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { decompressSecp256k1PubKey, SECP256K1_PUBKEY_LENGTH } from "../../chain/crypto/secp256k1.js";
import { toHex } from "../../chain/types/bytes.js";

export interface ExitEntry {
  account: string;
  /** 20-byte L1 address paid. */
  recipient: Uint8Array;
  equity: bigint;
}

// Decompressing a point was most of an exit root's cost, and a key's address never changes:
// a memo of a pure function, so it cannot make two nodes disagree.
const ethAddressMemo = new Map<string, Uint8Array>();
const ETH_ADDRESS_MEMO_MAX = 1_000_000;

/** The Ethereum address of a secp256k1 key: keccak256 of the uncompressed point, last 20 bytes. */
export function ethAddressOfPubKey(pubKey: Uint8Array): Uint8Array {
  const key = toHex(pubKey);
  const known = ethAddressMemo.get(key);
  if (known !== undefined) return known.slice();
  // A compressed key (every key an account's first tx sets) is decompressed natively; any
  // other form as before. Both accept exactly the points on the curve (test/unit/modules/bridge).
  const uncompressed =
    pubKey.length === SECP256K1_PUBKEY_LENGTH && (pubKey[0] === 2 || pubKey[0] === 3)
      ? decompressSecp256k1PubKey(pubKey)
      : secp256k1.Point.fromBytes(pubKey).toBytes(false);
  const address = keccak_256(uncompressed.subarray(1)).slice(12);
  if (ethAddressMemo.size >= ETH_ADDRESS_MEMO_MAX) ethAddressMemo.clear();
  ethAddressMemo.set(key, address);
  return address.slice();
}

/**
 * One account's claim before the cut: `principal` is what it holds outright (free uusdc and
 * each subaccount's collateral, up to its floored equity), `profit` the rest of its floored
 * equity (unrealised PnL at the marks, which only losers' collateral backs).
 */
export interface ExitShare {
  account: string;
  recipient: Uint8Array;
  principal: bigint;
  profit: bigint;
}

/**
 * How each claim is paid when the claims sum to `principals` + `profits` and the bridged
 * supply is `budget`: everyone gets their principal and profits are cut pro rata; if
 * principals alone exceed the budget, profits go to zero and principals are cut pro rata.
 * Rounding is down, so the sum never exceeds the budget. docs/exit-root.md has the argument.
 */
export interface ExitPayRule {
  /** "whole": p + w; "profits": p + ⌊w·num/den⌋; "principals": ⌊p·num/den⌋ (num 0: nothing at all). */
  kind: "whole" | "profits" | "principals";
  num: bigint;
  den: bigint;
}

export function exitPayRule(principals: bigint, profits: bigint, budget: bigint): ExitPayRule {
  const cap = budget < 0n ? 0n : budget;
  if (principals + profits <= cap) return { kind: "whole", num: 1n, den: 1n };
  if (principals <= cap) return { kind: "profits", num: cap - principals, den: profits };
  // Every claim is zero when nothing is bridged, whatever the principals.
  return { kind: "principals", num: cap, den: cap === 0n ? 1n : principals };
}

export function payExit(rule: ExitPayRule, principal: bigint, profit: bigint): bigint {
  if (rule.kind === "whole") return principal + profit;
  if (rule.kind === "profits") return principal + (profit * rule.num) / rule.den;
  return (principal * rule.num) / rule.den;
}

/** Whether two rules pay every claim the same: then only claims that changed need paying again. */
export function samePayRule(a: ExitPayRule, b: ExitPayRule): boolean {
  return a.kind === b.kind && a.num === b.num && a.den === b.den;
}

/** Equities that sum to at most `budget`, by `exitPayRule` over these shares. */
export function allocateExitEquities(shares: readonly ExitShare[], budget: bigint): ExitEntry[] {
  const principals = shares.reduce((s, e) => s + e.principal, 0n);
  const profits = shares.reduce((s, e) => s + e.profit, 0n);
  const rule = exitPayRule(principals, profits, budget);
  return shares.map((e) => ({
    account: e.account,
    recipient: e.recipient,
    equity: payExit(rule, e.principal, e.profit),
  }));
}
