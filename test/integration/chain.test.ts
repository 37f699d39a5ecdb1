import test from "ava";
import { equalBytes, toHex } from "../../chain/types/bytes.js";
import {
  INITIAL_BALANCE,
  balance,
  createFixture,
  runBlock,
  sendMsg,
  signTx,
  type Fixture,
} from "../unit/runtime/fixture.js";

const BLOCKS = 5;
const TXS_PER_BLOCK = 4;

/** Deterministic blocks of bank sends in a ring between the accounts (plus one failing tx per block). */
async function buildBlocks(f: Fixture): Promise<Uint8Array[][]> {
  const blocks: Uint8Array[][] = [];
  const seq = f.accounts.map(() => 0n);
  for (let h = 0; h < BLOCKS; h++) {
    const txs: Uint8Array[] = [];
    for (let i = 0; i < TXS_PER_BLOCK; i++) {
      const from = (h + i) % f.accounts.length;
      const to = (from + 1) % f.accounts.length;
      const s = f.accounts[from]!;
      txs.push(
        await signTx(s, {
          sequence: seq[from]!,
          msgs: [sendMsg(s.address, f.accounts[to]!.address, [{ denom: "ustrike", amount: String(100 + h * 10 + i) }])],
        }),
      );
      seq[from]! += 1n;
    }
    // A tx that fails in its message: its fee and sequence still change state.
    const s = f.accounts[h % f.accounts.length]!;
    const idx = h % f.accounts.length;
    txs.push(
      await signTx(s, {
        sequence: seq[idx]!,
        msgs: [
          sendMsg(s.address, f.accounts[(idx + 1) % f.accounts.length]!.address, [
            { denom: "uusdc", amount: (INITIAL_BALANCE * 2n).toString() },
          ]),
        ],
      }),
    );
    seq[idx]! += 1n;
    blocks.push(txs);
  }
  return blocks;
}

test("blocks of bank sends execute through finalizeBlock/commit and conserve supply", async (t) => {
  const f = await createFixture({ accounts: 3 });
  const blocks = await buildBlocks(f);
  let fees = 0n;
  for (const txs of blocks) {
    for (const tx of txs) t.is(f.app.checkTx(tx, "new").code, 0);
    const res = await runBlock(f, txs);
    t.deepEqual(
      res.txResults.map((r) => r.code),
      [0, 0, 0, 0, 5],
    );
    fees += 5000n * BigInt(txs.length);
    t.true(equalBytes(f.app.info().lastBlockAppHash, res.appHash));
  }
  t.is(f.app.info().lastBlockHeight, BigInt(BLOCKS));
  let total = 0n;
  for (const a of f.accounts) total += await balance(f, a.address);
  t.is(total + fees, INITIAL_BALANCE * 3n);
});

test("the same blocks replayed on two fresh stores give the same app hash at every height", async (t) => {
  const source = await createFixture({ accounts: 3 });
  const blocks = await buildBlocks(source);
  const hashes: string[][] = [];
  for (let run = 0; run < 2; run++) {
    const f = await createFixture({ accounts: 3 });
    const perHeight: string[] = [toHex(f.state.workingRoot())];
    for (const txs of blocks) perHeight.push(toHex((await runBlock(f, txs)).appHash));
    hashes.push(perHeight);
  }
  t.deepEqual(hashes[0], hashes[1]);
  t.is(new Set(hashes[0]).size, BLOCKS + 1, "every block changed the state");
});
