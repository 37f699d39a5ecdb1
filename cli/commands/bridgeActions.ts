/**
 * What the bridge commands do when they run (bridge.ts defines them): the typed bridge
 * queries, the withdraw and exit-address txs. Loaded only by the command that runs.
 */
import type { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { Command } from "commander";
import type {
  QueryClientImpl as BridgeQuery,
  QueryWithdrawalResponse,
} from "../../chain/codec/generated/strike/bridge/v1/query.js";
import { cometQuerier } from "../../chain/client/comet.js";
import { strikeQueries } from "../../chain/client/queries.js";
import { createQueryRpc, refusal } from "../../chain/client/queryRpc.js";
import { MsgSetExitAddress, MsgWithdraw } from "../../chain/codec/generated/strike/bridge/v1/tx.js";
import { isValidAddress } from "../../chain/crypto/address.js";
import { withComet } from "../abciQuery.js";
import { globalOptions, openKeyring } from "../context.js";
import { cliErrors } from "../errors.js";
import { print } from "../output.js";
import { signAndSend, type TxFlags } from "../txSend.js";

function uusdcAmount(text: string): string {
  const m = /^(\d+)(uusdc)?$/.exec(text.trim());
  if (m === null || BigInt(m[1]!) === 0n)
    throw cliErrors.badArgument(
      `amount "${text}" must be a positive whole uusdc amount, e.g. 500000000uusdc (500 USDC)`,
    );
  return BigInt(m[1]!).toString();
}

function l1Address(text: string, flag: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text))
    throw cliErrors.badArgument(`${flag} must be 0x and 40 hex digits, got "${text}"`);
  return text.toLowerCase();
}

const UINT64_MAX = (1n << 64n) - 1n;
/** The client sends a query's height as a JavaScript number. */
const MAX_HEIGHT = BigInt(Number.MAX_SAFE_INTEGER);

function wholeNumber(text: string, what: string, max = UINT64_MAX): bigint {
  if (!/^\d+$/.test(text)) throw cliErrors.badArgument(`${what} must be a whole number, got "${text}"`);
  const n = BigInt(text);
  if (n > max) throw cliErrors.badArgument(`${what} ${text} is too large (at most ${max})`);
  return n;
}

/** The bridge's typed queries at a height (0: latest); the chain's coded errors come back as they are. */
export function bridgeQueries(comet: Comet38Client, height = 0n): BridgeQuery {
  return strikeQueries(createQueryRpc(cometQuerier(comet), { height })).bridge;
}

/** A refused query reads as "not found", with the node's code and log. */
async function orNotFound<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (e) {
    const r = refusal(e);
    if (r === undefined) throw e;
    throw cliErrors.notFound(`${r.log} (code ${r.code}, codespace ${r.codespace || "-"})`);
  }
}

function withdrawalJson(r: QueryWithdrawalResponse) {
  const w = r.withdrawal!;
  return {
    id: w.id.toString(),
    from: w.from,
    l1_recipient: w.l1Recipient,
    amount: w.amount,
    height: w.height.toString(),
    leaf: r.leaf,
    proof: r.proof,
    root: r.root,
    count: r.count.toString(),
  };
}

// ---- strike tx bridge ---------------------------------------------------------------

export async function withdraw(
  amountText: string,
  o: TxFlags & { to: string; from: string },
  self: Command,
): Promise<void> {
  const g = globalOptions(self);
  const amount = uusdcAmount(amountText);
  const to = l1Address(o.to, "--to");
  const from = openKeyring(g).resolve(o.from).address;
  const value = MsgWithdraw.fromPartial({ from, amount, l1Recipient: to });
  await signAndSend(
    g,
    o.from,
    [{ typeUrl: "/strike.bridge.v1.MsgWithdraw", value }],
    o,
    `Withdraw ${amount}uusdc to ${to} on L1`,
  );
}

export async function setExitAddress(addr: string, o: TxFlags & { from: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const l1 = l1Address(addr, "<address>");
  const account = openKeyring(g).resolve(o.from).address;
  const value = MsgSetExitAddress.fromPartial({ account, l1Address: l1 });
  await signAndSend(g, o.from, [{ typeUrl: "/strike.bridge.v1.MsgSetExitAddress", value }], o, `Exit address ${l1}`);
}

// ---- strike query bridge ------------------------------------------------------------

export async function withdrawalQuery(idText: string, o: { height: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const id = wholeNumber(idText, "<id>");
  const height = wholeNumber(o.height, "--height", MAX_HEIGHT);
  const r = await withComet(g, (c) => orNotFound(bridgeQueries(c, height).Withdrawal({ id })));
  print(g.output, withdrawalJson(r));
}

export async function depositQuery(nonceText: string, _o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const nonce = wholeNumber(nonceText, "<nonce>");
  const r = await withComet(g, (c) => orNotFound(bridgeQueries(c).Deposit({ nonce, attester: "" })));
  print(g.output, {
    nonce: nonce.toString(),
    credited: r.credited,
    ...(r.waiting ? { waiting_for_nonce: (nonce - 1n).toString() } : {}),
    votes: r.votes.map((v) => ({ content_hash: v.contentHash, power: v.power })),
    ...(r.deposit === undefined
      ? {}
      : { recipient: r.deposit.recipient, amount: r.deposit.amount, l1_tx: r.deposit.l1TxHash }),
  });
}

export async function statusQuery(_o: unknown, self: Command): Promise<void> {
  const g = globalOptions(self);
  const r = await withComet(g, (c) => orNotFound(bridgeQueries(c).Status({})));
  print(g.output, {
    bridged_supply: r.bridgedSupply,
    withdrawals: r.withdrawals.toString(),
    withdrawal_root: r.withdrawalRoot,
    deposits_credited: r.depositsCredited.toString(),
    highest_nonce_credited: r.highestNonceCredited.toString(),
  });
}

export async function exitProofQuery(who: string, o: { height: string }, self: Command): Promise<void> {
  const g = globalOptions(self);
  const height = wholeNumber(o.height, "--height", MAX_HEIGHT);
  const account = isValidAddress(who) ? who : keyAddress(g, who);
  const r = await withComet(g, async (c) => {
    try {
      return await bridgeQueries(c, height).ExitProof({ account });
    } catch (e) {
      const f = refusal(e);
      if (f === undefined) throw e;
      throw cliErrors.notFound(
        f.codespace === "bridge" && f.code === 12
          ? `${account} has no exit claim at ${height === 0n ? "the latest height" : `height ${height}`}: ${f.log}`
          : `exit proof of ${account}: ${f.log} (code ${f.code}, codespace ${f.codespace || "-"})`,
      );
    }
  });
  print(g.output, {
    account: r.account,
    account_bytes: r.accountBytes,
    recipient: r.recipient,
    equity: r.equity,
    checkpoint_height: r.checkpointHeight.toString(),
    slot: r.slot.toString(),
    leaf: r.leaf,
    proof: r.proof,
    root: r.root,
  });
}

/** A keyring key's address; anything else is neither an address nor a key: a usage error. */
function keyAddress(g: ReturnType<typeof globalOptions>, name: string): string {
  try {
    return openKeyring(g).resolve(name).address;
  } catch {
    throw cliErrors.badArgument(`<address> "${name}" is neither a strike1... address nor a key in the keyring`);
  }
}
