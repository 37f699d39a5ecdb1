/**
 * The bridge keeper: the only writer of bridge state. Deposits are credited once more than
 * 2/3 of the bonded power attested the same content, in nonce order (as Gravity Bridge
 * applies its events): a deposit that passes 2/3 before an earlier nonce waits for it. So
 * "credited up to nonce n" says exactly which deposits are on Strike, and each checkpoint
 * carries that n to L1, where the contract pays back, in exit mode, the deposits above it
 * (Settlement.sol reclaimDeposit): nothing deposited is left that nobody can claim.
 * Withdrawals burn free uusdc and append a leaf to the withdrawal tree; the checkpoint module
 * reads the two roots and the credited nonce.
 */
import type { DepositAttestation, Withdrawal } from "../../chain/codec/generated/strike/bridge/v1/bridge.js";
import { DepositAttestation as DepositCodec } from "../../chain/codec/generated/strike/bridge/v1/bridge.js";
import { sha256 } from "../../chain/crypto/hash.js";
import type { StoreSource } from "../../chain/runtime/collection.js";
import type { Context } from "../../chain/runtime/types.js";
import { compareBytes, equalBytes, fromHex, toHex } from "../../chain/types/bytes.js";
import { addressToBech32, bech32ToAddressBytes } from "../../chain/crypto/address.js";
import { bridgeErrors } from "./errors.js";
import type { AccountEquities, AttesterPowers, BridgeBankKeeper } from "./expectedKeepers.js";
import {
  exitClaims,
  exitTouched,
  getExitClaim,
  getExitTotals,
  setExitClaim,
  setExitTotals,
  type ExitClaim,
} from "./exitShares.js";
import { exitProofFor, exitSlotOf, updateExitTree, type ExitProof, type ExitTarget } from "./exitStore.js";
import {
  allocateExitEquities,
  ethAddressOfPubKey,
  exitPayRule,
  payExit,
  samePayRule,
  type ExitEntry,
  type ExitShare,
} from "./exitTree.js";
import { BRIDGE_ACCOUNT, BRIDGE_DENOM } from "./keys.js";
import { appendLeaf, frontierRoot, merkleProofOf, withdrawalLeafHash } from "./merkleTree.js";
import * as state from "./state.js";
import { normalizeDeposit } from "./validation.js";
import { encodeMessage } from "../../chain/codec/encode.js";

export interface BridgeKeeperConfig {
  bank: BridgeBankKeeper;
  attesters: AttesterPowers;
  equities: AccountEquities;
}

export interface WithdrawalProof {
  withdrawal: Withdrawal;
  leaf: Uint8Array;
  proof: Uint8Array[];
  root: Uint8Array;
  count: bigint;
}

const coin = (amount: bigint) => [{ denom: BRIDGE_DENOM, amount }];
const NO_CLAIM: ExitClaim = { principal: 0n, profit: 0n };

/** Adds one entry (free uusdc or a subaccount) to its account's claim; a floored equity adds nothing. */
function addClaim(into: Map<string, ExitClaim>, account: string, e: { equity: bigint; principal: bigint }): void {
  if (e.equity <= 0n) return;
  // A wiring bug must not mint claims: principal is clamped into [0, equity].
  const p = e.principal < 0n ? 0n : e.principal > e.equity ? e.equity : e.principal;
  const c = into.get(account) ?? NO_CLAIM;
  into.set(account, { principal: c.principal + p, profit: c.profit + e.equity - p });
}

export function depositContentHash(d: DepositAttestation): Uint8Array {
  return sha256(encodeMessage(DepositCodec, d));
}

/** Strictly more than 2/3: exactly two thirds does not credit. */
export function exceedsTwoThirds(power: bigint, total: bigint): boolean {
  return total > 0n && power * 3n > total * 2n;
}

export function createBridgeKeeper(config: BridgeKeeperConfig) {
  const { bank, attesters, equities } = config;
  const moduleAddress = () => bank.moduleAddress(BRIDGE_ACCOUNT);

  /** Credits `d` (the next nonce in order), then every waiting deposit that follows it. */
  function creditInOrder(ctx: Context, d: DepositAttestation): void {
    credit(ctx, d);
    for (let next = d.nonce + 1n; ; next++) {
      const waiting = state.getWaiting(ctx, next);
      if (waiting === undefined) return;
      state.deleteWaiting(ctx, next);
      credit(ctx, waiting);
    }
  }

  function credit(ctx: Context, d: DepositAttestation): void {
    const amount = BigInt(d.amount);
    bank.mintCoins(ctx, BRIDGE_ACCOUNT, coin(amount));
    bank.sendCoins(ctx, moduleAddress(), d.recipient, coin(amount));
    state.setCredited(ctx, d);
    state.clearPending(ctx, d.nonce);
    const c = state.getCounters(ctx);
    state.setCounters(ctx, {
      bridgedSupply: c.bridgedSupply + amount,
      depositsCredited: c.depositsCredited + 1n,
      highestNonceCredited: d.nonce,
    });
    ctx.events.emit("deposit_credited", [
      ["nonce", d.nonce.toString()],
      ["recipient", d.recipient],
      ["amount", `${amount}${BRIDGE_DENOM}`],
      ["l1_sender", d.l1Sender],
      ["l1_tx_hash", d.l1TxHash],
    ]);
  }

  const keeper = {
    /**
     * Records one validator's vote; when its content passes 2/3 of the power, credits the
     * deposit (and the waiting ones after it) if every earlier nonce is credited, else keeps
     * it waiting. `credited` says whether this vote credited that deposit.
     */
    attestDeposit(ctx: Context, attester: string, raw: DepositAttestation): { credited: boolean } {
      const d = normalizeDeposit(raw);
      const v = attesters.validatorOf(ctx, attester);
      if (v === undefined || v.power <= 0n) throw bridgeErrors.notValidator(attester);
      if (state.getCredited(ctx, d.nonce) !== undefined) throw bridgeErrors.alreadyCredited(`nonce ${d.nonce}`);
      const hash = depositContentHash(d);
      const previous = state.getVote(ctx, d.nonce, v.validator);
      if (previous !== undefined) {
        if (equalBytes(previous, hash)) throw bridgeErrors.alreadyAttested(`nonce ${d.nonce} by ${v.validator}`);
        throw bridgeErrors.conflictingAttestation(`nonce ${d.nonce} by ${v.validator}`);
      }
      state.setVote(ctx, d.nonce, v.validator, hash);
      const power = state.getTally(ctx, d.nonce, hash) + v.power;
      state.setTally(ctx, d.nonce, hash, power);
      ctx.events.emit("deposit_attested", [
        ["nonce", d.nonce.toString()],
        ["validator", v.validator],
        ["content_hash", toHex(hash)],
        ["power", power.toString()],
      ]);
      if (!exceedsTwoThirds(power, attesters.totalPower(ctx))) return { credited: false };
      // Votes after the 2/3 (a validator's watcher catching up) are recorded, and change nothing.
      if (state.getWaiting(ctx, d.nonce) !== undefined) return { credited: false };
      if (d.nonce !== state.getCounters(ctx).highestNonceCredited + 1n) {
        // Its votes stay until it is credited: each validator's watcher sees it voted.
        state.setWaiting(ctx, d);
        ctx.events.emit("deposit_waiting", [
          ["nonce", d.nonce.toString()],
          ["recipient", d.recipient],
          ["credited_through", state.getCounters(ctx).highestNonceCredited.toString()],
        ]);
        return { credited: false };
      }
      creditInOrder(ctx, d);
      return { credited: true };
    },

    /**
     * Burns `amount` of the account's free uusdc (its bank balance: margin collateral sits in
     * the margin module and leaves it only through margin's own withdrawal, which checks
     * initial margin) and appends the withdrawal to the tree. Returns its id.
     */
    withdraw(ctx: Context, from: string, amount: bigint, l1Recipient: Uint8Array): bigint {
      const free = bank.getBalance(ctx, from, BRIDGE_DENOM);
      if (free < amount)
        throw bridgeErrors.insufficientWithdrawable(`${from} has ${free}${BRIDGE_DENOM} free, asked ${amount}`);
      const counters = state.getCounters(ctx);
      if (amount > counters.bridgedSupply)
        throw bridgeErrors.exceedsBridgedSupply(`bridged ${counters.bridgedSupply}${BRIDGE_DENOM}, asked ${amount}`);
      bank.sendCoins(ctx, from, moduleAddress(), coin(amount));
      bank.burnCoins(ctx, BRIDGE_ACCOUNT, coin(amount));
      state.setCounters(ctx, { ...counters, bridgedSupply: counters.bridgedSupply - amount });

      const tree = state.getFrontier(ctx);
      const id = tree.count;
      const { tree: next, level } = appendLeaf(tree, withdrawalLeafHash(id, l1Recipient, amount));
      state.setFrontierLevel(ctx, next.count, level, next.frontier[level]!);
      const recipient = `0x${toHex(l1Recipient)}`;
      state.setWithdrawal(ctx, {
        id,
        from,
        l1Recipient: recipient,
        amount: amount.toString(),
        height: ctx.block.height,
      });
      // The account chose this L1 address itself: its exit claim pays there too.
      state.setExitAddress(ctx, from, l1Recipient);
      ctx.events.emit("withdrawal", [
        ["id", id.toString()],
        ["from", from],
        ["l1_recipient", recipient],
        ["amount", `${amount}${BRIDGE_DENOM}`],
      ]);
      return id;
    },

    setExitAddress(ctx: Context, account: string, l1: Uint8Array): void {
      state.setExitAddress(ctx, account, l1);
    },

    /** The withdrawal tree's root over every withdrawal so far (zero when there is none). */
    withdrawalRoot(ctx: Context): Uint8Array {
      return frontierRoot(state.getFrontier(ctx));
    },

    /**
     * The exit entries at this state, from scratch: equities cut to the bridged supply
     * (winners first), in account-byte order, only accounts with an L1 address.
     */
    exitEntries(ctx: Context): ExitEntry[] {
      const byAccount = new Map<string, ExitClaim>();
      for (const e of equities.equities(ctx)) addClaim(byAccount, e.account, e);
      const ordered = [...byAccount]
        .map(([account, s]) => ({ account, bytes: bech32ToAddressBytes(account), ...s }))
        .sort((a, b) => compareBytes(a.bytes, b.bytes));
      const shares: ExitShare[] = ordered.map(({ account, principal, profit }) => ({
        account,
        // No L1 address known: the equity stays in the contract (counted, never claimable).
        recipient: keeper.exitAddress(ctx, account) ?? new Uint8Array(20),
        principal,
        profit,
      }));
      const allocated = allocateExitEquities(shares, state.getCounters(ctx).bridgedSupply);
      return allocated.filter((e) => e.recipient.some((b) => b !== 0));
    },

    /**
     * Checkpoint `height`'s exit root (begin block of height + 1), reading only the accounts
     * whose claim can have changed since the last checkpoint (docs/exit-root.md):
     * - every position holder: its equity follows the marks. Holders' claims are summed
     *   afresh at each checkpoint and never stored;
     * - every other account marked since (its free uusdc, collateral, positions, exit address
     *   or key changed): its claim is stored, and the stored claims' sums are kept by
     *   difference.
     * When the cut (`exitPayRule`) is the last checkpoint's, only those accounts' leaves can
     * change; otherwise every claim is paid again, the stored ones without computing their
     * equity. The first checkpoint reads every account. New accounts get their slots in
     * address order, so the tree is always the one `exitEntries` gives from scratch.
     */
    updateExitTree(ctx: Context, height: bigint): Uint8Array {
      const prior = getExitTotals(ctx);
      const holders = new Set(equities.holders(ctx));
      const fresh = new Map<string, ExitClaim>();
      /** Accounts whose exit address may have changed (undefined: any, at the first checkpoint). */
      let marked: Set<string> | undefined;
      /** Accounts whose stored claim may have to change. */
      let stored: Set<string>;
      if (prior === undefined) {
        for (const e of equities.equities(ctx)) addClaim(fresh, e.account, e);
        stored = new Set([...fresh.keys()].filter((a) => !holders.has(a)));
      } else {
        marked = new Set(exitTouched.list(ctx));
        stored = new Set([...marked, ...equities.changedAccounts(ctx)]);
        for (const a of new Set([...stored, ...holders]))
          for (const e of equities.equitiesOf(ctx, a)) addClaim(fresh, a, e);
      }
      exitTouched.clear(ctx);
      equities.clearChanged(ctx);

      // A holder's claim is not stored (an account that opened its first position was marked,
      // so a claim it had stored is dropped here); any other account's is, by difference.
      let storedPrincipals = prior?.storedPrincipals ?? 0n;
      let storedProfits = prior?.storedProfits ?? 0n;
      for (const account of stored) {
        const bytes = bech32ToAddressBytes(account);
        const now = holders.has(account) ? NO_CLAIM : (fresh.get(account) ?? NO_CLAIM);
        const before = getExitClaim(ctx, bytes);
        if (now.principal === before.principal && now.profit === before.profit) continue;
        storedPrincipals += now.principal - before.principal;
        storedProfits += now.profit - before.profit;
        setExitClaim(ctx, bytes, now);
      }
      let principals = storedPrincipals;
      let profits = storedProfits;
      for (const a of holders) {
        const c = fresh.get(a) ?? NO_CLAIM;
        principals += c.principal;
        profits += c.profit;
      }
      const bridgedSupply = state.getCounters(ctx).bridgedSupply;
      setExitTotals(ctx, { principals, profits, bridgedSupply, storedPrincipals, storedProfits });
      const rule = exitPayRule(principals, profits, bridgedSupply);

      const target = (account: string, bytes: Uint8Array, claim: ExitClaim): ExitTarget => {
        const equity = payExit(rule, claim.principal, claim.profit);
        const slotted = exitSlotOf(ctx, bytes) !== undefined;
        // Nothing to claim and no leaf: nothing to write, whatever its address.
        if (equity === 0n && !slotted) return { account: bytes, equity };
        // An address changes only with a mark (a key first stored, an exit address set): an
        // unmarked account with a leaf keeps its recipient, and its key is not read.
        if (slotted && marked !== undefined && !marked.has(account)) return { account: bytes, equity };
        // No L1 address known: the equity stays in the contract (counted, never claimable).
        const recipient = keeper.exitAddress(ctx, account);
        return recipient === undefined || recipient.every((b) => b === 0)
          ? { account: bytes, equity: 0n }
          : { account: bytes, recipient, equity };
      };
      // Address-byte order: the order in which accounts new to the tree get their slots.
      const byAddress = (accounts: Iterable<string>) =>
        [...accounts]
          .map((account) => ({ account, bytes: bech32ToAddressBytes(account) }))
          .sort((a, b) => compareBytes(a.bytes, b.bytes));
      const same =
        prior !== undefined && samePayRule(rule, exitPayRule(prior.principals, prior.profits, prior.bridgedSupply));
      if (same) {
        const targets = byAddress(new Set([...stored, ...holders])).map(({ account, bytes }) =>
          target(account, bytes, fresh.get(account) ?? NO_CLAIM),
        );
        return updateExitTree(ctx, targets, height, false);
      }
      const claims = new Map<string, ExitClaim>();
      for (const c of exitClaims(ctx)) claims.set(addressToBech32(c.account), c);
      for (const a of holders) claims.set(a, fresh.get(a) ?? NO_CLAIM);
      const targets = byAddress(claims.keys()).map(({ account, bytes }) =>
        target(account, bytes, claims.get(account)!),
      );
      return updateExitTree(ctx, targets, height, true);
    },

    /** The account's exit leaf and proof in the tree of the last checkpoint at this state (point reads only). */
    exitProof: (src: StoreSource, account: string): ExitProof | undefined =>
      exitProofFor(src, bech32ToAddressBytes(account)),

    /** The account's exit address: the one it set or withdrew to, else its own key's Ethereum address. */
    exitAddress(src: StoreSource, account: string): Uint8Array | undefined {
      const set = state.getExitAddress(src, account);
      if (set !== undefined) return set;
      const pub = equities.pubKey(src, account);
      if (pub === undefined) return undefined;
      try {
        return ethAddressOfPubKey(pub);
      } catch {
        return undefined; // not a secp256k1 key (a module or multisig account)
      }
    },

    /** Withdrawal `id` with its proof against the tree at this state (point reads only). */
    withdrawalProof(src: StoreSource, id: bigint): WithdrawalProof | undefined {
      const tree = state.getFrontier(src);
      const withdrawal = id < tree.count ? state.getWithdrawal(src, id) : undefined;
      if (withdrawal === undefined) return undefined;
      const leaves: Uint8Array[] = [];
      for (let i = 0n; i < tree.count; i++) {
        const w = state.getWithdrawal(src, i)!;
        leaves.push(withdrawalLeafHash(w.id, fromHex(w.l1Recipient.slice(2)), BigInt(w.amount)));
      }
      return {
        withdrawal,
        leaf: leaves[Number(id)]!,
        proof: merkleProofOf(leaves, Number(id)),
        root: frontierRoot(tree),
        count: tree.count,
      };
    },

    depositStatus(src: StoreSource, nonce: bigint, attester?: string) {
      const credited = state.getCredited(src, nonce);
      const v = attester === undefined ? undefined : attesters.validatorOf(src, attester);
      return {
        credited,
        waiting: credited === undefined && state.getWaiting(src, nonce) !== undefined,
        votes: credited === undefined ? [...state.tallies(src, nonce)] : [],
        attesterVoted: v !== undefined && state.getVote(src, nonce, v.validator) !== undefined,
      };
    },

    counters: (src: StoreSource) => state.getCounters(src),
    withdrawalCount: (src: StoreSource) => state.getFrontier(src).count,
  };
  return keeper;
}

export type BridgeKeeper = ReturnType<typeof createBridgeKeeper>;
