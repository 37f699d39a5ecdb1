/** What `strike l1 enter-exit-mode|exit|reclaim-deposits` do when they run (l1Exit.ts defines them). */
import type { Command } from "commander";
import { Wallet, getAddress, hexlify, type EventLog } from "ethers";
import type { QueryExitProofResponse } from "../../chain/codec/generated/strike/bridge/v1/query.js";
import { refusal } from "../../chain/client/queryRpc.js";
import { addressToBech32, isValidAddress, secp256k1PubKeyToAddressBytes } from "../../chain/crypto/address.js";
import { fromHex } from "../../chain/types/bytes.js";
import { withComet } from "../abciQuery.js";
import { globalOptions, openKeyring, type GlobalOptions } from "../context.js";
import { cliErrors } from "../errors.js";
import { print } from "../output.js";
import { l1CliErrors } from "./bridge.js";
import { bridgeQueries } from "./bridgeActions.js";
import { connect, l1Tx } from "./l1Connect.js";
import type { L1Flags } from "./l1Flags.js";

interface ExitTiming {
  exitMode: boolean;
  height: bigint;
  exitRoot: string;
  lastCheckpointTime: bigint;
  exitTimeout: bigint;
  /** The first L1 timestamp at which enterExitMode succeeds. */
  earliest: bigint;
  l1Now: bigint;
}

async function exitTiming(c: ReturnType<typeof connect>): Promise<ExitTiming> {
  const s = c.settlement;
  const [exitMode, [height], exitRoot, lastCheckpointTime, exitTimeout, block] = await Promise.all([
    s.getFunction("exitMode")() as Promise<boolean>,
    s.getFunction("lastCheckpoint")() as Promise<[bigint, string, string]>,
    s.getFunction("exitRoot")() as Promise<string>,
    s.getFunction("lastCheckpointTime")() as Promise<bigint>,
    s.getFunction("exitTimeout")() as Promise<bigint>,
    c.provider.getBlock("latest"),
  ]);
  return {
    exitMode,
    height,
    exitRoot,
    lastCheckpointTime,
    exitTimeout,
    earliest: lastCheckpointTime + exitTimeout + 1n,
    l1Now: BigInt(block?.timestamp ?? 0),
  };
}

/** Throws notInExitMode, saying when exit mode opens, unless the contract is in it. */
function requireExitMode(t: ExitTiming, contract: string): void {
  if (t.exitMode) return;
  throw l1CliErrors.notInExitMode(
    t.l1Now + 1n >= t.earliest
      ? `it may be entered now: strike l1 enter-exit-mode --contract ${contract}`
      : `it opens at L1 time ${t.earliest} if no checkpoint lands before (last checkpoint height ${t.height})`,
  );
}

export async function enterExitMode(o: L1Flags, self: Command): Promise<void> {
  const g = globalOptions(self);
  const c = connect(o);
  try {
    const t = await exitTiming(c);
    if (t.exitMode) throw l1CliErrors.alreadyInExitMode(`since checkpoint height ${t.height}`);
    // The tx lands in a later block, whose timestamp is at least one more than the latest.
    if (t.l1Now + 1n < t.earliest)
      throw l1CliErrors.exitTooEarly(
        `last checkpoint (height ${t.height}) landed at L1 time ${t.lastCheckpointTime}, exit timeout ${t.exitTimeout} s: exit mode opens at ${t.earliest}, ${t.earliest - t.l1Now} s from the latest L1 block`,
      );
    const receipt = await l1Tx("enterExitMode", () => c.settlement.getFunction("enterExitMode")());
    print(g.output, {
      exit_mode: true,
      checkpoint_height: t.height.toString(),
      exit_root: t.exitRoot,
      l1_tx: receipt.hash,
      gas_used: receipt.gasUsed.toString(),
    });
  } finally {
    c.provider.destroy();
  }
}

/** The Strike account whose claim to pay: --account (address or key name), else the one of --l1-key's own key. */
function claimAccount(g: GlobalOptions, o: { account?: string; l1Key: string }): string {
  if (o.account !== undefined) {
    if (isValidAddress(o.account)) return o.account;
    return openKeyring(g).get(o.account).address;
  }
  const pub = fromHex(
    new Wallet(o.l1Key.startsWith("0x") ? o.l1Key : `0x${o.l1Key}`).signingKey.compressedPublicKey.slice(2),
  );
  return addressToBech32(secp256k1PubKeyToAddressBytes(pub));
}

async function exitProofAt(
  g: GlobalOptions,
  account: string,
  height: bigint,
): Promise<QueryExitProofResponse | undefined> {
  return withComet(g, async (c) => {
    try {
      return await bridgeQueries(c, height).ExitProof({ account });
    } catch (e) {
      const r = refusal(e);
      if (r === undefined) throw e;
      if (r.codespace === "bridge" && r.code === 12) return undefined;
      throw cliErrors.notFound(
        `exit proof of ${account} at height ${height}: ${r.log} (code ${r.code}, codespace ${r.codespace || "-"}); the node must still hold that height (not pruned)`,
      );
    }
  });
}

export async function exit(o: L1Flags & { account?: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const c = connect(o);
  try {
    const account = claimAccount(g, o);
    const t = await exitTiming(c);
    requireExitMode(t, o.contract);
    const p = await exitProofAt(g, account, t.height + 1n);
    if (p === undefined || BigInt(p.equity) === 0n)
      throw l1CliErrors.noExitEquity(`${account} at checkpoint height ${t.height}`);
    if ((await c.settlement.getFunction("exitClaimed")(p.accountBytes)) === true)
      throw l1CliErrors.exitAlreadyClaimed(account);
    if (p.checkpointHeight !== t.height || p.root.toLowerCase() !== t.exitRoot.toLowerCase())
      throw cliErrors.notFound(
        `Strike's exit tree at height ${t.height + 1n} is checkpoint ${p.checkpointHeight}'s with root ${p.root}; the contract has checkpoint ${t.height} with exit root ${t.exitRoot}`,
      );
    const receipt = await l1Tx("claimExit", () =>
      c.settlement.getFunction("claimExit")(p.accountBytes, p.recipient, BigInt(p.equity), p.proof),
    );
    print(g.output, {
      account,
      account_bytes: hexlify(p.accountBytes),
      recipient: p.recipient,
      equity: p.equity,
      checkpoint_height: t.height.toString(),
      l1_tx: receipt.hash,
      gas_used: receipt.gasUsed.toString(),
    });
  } finally {
    c.provider.destroy();
  }
}

/** Deposited events are read in windows of this many L1 blocks (providers cap a log query's range). */
const LOG_RANGE = 10_000;

export async function reclaimDeposits(
  o: L1Flags & { payer?: string; fromBlock: string },
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  if (o.payer !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(o.payer))
    throw cliErrors.badArgument(`--payer must be 0x and 40 hex digits, got "${o.payer}"`);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(o.fromBlock))
    throw cliErrors.badArgument(`--from-block must be an L1 block number, got "${o.fromBlock}"`);
  const c = connect(o);
  try {
    const payer = getAddress(o.payer ?? c.wallet.address);
    const t = await exitTiming(c);
    requireExitMode(t, o.contract);
    const credited = (await c.settlement.getFunction("creditedDepositNonce")()) as bigint;
    const head = await c.provider.getBlockNumber();
    const mine: { nonce: bigint; amount: bigint }[] = [];
    for (let from = Number(o.fromBlock); from <= head; from += LOG_RANGE) {
      const events = await c.settlement.queryFilter(
        c.settlement.filters.Deposited!(null, payer),
        from,
        Math.min(head, from + LOG_RANGE - 1),
      );
      for (const e of events) {
        const [nonce, , , amount] = (e as EventLog).args as unknown as [bigint, string, string, bigint];
        if (nonce > credited) mine.push({ nonce, amount });
      }
    }
    const open: typeof mine = [];
    for (const d of mine) if ((await c.settlement.getFunction("depositReclaimable")(d.nonce)) === true) open.push(d);
    if (open.length === 0)
      throw l1CliErrors.nothingToReclaim(
        `${payer}: ${mine.length} deposit(s) above nonce ${credited} found from block ${o.fromBlock}, none left to reclaim`,
      );
    const reclaimed = [];
    for (const d of open) {
      const receipt = await l1Tx(`reclaimDeposit(${d.nonce})`, () =>
        c.settlement.getFunction("reclaimDeposit")(d.nonce, payer, d.amount),
      );
      reclaimed.push({ nonce: d.nonce.toString(), amount: d.amount.toString(), l1_tx: receipt.hash });
    }
    print(g.output, {
      payer,
      credited_deposit_nonce: credited.toString(),
      checkpoint_height: t.height.toString(),
      reclaimed,
      total: open.reduce((s, d) => s + d.amount, 0n).toString(),
    });
  } finally {
    c.provider.destroy();
  }
}
