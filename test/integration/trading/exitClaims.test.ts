/**
 * A checkpoint computes exit claims again only for the accounts marked since the last one
 * (free uusdc, collateral, positions, exit address, first key) and for position holders.
 * Property: whatever happens between checkpoints (trades, price moves, margin deposits and
 * withdrawals, uusdc sent to accounts that never sign, L1 deposits credited, withdrawals,
 * exit addresses chosen), every account's exit leaf, read through the ExitProof query, is
 * what its balance and subaccount views say from scratch, cut to the bridged supply.
 * Every block records a checkpoint: each command's block is followed by an empty one, whose
 * checkpoint is compared with the queries at its own height (same state, same time).
 */
import test from "ava";
import fc from "fast-check";
import { computeAddress, hexlify } from "ethers";
import { TimeInForce } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import { addressToBech32 } from "../../../chain/crypto/address.js";
import { toHex } from "../../../chain/types/bytes.js";
import { allocateExitEquities } from "../../../modules/bridge/index.js";
import { assertAsyncProperty } from "../../helpers/property.js";
import { refusal } from "../../../chain/client/queryRpc.js";
import { queries, sendMsg } from "../../unit/runtime/fixture.js";
import { uusdcOf } from "./checks.js";
import {
  createTradingFixture,
  deposit,
  emptyBlock,
  ethCall,
  nextBlockTime,
  movePrice,
  orderSpec,
  place,
  send,
  sendBlock,
  subaccounts,
  uusdc,
  withdraw,
  type TradingFixture,
} from "./fixture.js";

const TRADERS = 3;
// f.accounts: the traders, then the sleeper (holds uusdc, signs only when woken), then the feeder.
/** Accounts that only ever receive uusdc: they never sign, so they have no L1 address. */
const BYSTANDERS = [1, 2].map((n) => addressToBech32(new Uint8Array(20).fill(0xb0 + n)));

type Command =
  | { kind: "deposit"; who: number; sub: number; usdc: number }
  | { kind: "withdraw"; who: number; sub: number; usdc: number }
  | { kind: "order"; who: number; sub: number; buy: boolean; milli: number; factorBps: number; ioc: boolean }
  | { kind: "price"; factorBps: number }
  | { kind: "send"; who: number; to: number; usdc: number }
  | { kind: "exitAddress"; who: number; l1: number }
  | { kind: "l1Deposit"; to: number; usdc: number }
  | { kind: "l1Withdraw"; who: number; usdc: number }
  | { kind: "trade"; who: number; sub: number; buy: boolean; milli: number }
  | { kind: "flatten"; who: number; sub: number }
  | { kind: "option"; who: number; sub: number; buy: boolean }
  | { kind: "later"; hours: number }
  | { kind: "wake" }
  | { kind: "idle" };

const who = fc.integer({ min: 0, max: TRADERS - 1 });
const sub = fc.integer({ min: 0, max: 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("deposit" as const), who, sub, usdc: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ kind: fc.constant("withdraw" as const), who, sub, usdc: fc.integer({ min: 1, max: 5000 }) }),
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("order" as const),
      who,
      sub,
      buy: fc.boolean(),
      milli: fc.integer({ min: 1, max: 3000 }),
      factorBps: fc.integer({ min: 9000, max: 11_000 }),
      ioc: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("price" as const), factorBps: fc.integer({ min: 8000, max: 12_000 }) }),
  },
  fc.record({
    kind: fc.constant("send" as const),
    who,
    to: fc.integer({ min: 0, max: TRADERS + BYSTANDERS.length }),
    usdc: fc.integer({ min: 1, max: 50_000 }),
  }),
  fc.record({ kind: fc.constant("exitAddress" as const), who, l1: fc.integer({ min: 1, max: 200 }) }),
  fc.record({
    kind: fc.constant("l1Deposit" as const),
    to: fc.integer({ min: 0, max: TRADERS + BYSTANDERS.length }),
    usdc: fc.integer({ min: 1, max: 50_000 }),
  }),
  fc.record({ kind: fc.constant("l1Withdraw" as const), who, usdc: fc.integer({ min: 1, max: 50_000 }) }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("trade" as const),
      who,
      sub,
      buy: fc.boolean(),
      milli: fc.integer({ min: 1, max: 3000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("flatten" as const), who, sub }) },
  fc.record({ kind: fc.constant("option" as const), who, sub, buy: fc.boolean() }),
  // Time alone moves an option's value: its holders' claims change with no tx of theirs.
  fc.record({ kind: fc.constant("later" as const), hours: fc.integer({ min: 1, max: 30 }) }),
  fc.constant({ kind: "wake" as const }),
  fc.constant({ kind: "idle" as const }),
);

interface World {
  f: TradingFixture;
  nonce: bigint;
  /** Exit addresses chosen, by account. */
  chosen: Map<string, string>;
  /** Accounts whose key the chain knows (they signed a tx). */
  signed: Set<string>;
}

function attest(w: World, recipient: string, amount: bigint) {
  w.nonce += 1n;
  return {
    typeUrl: "/strike.bridge.v1.MsgAttestDeposit",
    value: {
      attester: w.f.feeder.address,
      deposit: {
        nonce: w.nonce,
        l1Sender: `0x${"11".repeat(20)}`,
        recipient,
        amount: amount.toString(),
        l1TxHash: `0x${w.nonce.toString(16).padStart(64, "0")}`,
        l1Block: w.nonce,
      },
    },
  };
}

async function signed(w: World, signer: TradingFixture["accounts"][number], msgs: Parameters<typeof send>[2]) {
  const r = await send(w.f, signer, msgs);
  w.signed.add(signer.address);
  return r;
}

/** Every account's leaf as it should be, from its balance and views now (the state the next checkpoint reads). */
async function expectedLeaves(w: World, accounts: readonly string[]) {
  const shares = [];
  for (const account of accounts) {
    let principal = await uusdc(w.f, account);
    let profit = 0n;
    for (const v of await subaccounts(w.f, account)) {
      const equity = uusdcOf(v.equity);
      if (equity <= 0n) continue;
      const collateral = uusdcOf(v.collateral);
      const p = collateral < 0n ? 0n : collateral < equity ? collateral : equity;
      principal += p;
      profit += equity - p;
    }
    const key = w.f.accounts.find((a) => a.address === account);
    const recipient =
      w.chosen.get(account) ??
      (key !== undefined && w.signed.has(account) ? computeAddress(hexlify(key.pubkey)).toLowerCase() : undefined);
    shares.push({
      account,
      recipient: recipient === undefined ? new Uint8Array(20) : Uint8Array.from(Buffer.from(recipient.slice(2), "hex")),
      principal,
      profit,
    });
  }
  const supply = BigInt((await queries(w.f).bridge.Status({})).bridgedSupply);
  return allocateExitEquities(shares, supply).map((e) => ({
    account: e.account,
    recipient: `0x${toHex(e.recipient)}`,
    equity: e.recipient.some((b) => b !== 0) ? e.equity : 0n,
  }));
}

async function leafOf(f: TradingFixture, account: string): Promise<{ recipient: string; equity: bigint } | undefined> {
  try {
    const p = await queries(f).bridge.ExitProof({ account });
    return { recipient: p.recipient, equity: BigInt(p.equity) };
  } catch (e) {
    if (refusal(e) !== undefined) return undefined;
    throw e;
  }
}

/** `who` takes `size` at the oracle price from the next trader's quote, in one block. */
/** `who` takes `size` of `market` at `price` from the next trader's quote, in one block. */
async function cross(
  w: World,
  who: number,
  sub: number,
  buy: boolean,
  size: string,
  price: string,
  market = "ETH-PERP",
) {
  const traders = w.f.accounts.slice(0, TRADERS);
  const a = traders[who]!;
  const maker = traders[(who + 1) % TRADERS]!;
  const ioc = { timeInForce: TimeInForce.TIME_IN_FORCE_IOC };
  await sendBlock(w.f, [
    { signer: maker, msgs: [place(maker.address, orderSpec(market, buy ? "sell" : "buy", size, price))] },
    { signer: a, msgs: [place(a.address, orderSpec(market, buy ? "buy" : "sell", size, price, ioc), sub)] },
  ]);
  return w.f.last;
}

/** The oracle price on the perpetual's 0.1 USDC tick, as text. */
const perpPrice = (oracle: bigint) => (Number(oracle / 100_000n) / 10).toFixed(1);

async function run(w: World, c: Command, oracle: { price: bigint }) {
  const { f } = w;
  const traders = f.accounts.slice(0, TRADERS);
  const sleeper = f.accounts[TRADERS]!;
  const everyone = [...traders.map((a) => a.address), ...BYSTANDERS, sleeper.address];
  switch (c.kind) {
    case "deposit":
      return signed(w, traders[c.who]!, [deposit(traders[c.who]!.address, BigInt(c.usdc), c.sub)]);
    case "withdraw":
      return signed(w, traders[c.who]!, [withdraw(traders[c.who]!.address, BigInt(c.usdc) * 1_000_000n, c.sub)]);
    case "order": {
      const a = traders[c.who]!;
      const ticks = (oracle.price * BigInt(c.factorBps)) / 10_000n / 100_000n;
      const price = (Number(ticks === 0n ? 1n : ticks) / 10).toFixed(1);
      const spec = orderSpec(
        "ETH-PERP",
        c.buy ? "buy" : "sell",
        (c.milli / 1000).toFixed(3),
        price,
        c.ioc ? { timeInForce: TimeInForce.TIME_IN_FORCE_IOC } : {},
      );
      return signed(w, a, [place(a.address, spec, c.sub)]);
    }
    case "price": {
      const next = (oracle.price * BigInt(c.factorBps)) / 10_000n;
      oracle.price = next - (next % 100_000n);
      w.signed.add(f.feeder.address);
      return movePrice(f, "ETH", (Number(oracle.price) / 1e6).toFixed(1));
    }
    case "send": {
      const a = traders[c.who]!;
      return signed(w, a, [sendMsg(a.address, everyone[c.to]!, [{ denom: "uusdc", amount: String(c.usdc * 1e6) }])]);
    }
    case "exitAddress": {
      const a = traders[c.who]!;
      const l1 = `0x${c.l1.toString(16).padStart(2, "0").repeat(20)}`;
      const r = await signed(w, a, [
        { typeUrl: "/strike.bridge.v1.MsgSetExitAddress", value: { account: a.address, l1Address: l1 } },
      ]);
      if (r.code === 0) w.chosen.set(a.address, l1);
      return r;
    }
    case "l1Deposit":
      return signed(w, f.feeder, [attest(w, everyone[c.to]!, BigInt(c.usdc) * 1_000_000n)]);
    case "l1Withdraw": {
      const a = traders[c.who]!;
      const l1 = `0x${"5a".repeat(20)}`;
      const r = await signed(w, a, [
        {
          typeUrl: "/strike.bridge.v1.MsgWithdraw",
          value: { from: a.address, amount: String(c.usdc * 1e6), l1Recipient: l1 },
        },
      ]);
      // A withdrawal's L1 address is the account's exit address from then on.
      if (r.code === 0) w.chosen.set(a.address, l1);
      return r;
    }
    case "trade":
      return cross(w, c.who, c.sub, c.buy, (c.milli / 1000).toFixed(3), perpPrice(oracle.price));
    case "flatten": {
      // Closes the whole position: the realised PnL stays in collateral, and the account
      // holds no position any more (only margin's own mark names it).
      const a = traders[c.who]!;
      const view = (await subaccounts(f, a.address)).find((v) => v.subaccount!.number === c.sub);
      const position = view?.positions.find((p) => p.market === "ETH-PERP");
      if (position === undefined) return emptyBlock(f);
      const long = !position.size.startsWith("-");
      return cross(w, c.who, c.sub, !long, long ? position.size : position.size.slice(1), perpPrice(oracle.price));
    }
    case "option":
      return cross(w, c.who, c.sub, c.buy, "1", "150", ethCall(3000n));
    case "later":
      return emptyBlock(f, nextBlockTime(f) + BigInt(c.hours) * 3600n);
    case "wake":
      // Its first signed tx moves no uusdc, but its key gives its claim an L1 address.
      return signed(w, sleeper, [sendMsg(sleeper.address, traders[0]!.address, [{ denom: "ustrike", amount: "1" }])]);
    case "idle":
      return emptyBlock(f);
  }
}

test("property: after any history, every exit leaf is the account's equity from scratch, cut to the bridged supply", async (t) => {
  t.timeout(600_000);
  await assertAsyncProperty(
    t,
    fc.asyncProperty(
      fc.array(command, { minLength: 10, maxLength: 40, size: "max" }),
      // Every uusdc came from L1, so nobody is cut and a checkpoint reads only what changed; or
      // each account also held uusdc at genesis that L1 never backed, so principals are cut and
      // a change anywhere moves every leaf.
      fc.constantFrom(0n, 1_000_000n),
      async (commands, unbacked) => {
        const f = await createTradingFixture({
          accounts: TRADERS + 2,
          insuranceFund: 100_000n,
          usdcPerAccount: unbacked,
          checkpoints: true,
        });
        const w: World = { f, nonce: 0n, chosen: new Map(), signed: new Set() };
        const oracle = { price: 3_000_000_000n };
        const accounts = [...f.accounts.map((a) => a.address), ...BYSTANDERS];
        await signed(
          w,
          f.feeder,
          f.accounts.map((a) => attest(w, a.address, 1_000_000n * 1_000_000n)),
        );
        await sendBlock(
          f,
          f.accounts
            .slice(0, TRADERS)
            .flatMap((a) => [0, 1].map((n) => ({ signer: a, msgs: [deposit(a.address, 100_000n, n)] }))),
        );
        for (const a of f.accounts.slice(0, TRADERS)) w.signed.add(a.address);
        for (const c of [...commands, { kind: "idle" as const }]) {
          await run(w, c, oracle);
          // The next block's begin block checkpoints the state as it is now, valued at that
          // block's time (an option's value moves with time): the block it runs in changes
          // nothing, so its queries read that state at that time.
          await emptyBlock(f);
          const want = await expectedLeaves(w, accounts);
          for (const e of want) {
            const got = await leafOf(f, e.account);
            if ((got?.equity ?? 0n) !== e.equity) {
              t.log(`after ${c.kind}: ${e.account} has ${got?.equity ?? "no leaf"}, from scratch ${e.equity}`);
              return false;
            }
            if (e.equity > 0n && got!.recipient !== e.recipient) {
              t.log(`after ${c.kind}: ${e.account} pays ${got!.recipient}, from scratch ${e.recipient}`);
              return false;
            }
          }
        }
        return true;
      },
    ),
    { numRuns: 20, seed: 11 },
  );
});
