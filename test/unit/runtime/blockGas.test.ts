import test from "ava";
import { createFixture, sendMsg, signTx } from "./fixture.js";

const MAX_GAS = 1_000_000n;

async function send(f: Awaited<ReturnType<typeof createFixture>>, from: number, sequence: bigint, gas: number) {
  const s = f.accounts[from]!;
  return signTx(s, {
    sequence,
    msgs: [sendMsg(s.address, f.accounts[(from + 1) % f.accounts.length]!.address, [{ denom: "uusdc", amount: "1" }])],
    fee: { amount: [{ denom: "ustrike", amount: String(Math.ceil(gas * 0.025)) }], gas },
  });
}

test("CheckTx refuses a tx whose gas limit exceeds the block's max gas, before touching state", async (t) => {
  const f = await createFixture({ accounts: 2, maxBlockGas: MAX_GAS });
  const over = await send(f, 0, 0n, Number(MAX_GAS) + 1);
  const r = f.app.checkTx(over, "new");
  t.is(r.codespace, "sdk");
  t.is(r.code, 41);
  t.regex(r.log, /exceeds the block's max gas 1000000/);
  // The sequence was not consumed: the same signer's tx at sequence 0 is still admitted.
  t.is(f.app.checkTx(await send(f, 0, 0n, 200_000), "new").code, 0);
});

test("ProcessProposal rejects a block whose txs together ask for more than the block's max gas", async (t) => {
  const f = await createFixture({ accounts: 3, maxBlockGas: MAX_GAS });
  const a = await send(f, 0, 0n, 600_000);
  const b = await send(f, 1, 0n, 600_000);
  const c = await send(f, 2, 0n, 300_000);
  t.true(f.app.processProposal([a, c], 1n), "900,000 gas fits");
  t.false(f.app.processProposal([a, b], 1n), "1,200,000 gas does not");
});

test("without a max gas (-1) any gas limit is accepted", async (t) => {
  const f = await createFixture({ accounts: 2 });
  t.is(f.app.checkTx(await send(f, 0, 0n, 50_000_000), "new").code, 0);
});
