/**
 * A fixed scenario for golden vectors: deterministic keys (RFC 6979 signatures, so the
 * same tx bytes every run), a fixed genesis, and blocks of bank sends including failures.
 * Its app hashes are pinned in app-hash.json; a change there is a consensus change.
 */
import { toHex } from "../../chain/types/bytes.js";
import { INITIAL_BALANCE, createFixture, runBlock, sendMsg, signTx } from "../unit/runtime/fixture.js";

export interface ScenarioOutcome {
  genesisAppHash: string;
  blocks: { height: number; appHash: string; codes: number[]; gasUsed: string[] }[];
}

export async function runBankScenario(): Promise<ScenarioOutcome> {
  const f = await createFixture({ accounts: 4 });
  const [a, b, c, d] = f.accounts as [
    (typeof f.accounts)[0],
    (typeof f.accounts)[0],
    (typeof f.accounts)[0],
    (typeof f.accounts)[0],
  ];
  const seq = new Map(f.accounts.map((x) => [x.address, 0n]));
  const next = (addr: string): bigint => {
    const s = seq.get(addr)!;
    seq.set(addr, s + 1n);
    return s;
  };
  const coin = (denom: string, amount: bigint | number) => [{ denom, amount: String(amount) }];
  const blocks: Uint8Array[][] = [
    [
      await signTx(a, { sequence: next(a.address), msgs: [sendMsg(a.address, b.address, coin("uusdc", 1_000))] }),
      await signTx(b, { sequence: next(b.address), msgs: [sendMsg(b.address, c.address, coin("ustrike", 2_500))] }),
    ],
    [
      // Fails in its message (code 5): only the fee and the sequence change.
      await signTx(c, {
        sequence: next(c.address),
        msgs: [sendMsg(c.address, d.address, coin("uusdc", INITIAL_BALANCE * 2n))],
      }),
      await signTx(d, {
        sequence: next(d.address),
        memo: "golden",
        msgs: [sendMsg(d.address, a.address, coin("uusdc", 7))],
      }),
    ],
    [],
    [
      await signTx(a, {
        sequence: next(a.address),
        msgs: [sendMsg(a.address, c.address, coin("uusdc", 11)), sendMsg(a.address, d.address, coin("ustrike", 13))],
      }),
      await signTx(a, { sequence: next(a.address), msgs: [sendMsg(a.address, b.address, coin("uusdc", 17))] }),
    ],
  ];
  const out: ScenarioOutcome = { genesisAppHash: toHex(f.state.workingRoot()), blocks: [] };
  for (const txs of blocks) {
    const res = await runBlock(f, txs);
    out.blocks.push({
      height: Number(f.height),
      appHash: toHex(res.appHash),
      codes: res.txResults.map((r) => r.code),
      gasUsed: res.txResults.map((r) => r.gasUsed.toString()),
    });
  }
  return out;
}
