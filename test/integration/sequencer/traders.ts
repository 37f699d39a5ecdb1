/** A trading chain whose first `count` accounts each deposited 1,000,000 uusdc into margin (one more account is the oracle feeder). */
import type { TestAccount } from "../../unit/runtime/fixture.js";
import { createTradingFixture, deposit, sendBlock, type TradingFixture } from "../trading/fixture.js";

export async function fundedTraders(count: number): Promise<{ f: TradingFixture; traders: TestAccount[] }> {
  const f = await createTradingFixture({ accounts: count + 1 });
  const traders = f.accounts.slice(0, count);
  await sendBlock(
    f,
    traders.map((a) => ({ signer: a, msgs: [deposit(a.address, 1_000_000n)] })),
  );
  return { f, traders };
}
