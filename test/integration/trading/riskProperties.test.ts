/**
 * Property: random traders (several subaccounts each, so siblings trade with each other),
 * random orders at prices far from the oracle, random oracle moves. After every block:
 * USDC is conserved across accounts and module accounts and the margin module holds exactly
 * the subaccounts' claims; no account ends a block below zero equity unless it is being
 * liquidated; and the insurance fund never pays in a block without a price move (so never
 * for a trade between two accounts, of one owner or not).
 */
import test from "ava";
import fc from "fast-check";
import { TimeInForce } from "../../../chain/codec/generated/strike/orderbook/v1/order.js";
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { assertAsyncProperty } from "../../helpers/property.js";
import { eventsOf, uusdcOf } from "./checks.js";
import {
  FEE_COLLECTOR_ADDRESS,
  INSURANCE_FUND_ADDRESS,
  MARGIN_ADDRESS,
  createTradingFixture,
  deposit,
  insuranceFund,
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

const TRADERS = 2;
const SUBACCOUNTS = 2;

type Command =
  | { kind: "deposit"; who: number; sub: number; usdc: number }
  | { kind: "withdraw"; who: number; sub: number; usdc: number }
  | { kind: "order"; who: number; sub: number; buy: boolean; milli: number; factorBps: number; ioc: boolean }
  | { kind: "price"; factorBps: number }
  /** The adversarial move of the issue: a sibling bids far below the oracle and the other subaccount sells into it. */
  | { kind: "siblingDump"; who: number; milli: number; factorBps: number };

const who = fc.integer({ min: 0, max: TRADERS - 1 });
const sub = fc.integer({ min: 0, max: SUBACCOUNTS - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("deposit" as const), who, sub, usdc: fc.integer({ min: 10, max: 3000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("withdraw" as const), who, sub, usdc: fc.integer({ min: 1, max: 3000 }) }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("order" as const),
      who,
      sub,
      buy: fc.boolean(),
      milli: fc.integer({ min: 1, max: 2000 }),
      // Mostly near the oracle; sometimes absurd, as a sibling drain would quote.
      factorBps: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 9000, max: 11_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }) },
      ),
      ioc: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("price" as const), factorBps: fc.integer({ min: 7000, max: 13_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("siblingDump" as const),
      who,
      milli: fc.integer({ min: 500, max: 2000 }),
      factorBps: fc.integer({ min: 1, max: 1000 }),
    }),
  },
);

/** oracle × factor, on the 0.1 USDC tick and at least one tick, as USDC text. */
function priceText(oracle: bigint, factorBps: number): string {
  const onTick = ((oracle * BigInt(factorBps)) / 10_000n / 100_000n) * 100_000n;
  return (Number(onTick === 0n ? 100_000n : onTick) / 1e6).toFixed(1);
}

async function totals(f: TradingFixture, traders: readonly TestAccount[]) {
  let bank = 0n;
  for (const a of [...traders, f.feeder]) bank += await uusdc(f, a.address);
  const modules = [MARGIN_ADDRESS, INSURANCE_FUND_ADDRESS, FEE_COLLECTOR_ADDRESS];
  for (const m of modules) bank += await uusdc(f, m);
  let claims = 0n;
  const views = [];
  for (const a of traders)
    for (const v of await subaccounts(f, a.address)) {
      views.push(v);
      claims += uusdcOf(v.collateral);
    }
  return { bank, claims, margin: await uusdc(f, MARGIN_ADDRESS), views };
}

test("random trading keeps USDC conserved, no account below zero unless liquidated, and the fund out of trades", async (t) => {
  await assertAsyncProperty(
    t,
    fc.asyncProperty(fc.array(command, { minLength: 20, maxLength: 40 }), async (commands) => {
      const f = await createTradingFixture({ accounts: TRADERS + 1, insuranceFund: 100_000n });
      const traders = f.accounts.slice(0, TRADERS);
      await sendBlock(
        f,
        traders.flatMap((a) =>
          Array.from({ length: SUBACCOUNTS }, (_, n) => ({ signer: a, msgs: [deposit(a.address, 1_000n, n)] })),
        ),
      );
      let oracle = 3_000_000_000n;
      const start = await totals(f, traders);
      for (const c of commands) {
        const fund0 = await insuranceFund(f);
        if (c.kind === "price") {
          const next = (oracle * BigInt(c.factorBps)) / 10_000n;
          oracle = next - (next % 100_000n);
          await movePrice(f, "ETH", (Number(oracle) / 1e6).toFixed(1));
        } else if (c.kind === "siblingDump") {
          const a = traders[c.who]!;
          const size = (c.milli / 1000).toFixed(3);
          const price = priceText(oracle, c.factorBps);
          // First a long at the oracle price, bought from the other trader.
          const other = traders[(c.who + 1) % TRADERS]!;
          const fair = priceText(oracle, 10_000);
          await send(f, other, [place(other.address, orderSpec("ETH-PERP", "sell", size, fair))]);
          await send(f, a, [
            place(a.address, orderSpec("ETH-PERP", "buy", size, fair, { timeInForce: TimeInForce.TIME_IN_FORCE_IOC })),
          ]);
          await send(f, a, [place(a.address, orderSpec("ETH-PERP", "buy", size, price), 1)]);
          const ioc = { timeInForce: TimeInForce.TIME_IN_FORCE_IOC };
          await send(f, a, [place(a.address, orderSpec("ETH-PERP", "sell", size, price, ioc), 0)]);
        } else {
          const a = traders[c.who]!;
          const msg =
            c.kind === "deposit"
              ? deposit(a.address, BigInt(c.usdc), c.sub)
              : c.kind === "withdraw"
                ? withdraw(a.address, BigInt(c.usdc) * 1_000_000n, c.sub)
                : place(
                    a.address,
                    orderSpec(
                      "ETH-PERP",
                      c.buy ? "buy" : "sell",
                      (c.milli / 1000).toFixed(3),
                      (
                        Number(((oracle * BigInt(c.factorBps)) / 10_000n / 100_000n) * 100_000n || 100_000n) / 1e6
                      ).toFixed(1),
                      c.ioc ? { timeInForce: TimeInForce.TIME_IN_FORCE_IOC } : {},
                    ),
                    c.sub,
                  );
          await send(f, a, [msg]);
        }
        const now = await totals(f, traders);
        if (now.bank !== start.bank) return false;
        if (now.claims !== now.margin) return false;
        const liquidated = new Set(
          eventsOf(f.last!.events, "liquidation").map((e) => `${e["owner"]}/${e["subaccount"]}`),
        );
        for (const v of now.views)
          if (uusdcOf(v.equity) < 0n && !liquidated.has(`${v.subaccount!.owner}/${v.subaccount!.number}`)) return false;
        if (c.kind !== "price" && (await insuranceFund(f)) < fund0) return false;
      }
      return true;
    }),
    { numRuns: 15, seed: 8 },
  );
});
