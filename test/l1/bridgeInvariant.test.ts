/**
 * The bridge's conservation law against the real contract: after any sequence of L1
 * deposits (attested into the bridge keeper), withdrawals, checkpoints of the keeper's
 * withdrawal root and claims (valid, replayed or early), the contract's USDC balance equals
 * the chain's bridged supply plus the withdrawals not yet paid on L1.
 */
import test from "ava";
import fc from "fast-check";
import { Wallet, ZeroHash, getBytes, hexlify, type Contract } from "ethers";
import { addressToBech32 } from "../../chain/crypto/address.js";
import { toHex } from "../../chain/types/bytes.js";
import { parseL1Address } from "../../modules/bridge/index.js";
import { assertAsyncProperty } from "../helpers/property.js";
import { attestAll, createBridgeFixture, deposit } from "../unit/modules/bridge/fixture.js";
import { deploy, ecdsaScheme, makeCheckpoint, revertName, startL1, submitCheckpoint, type L1 } from "./fixture.js";

let l1: L1;
test.before(async () => {
  l1 = await startL1();
});
test.after.always(async () => {
  await l1?.stop();
});

const op = fc.oneof(
  fc.record({
    kind: fc.constant("deposit" as const),
    account: fc.integer({ min: 1, max: 3 }),
    amount: fc.bigInt({ min: 1n, max: 1_000n }),
  }),
  fc.record({
    kind: fc.constant("withdraw" as const),
    account: fc.integer({ min: 1, max: 3 }),
    amount: fc.bigInt({ min: 1n, max: 1_500n }),
  }),
  fc.record({ kind: fc.constant("checkpoint" as const) }),
  fc.record({ kind: fc.constant("claim" as const), id: fc.integer({ min: 0, max: 6 }) }),
);

/** A fresh contract whose trader holds and approved 100,000 USDC, a bridge keeper, and an L1 recipient for withdrawals. */
async function setup(exitTimeoutSeconds?: bigint) {
  const d = await deploy(l1, ecdsaScheme, {
    powers: [1n],
    ...(exitTimeoutSeconds === undefined ? {} : { exitTimeoutSeconds }),
  });
  const contract = d.settlement.connect(l1.trader) as Contract;
  const address = await d.settlement.getAddress();
  await (await d.usdc.getFunction("mint")(l1.trader.address, 100_000n)).wait();
  await (await (d.usdc.connect(l1.trader) as Contract).getFunction("approve")(address, 100_000n)).wait();
  const f = createBridgeFixture([1n]);
  const recipient = parseL1Address(new Wallet(Wallet.createRandom().privateKey).address);
  /** The trader deposits `amount` on L1 for Strike account `account` (20 bytes of that value); resolves to its nonce. */
  const depositOnL1 = async (account: number, amount: bigint): Promise<bigint> => {
    const receipt = await (
      await contract.getFunction("deposit")(amount, hexlify(getBytes(`0x${toHex(new Uint8Array(20).fill(account))}`)))
    ).wait();
    return BigInt(d.settlement.interface.parseLog(receipt!.logs.at(-1)!)!.args[0] as bigint);
  };
  return { d, contract, address, f, recipient, depositOnL1 };
}

// Serial: the tests send from the same Hardhat accounts, whose nonces must not race.
test.serial("property: contract USDC = bridged supply + unclaimed withdrawals, whatever happens", async (t) => {
  t.timeout(600_000);
  await assertAsyncProperty(
    t,
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
      const { d, contract, address, f, recipient, depositOnL1 } = await setup();
      let height = 0n;
      for (const o of ops) {
        if (o.kind === "deposit") {
          const strike = addressToBech32(new Uint8Array(20).fill(o.account));
          const nonce = await depositOnL1(o.account, o.amount);
          attestAll(f, deposit(nonce, strike, o.amount));
        } else if (o.kind === "withdraw") {
          const from = addressToBech32(new Uint8Array(20).fill(o.account));
          try {
            f.tx((ctx) => f.keeper.withdraw(ctx, from, o.amount, recipient));
          } catch {
            // refused (more than the free balance): changes nothing
          }
        } else if (o.kind === "checkpoint") {
          height += 1n;
          const cp = makeCheckpoint(height, {
            withdrawalRoot: `0x${toHex(f.keeper.withdrawalRoot(f.ctx()))}`,
            exitRoot: ZeroHash,
          });
          await submitCheckpoint(d, cp, { signers: [0] });
        } else {
          const p = f.keeper.withdrawalProof(f.ctx(), BigInt(o.id));
          if (p !== undefined) {
            try {
              const w = p.withdrawal;
              await (
                await contract.getFunction("claimWithdrawal")(
                  w.id,
                  w.l1Recipient,
                  BigInt(w.amount),
                  p.proof.map((x) => `0x${toHex(x)}`),
                )
              ).wait();
            } catch {
              // not yet checkpointed, or already paid: reverted, nothing moves
            }
          }
        }
        let unclaimed = 0n;
        for (let id = 0n; id < f.keeper.withdrawalCount(f.ctx()); id++) {
          if (!((await d.settlement.getFunction("withdrawalPaid")(id)) as boolean))
            unclaimed += BigInt(f.keeper.withdrawalProof(f.ctx(), id)!.withdrawal.amount);
        }
        const balance = (await d.usdc.getFunction("balanceOf")(address)) as bigint;
        if (balance !== f.keeper.counters(f.ctx()).bridgedSupply + unclaimed) return false;
      }
      return true;
    }),
    { numRuns: 8 },
  );
});

const exitOp = fc.oneof(
  fc.record({
    kind: fc.constant("deposit" as const),
    account: fc.integer({ min: 1, max: 3 }),
    amount: fc.bigInt({ min: 1n, max: 1_000n }),
  }),
  fc.record({ kind: fc.constant("attest" as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant("withdraw" as const),
    account: fc.integer({ min: 1, max: 3 }),
    amount: fc.bigInt({ min: 1n, max: 1_500n }),
  }),
  fc.record({ kind: fc.constant("checkpoint" as const) }),
);

test.serial(
  "property: in exit mode, after every deposit above the checkpoint's credited nonce is paid back, the contract holds exactly the checkpoint's bridged supply and unpaid withdrawals",
  async (t) => {
    t.timeout(600_000);
    await assertAsyncProperty(
      t,
      fc.asyncProperty(fc.array(exitOp, { minLength: 1, maxLength: 14 }), async (ops) => {
        const { d, contract, address, f, recipient, depositOnL1 } = await setup(10n);
        const strikeAccount = (n: number) => addressToBech32(new Uint8Array(20).fill(n));
        /** Deposits made on L1, by nonce; `attested` once the validators voted (credited or waiting). */
        const made: { nonce: bigint; amount: bigint; account: number; attested: boolean }[] = [];
        let height = 0n;
        let atCheckpoint = { credited: 0n, bridged: 0n, withdrawals: 0n };
        const balance = async () => (await d.usdc.getFunction("balanceOf")(address)) as bigint;
        for (const o of ops) {
          if (o.kind === "deposit") {
            const nonce = await depositOnL1(o.account, o.amount);
            made.push({ nonce, amount: o.amount, account: o.account, attested: false });
          } else if (o.kind === "attest") {
            // Validators' watchers vote in any order: a deposit may pass 2/3 before an earlier one.
            const open = made.filter((m) => !m.attested);
            const m = open[o.pick % Math.max(1, open.length)];
            if (m === undefined) continue;
            attestAll(f, deposit(m.nonce, strikeAccount(m.account), m.amount));
            m.attested = true;
          } else if (o.kind === "withdraw") {
            try {
              f.tx((ctx) => f.keeper.withdraw(ctx, strikeAccount(o.account), o.amount, recipient));
            } catch {
              // refused (more than the free balance): changes nothing
            }
          } else {
            height += 1n;
            const c = f.keeper.counters(f.ctx());
            const cp = makeCheckpoint(height, {
              withdrawalRoot: `0x${toHex(f.keeper.withdrawalRoot(f.ctx()))}`,
              creditedDepositNonce: c.highestNonceCredited,
            });
            await submitCheckpoint(d, cp, { signers: [0] });
            const withdrawn = f.keeper.withdrawalCount(f.ctx());
            let w = 0n;
            for (let id = 0n; id < withdrawn; id++)
              w += BigInt(f.keeper.withdrawalProof(f.ctx(), id)!.withdrawal.amount);
            atCheckpoint = { credited: c.highestNonceCredited, bridged: c.bridgedSupply, withdrawals: w };
          }
          // Every USDC in the contract is bridged, withdrawn and unpaid, or not credited yet.
          const c = f.keeper.counters(f.ctx());
          const pending = made.filter((m) => m.nonce > c.highestNonceCredited).reduce((s, m) => s + m.amount, 0n);
          let withdrawn = 0n;
          for (let id = 0n; id < f.keeper.withdrawalCount(f.ctx()); id++)
            withdrawn += BigInt(f.keeper.withdrawalProof(f.ctx(), id)!.withdrawal.amount);
          if ((await balance()) !== c.bridgedSupply + withdrawn + pending) return false;
        }
        await l1.provider.send("evm_increaseTime", [11]);
        await (await d.settlement.getFunction("enterExitMode")()).wait();
        for (const m of made) {
          const r = contract.getFunction("reclaimDeposit")(m.nonce, l1.trader.address, m.amount);
          if (m.nonce <= atCheckpoint.credited) {
            if ((await revertName(r, d.settlement)) !== "DepositWasCredited") return false;
          } else await (await r).wait();
        }
        // What is left is exactly what the checkpoint's equities and withdrawals can claim.
        return (await balance()) === atCheckpoint.bridged + atCheckpoint.withdrawals;
      }),
      { numRuns: 8 },
    );
  },
);

test.serial("a deposit's checkpointed withdrawal is paid to its recipient exactly once", async (t) => {
  const d = await deploy(l1, ecdsaScheme, { powers: [1n] });
  const address = await d.settlement.getAddress();
  const trader = d.settlement.connect(l1.trader) as Contract;
  await (await d.usdc.getFunction("mint")(l1.trader.address, 500n)).wait();
  await (await (d.usdc.connect(l1.trader) as Contract).getFunction("approve")(address, 500n)).wait();
  await (await trader.getFunction("deposit")(500n, `0x${"01".repeat(20)}`)).wait();
  const f = createBridgeFixture([1n]);
  attestAll(f, deposit(1n, addressToBech32(new Uint8Array(20).fill(1)), 500n));
  const to = Wallet.createRandom().address;
  f.tx((ctx) => f.keeper.withdraw(ctx, addressToBech32(new Uint8Array(20).fill(1)), 200n, parseL1Address(to)));
  await submitCheckpoint(d, makeCheckpoint(1n, { withdrawalRoot: `0x${toHex(f.keeper.withdrawalRoot(f.ctx()))}` }), {
    signers: [0],
  });
  const p = f.keeper.withdrawalProof(f.ctx(), 0n)!;
  const args = [0n, to, 200n, p.proof.map((x) => `0x${toHex(x)}`)] as const;
  await (await trader.getFunction("claimWithdrawal")(...args)).wait();
  t.is((await d.usdc.getFunction("balanceOf")(to)) as bigint, 200n);
  await t.throwsAsync(async () => (await trader.getFunction("claimWithdrawal")(...args)).wait());
  t.is((await d.usdc.getFunction("balanceOf")(to)) as bigint, 200n);
  t.is((await d.usdc.getFunction("balanceOf")(address)) as bigint, 300n);
});
